"""The satisfaction call-back within 24 h of the fix (seeds 001 and 004): the survey invitation with a link to the
portal, one reminder, then a call-back task on the desk's list for a customer who did not answer; the agent
records 满意 / 基本满意 / 不满意 and the comment. The Survey row and the task are the record: each step once."""
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from portal.domain import callback as rules
from portal.domain.selfservice import survey_window
from portal.domain.time import as_utc, utcnow
from portal.domain.workflow import CLOSED
from portal.extensions import db
from portal.models import FollowUpTask, Survey, Ticket, User
from portal.services import ServiceError
from portal.services.events import add_event


def survey_link(ticket: Ticket) -> str:
    """The customer's ticket page, at its survey: built without a request (the task queue)."""
    path = current_app.url_map.bind("portal").build("customer.ticket_detail", {"ticket_id": ticket.id})
    return f"{current_app.config['PUBLIC_BASE_URL']}{path}#survey"


def due(now: datetime, after_id: int, limit: int) -> list[tuple[Ticket, Survey | None]]:
    """Tickets closed within the last 24 h whose customer has not answered and has no call-back task yet."""
    callback = db.select(FollowUpTask.id).where(FollowUpTask.ticket_id == Ticket.id,
                                                FollowUpTask.kind == "callback").exists()
    rows = db.session.execute(
        db.select(Ticket, Survey).outerjoin(Survey, Survey.ticket_id == Ticket.id)
        .where(Ticket.status == CLOSED, Ticket.closed_at >= now - rules.WITHIN, Ticket.id > after_id,
               ~and_(Survey.id.is_not(None), (Survey.submitted_at.is_not(None) | Survey.satisfaction.is_not(None))),
               ~callback)
        .order_by(Ticket.id).limit(limit)).all()
    return [(ticket, survey) for ticket, survey in rows]


def follow_up(ticket: Ticket, survey: Survey | None, now: datetime) -> str | None:
    """Take the step the ticket needs now (portal.domain.callback); its messages go when the task commits."""
    closed_at = as_utc(ticket.closed_at)
    step = rules.next_step(closed_at, now, answered=survey is not None and (
        survey.submitted_at is not None or survey.satisfaction is not None),
        invited=survey is not None and survey.invited_at is not None,
        reminded=survey is not None and survey.reminded_at is not None, callback=False)
    if step is None:
        return None
    if survey is None:
        window = survey_window(closed_at)
        survey = Survey(ticket_id=ticket.id, opens_at=window.opens_at, closes_at=window.closes_at)
        db.session.add(survey)
    if step == "invite":
        survey.invited_at = now
        add_event(ticket, None, "survey_invited", data={"link": survey_link(ticket)}, at=now)
    elif step == "remind":
        survey.reminded_at = now
        add_event(ticket, None, "survey_reminded", data={"link": survey_link(ticket)}, at=now)
    else:
        by = rules.callback_due_by(closed_at)
        db.session.add(FollowUpTask(ticket_id=ticket.id, kind="callback", created_at=now,
                                    data={"due": by.isoformat(timespec="minutes")}))
        add_event(ticket, None, "callback_due", data={"due": by.isoformat(timespec="minutes")}, at=now)
    return step


def record_callback(task: FollowUpTask, user: User, *, satisfaction: str, comment: str | None) -> Survey:
    """The agent called the customer: the answer goes on the survey, the task is done; 不满意 raises a follow-up
    task for the supervisor, like a low score."""
    if task.kind != "callback":
        raise ServiceError(_l("This task is not a call-back."), status=409)
    if task.status != "open":
        raise ServiceError(_l("This task is already done."), status=409)
    if satisfaction not in rules.SATISFACTION:
        raise ServiceError(_l("Choose how satisfied the customer is."), field="satisfaction")
    ticket = task.ticket
    survey = db.session.scalar(db.select(Survey).where(Survey.ticket_id == ticket.id))
    if survey is None:
        window = survey_window(as_utc(ticket.closed_at or utcnow()))
        survey = Survey(ticket_id=ticket.id, opens_at=window.opens_at, closes_at=window.closes_at)
        db.session.add(survey)
    now = utcnow()
    survey.satisfaction = satisfaction
    if comment:
        survey.comment = comment
    task.status, task.done_at, task.done_by_id, task.done_note = "done", now, user.id, comment or None
    add_event(ticket, user, "callback_done", body=comment or None, data={"satisfaction": satisfaction}, at=now)
    if satisfaction == rules.LOW:
        db.session.add(FollowUpTask(ticket_id=ticket.id, kind="low_rating", note=comment or None,
                                    created_by_id=user.id, data={"satisfaction": satisfaction}))
    return survey



def call_by(task: FollowUpTask) -> datetime | None:
    """When the call-back is due (24 h after the fix), as the task recorded it."""
    try:
        return datetime.fromisoformat((task.data or {})["due"])
    except (KeyError, TypeError, ValueError):
        return None
