"""The desk's ticket page: everything its panel draws, built in one place for every route that re-renders it."""
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import labels
from portal.backoffice.forms import AssignForm, QuestionForm, QuoteForm, TriageForm, UpdateCustomerForm
from portal.domain import workflow
from portal.domain.dispatch import Suggestion, best
from portal.domain.roles import DESK, SUPERVISORS
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import (
    Acceptance,
    Attachment,
    Document,
    FollowUpTask,
    Notification,
    Quote,
    RemoteAcceptanceLink,
    Ticket,
    TicketEvent,
)
from portal.services import conflicts, selfservice, sla
from portal.services import dispatch as dispatch_service
from portal.services import tickets as ticket_service
from portal.services.transitions import allowed_actions
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm

SUGGESTIONS_SHOWN = 6
QUOTE_ROWS = 5


def suggestion_reasons(s: Suggestion) -> list[str]:
    """Why an engineer ranks where they do, in words: "knows displays · 2 open jobs · same region: 华东"."""
    what = str(labels.PRODUCT_CATEGORY.get(s.category, s.category or "")) if s.category else ""
    reasons = []
    if not s.eligible:
        reasons.append(_("not senior: P1 and P2 need a senior engineer"))
    if what:
        reasons.append(_("knows %(what)s", what=what) if s.knows else _("not trained on %(what)s", what=what))
    reasons.append(ngettext("%(num)d open job", "%(num)d open jobs", s.open_jobs))
    if s.same_region:
        reasons.append(_("same region: %(region)s", region=s.region))
    elif s.engineer.region:
        reasons.append(_("other region: %(region)s", region=s.engineer.region))
    return reasons


@dataclass
class CustomerDialogue:
    """The desk's panel of questions, quotes, the rating and follow-up tasks of one ticket."""
    questions: list
    quotes: list
    survey: object | None
    tasks: list
    forms: dict = field(default_factory=dict)
    quote_rows: list = field(default_factory=list)


def customer_dialogue(ticket: Ticket, forms: dict | None = None, quote_rows: list | None = None) -> CustomerDialogue:
    """`forms` and `quote_rows` carry a refused form back as typed."""
    quotes = db.session.scalars(db.select(Quote).options(joinedload(Quote.decided_by))
                                .where(Quote.ticket_id == ticket.id).order_by(Quote.id.desc())).all()
    tasks = db.session.scalars(db.select(FollowUpTask).where(FollowUpTask.ticket_id == ticket.id)
                               .order_by(FollowUpTask.id.desc())).all()
    forms = {"question": QuestionForm(formdata=None), "quote": QuoteForm(formdata=None),
             "withdraw": ButtonForm(formdata=None), **(forms or {})}
    return CustomerDialogue(questions=selfservice.questions(ticket), quotes=quotes,
                            survey=selfservice.survey_of(ticket), tasks=tasks, forms=forms,
                            quote_rows=quote_rows or [("", "", "")] * QUOTE_ROWS)


def changes_since(ticket: Ticket, version: int) -> list[dict]:
    """The latest events, one per version the ticket moved on since the form was opened (at most 5)."""
    missed = max(1, min(5, ticket.version - version))
    events = db.session.scalars(
        db.select(TicketEvent).options(joinedload(TicketEvent.actor)).where(TicketEvent.ticket_id == ticket.id)
        .order_by(TicketEvent.id.desc()).limit(missed)).all()
    return [{"at": e.created_at, "what": labels.EVENT.get(e.kind, e.kind), "who": e.actor.name if e.actor else None,
             "body": e.body} for e in reversed(events)]


def ticket_context(ticket: Ticket, triage_form=None, assign_form=None, update_form=None, new_link=None,
                   dialogue_forms: dict | None = None, quote_rows: list | None = None,
                   error: str | None = None) -> dict:
    """The ticket panel; a refused form comes back in its place, as typed (`error`: a refusal said above)."""
    ranked = dispatch_service.suggestions(ticket)
    suggestion = ticket_service.suggest_priority(ticket)
    if triage_form is None:
        triage_form = TriageForm(formdata=None, category=ticket.category or "fault_repair",
                                 priority=ticket.priority or suggestion.priority, reason=ticket.priority_reason)
    if assign_form is None:
        # The default is the top eligible suggestion (other than the current assignee on a reassignment).
        top = best([s for s in ranked if s.engineer.id != ticket.assignee_id])
        assign_form = AssignForm(formdata=None, engineer_id=top.engineer.id if top else None)
    assign_form.engineer_id.choices = to_choices([("", _("Choose an engineer"))] + [
        (s.engineer.id, s.engineer.name + (" ★" if s.engineer.is_senior else "")
         + ("" if s.eligible else " — " + _("not senior"))) for s in ranked])
    triage_form.version.data = assign_form.version.data = ticket.version
    events = db.session.scalars(
        db.select(TicketEvent).options(joinedload(TicketEvent.actor))
        .where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()
    attachments = db.session.scalars(
        db.select(Attachment).where(Attachment.ticket_id == ticket.id, Attachment.purpose != "signature")
        .order_by(Attachment.id)).all()
    documents = db.session.scalars(
        db.select(Document).where(Document.ticket_id == ticket.id).order_by(Document.id)).all()
    acceptance = db.session.scalar(db.select(Acceptance).options(joinedload(Acceptance.remote_link))
                                   .where(Acceptance.ticket_id == ticket.id))
    links = db.session.scalars(db.select(RemoteAcceptanceLink).where(RemoteAcceptanceLink.ticket_id == ticket.id)
                               .order_by(RemoteAcceptanceLink.id.desc())).all()
    notices = db.session.scalars(db.select(Notification).where(Notification.ticket_id == ticket.id)
                                 .order_by(Notification.id)).all()
    return {"ticket": ticket, "events": events, "attachments": attachments, "documents": documents,
            "triage_form": triage_form, "assign_form": assign_form, "actions": allowed_actions(ticket, current_user),
            "flags": workflow.flags(ticket.status), "can_resolve_conflicts": current_user.role in SUPERVISORS,
            "conflicts": conflicts.open_conflicts(ticket.id), "resolve_form": ButtonForm(formdata=None),
            "acceptance": acceptance, "links": links, "new_link": new_link, "now": utcnow(), "notices": notices,
            "error": error,
            "suggestion": suggestion, "sla": sla.reading(ticket),
            # The best few with their reasons; the select below still offers every engineer in ranked order.
            "engineer_suggestions": [(s, suggestion_reasons(s)) for s in ranked[:SUGGESTIONS_SHOWN]],
            "update_form": update_form or UpdateCustomerForm(formdata=None),
            "dialogue": customer_dialogue(ticket, dialogue_forms, quote_rows) if current_user.role in DESK else None}
