"""Desk views: thin wrappers that load, validate, call a service, commit and render."""
import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload, load_only

from portal import labels
from portal.access import load_ticket, roles_required
from portal.backoffice import DESK, STAFF, SUPERVISORS, bp, bulk
from portal.backoffice.forms import AssignForm, TriageForm, UpdateCustomerForm
from portal.backoffice.selfservice import customer_dialogue
from portal.domain import search, workflow
from portal.extensions import db
from portal.forms import to_choices
from portal.models import (
    Acceptance,
    Attachment,
    Customer,
    Department,
    Document,
    RemoteAcceptanceLink,
    SyncConflict,
    Ticket,
    TicketEvent,
    User,
)
from portal.models._base import utcnow
from portal.services import ServiceError, conflicts
from portal.services import sla as sla_service
from portal.services import tickets as ticket_service
from portal.web import is_htmx, render

PAGE_SIZE = 25
SUGGESTIONS_SHOWN = 6


QUEUE_FILTERS = ("status", "priority", "category", "channel", "assignee", "department", "sla", "sort", "q")
SLA_STATES = ("breached", "at_risk", "ok", "paused", "met")


def _queue_filters() -> dict:
    args = {k: request.args.get(k, "").strip() for k in QUEUE_FILTERS}
    args["status"] = args["status"] or "open"
    args["sort"] = args["sort"] if args["sort"] in ("sla", "new") else "sla"
    args["q"] = args["q"][:100]
    return args


def _broad(condition):
    """A condition most tickets meet. SQLite's planner would otherwise read every open ticket through the
    status index and sort them, where walking the SLA sort index reads one page: likely() says so."""
    return sa.func.likely(condition) if db.engine.dialect.name == "sqlite" else condition


def _filtered(query, f: dict, skip: str | None = None):
    if f["status"] == "open":
        query = query.where(_broad(Ticket.status.in_(workflow.OPEN_STATUSES)))
    elif f["status"] in workflow.STATUSES:
        query = query.where(_broad(Ticket.status == f["status"]))
    if f["priority"] in labels.PRIORITY:
        query = query.where(Ticket.priority == f["priority"])
    if f["category"] in labels.CATEGORY:
        query = query.where(Ticket.category == f["category"])
    if f["channel"] in labels.CHANNEL:
        query = query.where(Ticket.channel == f["channel"])
    if f["assignee"] == "none":
        query = query.where(Ticket.assignee_id.is_(None))
    elif f["assignee"].isdigit():
        query = query.where(Ticket.assignee_id == int(f["assignee"]))
    if f["department"].isdigit():
        query = query.where(Ticket.department_id == int(f["department"]))
    if skip != "sla" and f["sla"] in SLA_STATES:
        query = query.where(Ticket.sla_state == f["sla"])
    if f["q"]:
        query = query.where(search_condition(f["q"]))
    return query


SCAN_LIMIT = 5000


def search_condition(raw: str):
    """An indexed condition for a text fragment (see portal.domain.search)."""
    q = search.normalize(raw)
    kind = search.query_kind(q)
    postgres = db.engine.dialect.name == "postgresql"
    if kind == "trigram":
        if postgres:  # LIKE '%q%' on the lowercased text is answered by the pg_trgm GIN index
            return Ticket.search_text.contains(q, autoescape=True)
        return Ticket.id.in_(sa.text("SELECT rowid FROM ticket_search_trigram WHERE ticket_search_trigram MATCH :p")
                             .bindparams(p=search.fts_phrase(q)))
    if kind == "bigram":
        if postgres:
            return sa.text("string_to_array(ticket.search_bigrams, ' ') @> ARRAY[:bigram]::text[]").bindparams(
                bigram=q)
        return Ticket.id.in_(sa.text("SELECT rowid FROM ticket_search_bigram WHERE ticket_search_bigram MATCH :p")
                             .bindparams(p=search.fts_phrase(q)))
    # A single character, or two with punctuation: only the newest SCAN_LIMIT tickets are read.
    floor = (sa.select(Ticket.id).order_by(Ticket.id.desc()).offset(SCAN_LIMIT - 1).limit(1)
             .scalar_subquery())
    recent = sa.select(Ticket.id).where(Ticket.id >= sa.func.coalesce(floor, 0),
                                        Ticket.search_text.contains(q, autoescape=True))
    return Ticket.id.in_(recent)


_COUNTS: dict[tuple, dict] = {}


SEARCH_COUNT_CAP = 1000


def _state_counts(f: dict) -> tuple[dict, bool]:
    """Tickets per SLA state under the filters, and whether a search hit the cap. Counting touches every
    matching ticket, so the result is kept per process until any ticket changes (max(updated_at) and
    max(id): two index lookups); a search counts at most SEARCH_COUNT_CAP matches, since a common word
    can match a tenth of all tickets."""
    version = (db.session.scalar(db.select(db.func.max(Ticket.updated_at))),
               db.session.scalar(db.select(db.func.max(Ticket.id))))
    key = (str(db.engine.url), tuple(sorted((k, v) for k, v in f.items() if k not in ("sort", "sla"))), version)
    cached = _COUNTS.get(key)
    if cached is None:
        if len(_COUNTS) > 500:
            _COUNTS.clear()
        if f["q"]:
            matches = _filtered(db.select(Ticket.sla_state), f, skip="sla").limit(SEARCH_COUNT_CAP + 1).subquery()
            rows = db.session.execute(db.select(matches.c.sla_state, db.func.count()).group_by(matches.c.sla_state))
        else:
            rows = db.session.execute(
                _filtered(db.select(Ticket.sla_state, db.func.count()), f, skip="sla").group_by(Ticket.sla_state))
        counts = dict(rows.all())
        cached = _COUNTS[key] = (counts, sum(counts.values()) > SEARCH_COUNT_CAP)
    return cached


@bp.get("/tickets")
@roles_required(*STAFF)
def queue():
    """Filters in the URL, sorted by the SLA time left, counts per SLA state; a fixed number of queries."""
    f = _queue_filters()
    page = max(request.args.get("page", 1, type=int), 1)
    query = _filtered(db.select(Ticket).options(
        load_only(Ticket.number, Ticket.created_at, Ticket.priority, Ticket.status, Ticket.sla_state,
                  Ticket.sla_due_at, Ticket.customer_id, Ticket.assignee_id, Ticket.version),
        joinedload(Ticket.customer).load_only(Customer.name, Customer.tier),
        joinedload(Ticket.assignee).load_only(User.name)), f)
    if f["sort"] == "sla" and f["status"] not in (workflow.CLOSED, workflow.CANCELLED):
        order = (Ticket.sla_sort_at, Ticket.id)  # the index order: ties oldest first
    else:
        order = (Ticket.id.desc(),)
    rows = db.session.scalars(query.order_by(*order).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    counts, capped = _state_counts(f)
    # Labels translated once per page rather than once per row.
    context = {"status_names": {k: str(v) for k, v in labels.STATUS.items()},
               "sla_names": {k: str(v) for k, v in labels.SLA_STATE.items()},
               "tickets": rows[:PAGE_SIZE], "has_next": len(rows) > PAGE_SIZE, "page": page, "f": f,
               "counts": counts, "counts_capped": capped, "cap": SEARCH_COUNT_CAP, "sla_states": SLA_STATES,
               "statuses": workflow.STATUSES, "status_filter": f["status"], "q": f["q"], "now": utcnow()}
    if not is_htmx():
        context["engineers"] = db.session.execute(
            db.select(User.id, User.name).where(User.role == "engineer").order_by(User.name)).all()
        context["departments"] = db.session.execute(db.select(Department.id, Department.name)).all()
        if current_user.role in SUPERVISORS:
            context["bulk_form"] = bulk.bulk_form()
    return render("backoffice/queue.html", "backoffice/_rows.html", **context)


def ticket_context(ticket: Ticket, triage_form=None, assign_form=None, new_link=None, update_form=None,
                   dialogue_state: dict | None = None) -> dict:
    from portal.backoffice.dispatch import suggestion_reasons
    from portal.domain.dispatch import best
    from portal.services import dispatch as dispatch_service

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
    actions = workflow.allowed_actions(ticket.status, current_user.role,
                                       is_assignee=ticket.assignee_id == current_user.id)
    acceptance = db.session.scalar(db.select(Acceptance).where(Acceptance.ticket_id == ticket.id))
    links = db.session.scalars(db.select(RemoteAcceptanceLink).where(RemoteAcceptanceLink.ticket_id == ticket.id)
                               .order_by(RemoteAcceptanceLink.id.desc())).all()
    return {"ticket": ticket, "events": events, "attachments": attachments, "documents": documents,
            "triage_form": triage_form, "assign_form": assign_form, "actions": actions,
            "conflicts": conflicts.open_conflicts(ticket.id), "resolve_form": FlaskForm(formdata=None),
            "acceptance": acceptance, "links": links, "new_link": new_link, "now": utcnow(),
            "suggestion": suggestion, "sla": sla_service.reading(ticket),
            # The best few with their reasons; the select below still offers every engineer in ranked order.
            "engineer_suggestions": [(s, suggestion_reasons(s)) for s in ranked[:SUGGESTIONS_SHOWN]],
            "update_form": update_form or UpdateCustomerForm(formdata=None),
            "dialogue": customer_dialogue(ticket, dialogue_state)}


def _load_full(ticket_id: int) -> Ticket:
    ticket = load_ticket(ticket_id)
    db.session.refresh(ticket)
    return ticket


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*STAFF)
def ticket_detail(ticket_id: int):
    ticket = load_ticket(ticket_id)
    return render("backoffice/ticket.html", "backoffice/_ticket_panel.html", **ticket_context(ticket))


def _desk_action(ticket_id: int, form_cls, form_key: str, apply):
    ticket = load_ticket(ticket_id)
    form = form_cls()
    if form_key == "assign_form":
        form.engineer_id.choices = to_choices((e, e) for e in db.session.scalars(
            db.select(User.id).where(User.role == "engineer")))
    if form.validate_on_submit():
        try:
            apply(ticket, form)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            ticket = _load_full(ticket_id)
            form.form_errors.append(str(error.message))
            if error.status == 409 and form.version.data:
                form.changes_meanwhile = _changes_since(ticket, form.version.data)
            return render("backoffice/ticket.html", "backoffice/_ticket_panel.html",
                          http_status=error.status, **ticket_context(ticket, **{form_key: form}))
        if not is_htmx():
            flash(_("Saved."), "success")
            return redirect(url_for("backoffice.ticket_detail", ticket_id=ticket.id))
        return render("backoffice/ticket.html", "backoffice/_ticket_panel.html", **ticket_context(ticket))
    return render("backoffice/ticket.html", "backoffice/_ticket_panel.html", http_status=422,
                  **ticket_context(ticket, **{form_key: form}))


def _changes_since(ticket: Ticket, version: int) -> list[dict]:
    """The latest events, one per version the ticket moved on since the form was opened (at most 5)."""
    missed = max(1, min(5, ticket.version - version))
    events = db.session.scalars(
        db.select(TicketEvent).options(joinedload(TicketEvent.actor)).where(TicketEvent.ticket_id == ticket.id)
        .order_by(TicketEvent.id.desc()).limit(missed)).all()
    return [{"at": e.created_at, "what": labels.EVENT.get(e.kind, e.kind), "who": e.actor.name if e.actor else None,
             "body": e.body} for e in reversed(events)]


@bp.post("/tickets/<int:ticket_id>/conflicts/<int:conflict_id>/resolve")
@roles_required(*SUPERVISORS)
def resolve_conflict(ticket_id: int, conflict_id: int):
    """The supervisor has dealt with a field submission that no longer fitted the ticket."""
    ticket = load_ticket(ticket_id)
    conflict = db.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.ticket_id != ticket.id:
        abort(404)
    if FlaskForm().validate_on_submit() and conflict.resolved_at is None:
        conflict.resolved_at, conflict.resolved_by_id = utcnow(), current_user.id
        ticket_service.add_event(ticket, current_user, "sync_conflict_resolved", data={"conflict": conflict.id})
        db.session.commit()
    if is_htmx():
        return render("backoffice/ticket.html", "backoffice/_ticket_panel.html", **ticket_context(ticket))
    return redirect(url_for("backoffice.ticket_detail", ticket_id=ticket.id))


@bp.post("/tickets/<int:ticket_id>/triage")
@roles_required(*DESK)
def triage(ticket_id: int):
    def apply(ticket, form):
        ticket_service.triage(ticket, current_user, category=form.category.data, priority=form.priority.data,
                              reason=form.reason.data, version=form.version.data)
    return _desk_action(ticket_id, TriageForm, "triage_form", apply)


@bp.post("/tickets/<int:ticket_id>/assign")
@roles_required(*DESK)
def assign(ticket_id: int):
    def apply(ticket, form):
        engineer = db.session.get(User, form.engineer_id.data)
        if engineer is None:
            raise ServiceError(_("Choose an active engineer."), field="engineer_id")
        ticket_service.assign(ticket, current_user, engineer=engineer, version=form.version.data,
                              reason=form.reason.data)
    return _desk_action(ticket_id, AssignForm, "assign_form", apply)


@bp.post("/tickets/<int:ticket_id>/signing-link")
@roles_required(*DESK)
def signing_link(ticket_id: int):
    """A single-use, expiring link the customer opens on their own phone to read the summary and sign."""
    from portal.services import acceptance as acceptance_service

    ticket = load_ticket(ticket_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        link, token = acceptance_service.create_remote_link(ticket, current_user)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render("backoffice/ticket.html", "backoffice/_ticket_panel.html", http_status=error.status,
                      **ticket_context(_load_full(ticket_id)))
    # The token is shown once, here; only its hash is stored.
    new_link = {"url": url_for("sign.remote", token=token, _external=True), "expires_at": link.expires_at}
    return render("backoffice/ticket.html", "backoffice/_ticket_panel.html",
                  **ticket_context(ticket, new_link=new_link))


@bp.post("/tickets/<int:ticket_id>/update-customer")
@roles_required(*DESK)
def update_customer(ticket_id: int):
    """A progress update told to the customer: customer-visible, and it resets the update clock."""
    from portal.services import fieldwork

    def apply(ticket, form):
        fieldwork.update_customer(ticket, current_user, message=form.message.data)
    return _desk_action(ticket_id, UpdateCustomerForm, "update_form", apply)
