"""Customer actions on a ticket and the desk's side of them: questions and answers, quotes decided like a
signature, requests for a signing link, escalations and complaints, the survey after closing, and the
follow-up tasks these raise for supervisors."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from portal.domain import selfservice as rules
from portal.domain import workflow
from portal.domain.roles import Role
from portal.domain.time import as_utc, utcnow
from portal.extensions import db
from portal.models import FollowUpTask, Notification, Quote, Survey, Ticket, TicketEvent, User
from portal.services import ServiceError, mailer, points, ticket_files
from portal.services.events import add_event
from portal.services.localtime import local_today
from portal.services.transitions import apply_action

ESCALATION_KINDS = ("escalation", "complaint")
QUESTION, ANSWER = "question_to_customer", "customer_answered"
CLOSED_MESSAGE = _l("This ticket is closed.")


# ---- Questions -------------------------------------------------------------------------------------------

def questions(ticket: Ticket) -> list[tuple[TicketEvent, TicketEvent | None]]:
    """Every question to the customer with its answer (or None), oldest first."""
    events = db.session.scalars(db.select(TicketEvent).where(
        TicketEvent.ticket_id == ticket.id, TicketEvent.kind.in_((QUESTION, ANSWER))).order_by(TicketEvent.id)).all()
    answers = {(e.data or {}).get("question_id"): e for e in events if e.kind == ANSWER}
    return [(q, answers.get(q.id)) for q in events if q.kind == QUESTION]


def ask_customer(ticket: Ticket, user: User, *, question: str, files=()) -> TicketEvent:
    """A message to the customer (a question they answer), with photos, MP4 videos or PDFs they may open."""
    apply_action(ticket, "ask_customer", user, refused=CLOSED_MESSAGE)
    attachments = ticket_files.attach_files(ticket, files, user, "reply")
    return add_event(ticket, user, QUESTION, body=question, customer_visible=True,
                     data={"files": ticket_files.described(attachments)} if attachments else None)


def answer_question(ticket: Ticket, user: User, *, question_id: int, answer: str) -> TicketEvent:
    """The customer's answer. It does not move the ticket or an SLA clock: the update clock measures our
    updates to the customer, and a ticket waiting for the customer is resumed by its engineer."""
    apply_action(ticket, "answer", user, refused=CLOSED_MESSAGE)
    pairs = {q.id: a for q, a in questions(ticket)}
    if question_id not in pairs:
        raise ServiceError(_l("This question is no longer open."), status=409)
    if pairs[question_id] is not None:
        raise ServiceError(_l("This question has already been answered."), status=409)
    return add_event(ticket, user, ANSWER, body=answer, customer_visible=True, data={"question_id": question_id})


# ---- Quotes ----------------------------------------------------------------------------------------------

def quote_content(quote: Quote, ticket: Ticket) -> dict:
    return rules.quote_content(ticket_number=ticket.number, quote_id=quote.id, items=quote.items,
                               amount=quote.amount, currency=quote.currency, note=quote.note)


def quote_lines(quote: Quote) -> list[rules.QuoteLine]:
    return [rules.QuoteLine(i["description"], Decimal(i["quantity"]), Decimal(i["unit_price"])) for i in quote.items]


def pending_quote(ticket: Ticket) -> Quote | None:
    return db.session.scalar(db.select(Quote).where(Quote.ticket_id == ticket.id, Quote.status == "pending")
                             .order_by(Quote.id.desc()).limit(1))


def create_quote(ticket: Ticket, user: User, *, lines: list[rules.QuoteLine], note: str | None) -> Quote:
    """A new quote; a pending one it replaces is withdrawn. The amount is computed here, never taken as typed."""
    apply_action(ticket, "quote", user, refused=CLOSED_MESSAGE)
    old = pending_quote(ticket)
    if old is not None:
        withdraw_quote(ticket, user, old)
    quote = Quote(ticket_id=ticket.id, created_by_id=user.id, items=[line.as_json() for line in lines],
                  amount=rules.quote_amount(lines), currency="CNY", note=note or None, content_sha256="")
    db.session.add(quote)
    db.session.flush()
    quote.content_sha256 = rules.content_hash(quote_content(quote, ticket))
    add_event(ticket, user, "quote_sent", body=f"{quote.amount} {quote.currency}", customer_visible=True,
              data={"quote_id": quote.id, "amount": str(quote.amount)})
    return quote


def withdraw_quote(ticket: Ticket, user: User, quote: Quote) -> None:
    apply_action(ticket, "quote", user, refused=CLOSED_MESSAGE)
    if quote.status != "pending":
        raise ServiceError(_l("This quote has already been decided or withdrawn."), status=409)
    quote.status = "withdrawn"
    add_event(ticket, user, "quote_withdrawn", customer_visible=True, data={"quote_id": quote.id})


@dataclass
class QuoteDecision:
    approve: bool
    name: str
    shown_sha256: str
    reason: str | None = None
    client_decided_at: datetime | None = None
    ip_address: str | None = None
    user_agent: str | None = None


def decide_quote(ticket: Ticket, user: User, quote: Quote, decision: QuoteDecision) -> None:
    """Approve or decline, recorded like a signature; refused if the quote is not the one shown."""
    apply_action(ticket, "decide_quote", user, refused=CLOSED_MESSAGE)
    if quote.status != "pending":
        raise ServiceError(_l("This quote was withdrawn or already decided. Please read the current one."),
                           status=409)
    digest = rules.content_hash(quote_content(quote, ticket))
    if decision.shown_sha256 != digest or digest != quote.content_sha256:
        raise ServiceError(_l("The quote changed after it was shown to you. Please read it again."), status=409)
    if not decision.approve and not (decision.reason or "").strip():
        raise ServiceError(_l("Tell us why you decline the quote."), field="reason")
    quote.status = "approved" if decision.approve else "declined"
    quote.decided_by_id, quote.decided_name, quote.decided_at = user.id, decision.name, utcnow()
    quote.client_decided_at = decision.client_decided_at
    quote.decline_reason = None if decision.approve else decision.reason.strip()
    quote.ip_address = (decision.ip_address or "")[:64] or None
    quote.user_agent = (decision.user_agent or "")[:400] or None
    add_event(ticket, user, "quote_approved" if decision.approve else "quote_declined",
              body=quote.decline_reason or decision.name, customer_visible=True,
              data={"quote_id": quote.id, "amount": str(quote.amount), "sha256": digest})


# ---- Follow-up tasks, escalations, signing links ---------------------------------------------------------

def open_tasks(ticket: Ticket, kinds) -> list[FollowUpTask]:
    return db.session.scalars(db.select(FollowUpTask).where(
        FollowUpTask.ticket_id == ticket.id, FollowUpTask.kind.in_(tuple(kinds)), FollowUpTask.status == "open")
        .order_by(FollowUpTask.id)).all()


def supervisors() -> list[User]:
    return db.session.scalars(db.select(User).where(User.role == Role.SUPERVISOR, User.active.is_(True))
                              .order_by(User.id)).all()


def request_escalation(ticket: Ticket, user: User, *, kind: str, reason: str) -> FollowUpTask:
    """Open an escalation (or complaint) once: a second request while one is open is refused."""
    if kind not in ESCALATION_KINDS:
        raise ServiceError(_l("Choose escalation or complaint."), field="kind")
    apply_action(ticket, "escalate", user, refused=_l("This ticket is cancelled."))
    if open_tasks(ticket, ESCALATION_KINDS):
        raise ServiceError(_l("Your request is already with a supervisor; they will contact you."), status=409)
    task = FollowUpTask(ticket_id=ticket.id, kind=kind, note=reason, created_by_id=user.id,
                        data={"status": ticket.status})
    db.session.add(task)
    add_event(ticket, user, "escalation_requested", body=reason, customer_visible=True, data={"kind": kind})
    label = "Escalation" if kind == "escalation" else "Complaint"
    people = supervisors()
    customer = ticket.customer
    # A customer with a dedicated account manager: the manager hears of it too.
    if customer.has_account_manager and customer.account_manager is not None and customer.account_manager.active:
        people = [*people, customer.account_manager] if customer.account_manager.id not in {
            p.id for p in people} else people
    for person in people:
        if person.email:
            mailer.queue_notice(Notification(
                ticket_id=ticket.id, kind="escalation", channel="email", recipient=person.email,
                body=f"{label} {ticket.number} ({ticket.customer.name}): {reason}"))
    return task


def request_signing_link(ticket: Ticket, user: User) -> FollowUpTask:
    apply_action(ticket, "request_signing_link", user, refused=_l("The work is not waiting for your acceptance."))
    if open_tasks(ticket, ("signing_link",)):
        raise ServiceError(_l("You already asked for a signing link; the service desk will send it."), status=409)
    task = FollowUpTask(ticket_id=ticket.id, kind="signing_link", created_by_id=user.id)
    db.session.add(task)
    add_event(ticket, user, "signing_link_requested", customer_visible=True)
    return task


def complete_task(task: FollowUpTask, user: User, *, note: str | None) -> None:
    if task.status != "open":
        raise ServiceError(_l("This task is already done."), status=409)
    task.status, task.done_at, task.done_by_id, task.done_note = "done", utcnow(), user.id, note or None


# ---- The survey ------------------------------------------------------------------------------------------

def survey_window(ticket: Ticket) -> rules.SurveyWindow | None:
    """From the closing time: the Survey row is written on submission with this same window."""
    if not workflow.flags(ticket.status).closed or ticket.closed_at is None:
        return None
    return rules.survey_window(as_utc(ticket.closed_at))


def survey_of(ticket: Ticket) -> Survey | None:
    return db.session.scalar(db.select(Survey).where(Survey.ticket_id == ticket.id))


_UNREAD = object()


def survey_state(ticket: Ticket, now: datetime | None = None, survey=_UNREAD) -> str:
    """not_offered | open | submitted | expired; `survey`: the ticket's Survey (or None) when already read."""
    window = survey_window(ticket)
    if window is None:
        return "not_offered"
    if survey is _UNREAD:
        survey = survey_of(ticket)
    state = window.state(now or utcnow(), survey is not None and survey.submitted_at is not None)
    return "not_offered" if state == "not_yet" else state


def submit_survey(ticket: Ticket, user: User, *, speed: int, engineer: int, result: int, comment: str | None,
                  now: datetime | None = None, satisfaction: str | None = None) -> Survey:
    now = now or utcnow()
    state = survey_state(ticket, now)
    if state == "not_offered":
        raise ServiceError(_l("The survey opens when the ticket is closed."), status=409)
    if state == "submitted":
        raise ServiceError(_l("Thank you: your rating was already recorded and cannot be changed."), status=409)
    if state == "expired":
        raise ServiceError(_l("The survey closed 7 days after the ticket was closed."), status=409)
    apply_action(ticket, "rate", user)
    scores = (speed, engineer, result)
    if any(s not in range(1, 6) for s in scores):
        raise ServiceError(_l("Rate each question from 1 to 5."))
    window = survey_window(ticket)
    survey = survey_of(ticket) or Survey(ticket_id=ticket.id, opens_at=window.opens_at, closes_at=window.closes_at)
    survey.speed, survey.engineer, survey.result = scores
    survey.comment, survey.submitted_at, survey.submitted_by_id = comment or None, now, user.id
    survey.satisfaction = satisfaction or survey.satisfaction
    db.session.add(survey)
    add_event(ticket, user, "survey_submitted", customer_visible=True,
              data={"speed": speed, "engineer": engineer, "result": result})
    points.earn_for_survey(ticket, local_today(now))
    if rules.is_low(*scores) or satisfaction == "unsatisfied":
        db.session.add(FollowUpTask(ticket_id=ticket.id, kind="low_rating", note=comment or None,
                                    created_by_id=user.id,
                                    data={"speed": speed, "engineer": engineer, "result": result}))
    return survey
