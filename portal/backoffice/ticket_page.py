"""The desk's ticket page: everything its panel draws, built in one place for every route that re-renders it."""
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import labels
from portal.backoffice.forms import (
    AssignForm,
    EntitlementForm,
    LinkForm,
    MergeForm,
    ModeForm,
    NoteForm,
    ParcelForm,
    PickupForm,
    QuestionForm,
    QuoteForm,
    RemoteSessionForm,
    ResolutionForm,
    RmaForm,
    TransferForm,
    TriageForm,
    UpdateCustomerForm,
    VisitForm,
)
from portal.domain import modes, workflow
from portal.domain.dispatch import Suggestion, best
from portal.domain.roles import DESK, SUPERVISORS
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import (
    Acceptance,
    Attachment,
    Department,
    Document,
    FollowUpTask,
    Notification,
    Quote,
    RemoteAcceptanceLink,
    ServicePoint,
    SyncConflict,
    Ticket,
    TicketEvent,
)
from portal.services import conflicts, depot, desk_work, localtime, remote, rma, selfservice, sla
from portal.services import dispatch as dispatch_service
from portal.services import entitlement as entitlement_service
from portal.services import tickets as ticket_service
from portal.services.transitions import allowed_actions
from portal.web.access import seen
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm

SUGGESTIONS_SHOWN = 6
# What the page shows of the ticket's customer, product and engineer, read with the ticket.
TICKET_PAGE_LOADS = (joinedload(Ticket.customer), joinedload(Ticket.product_model), joinedload(Ticket.assignee))
# Read with the ticket in the page's one statement: what intake recorded, and whether it has open sync conflicts
# or attachments (most tickets have neither: then neither is read).
REGISTRATION = (db.select(TicketEvent.data).where(TicketEvent.ticket_id == Ticket.id, TicketEvent.kind == "created")
                .order_by(TicketEvent.id).limit(1).scalar_subquery())
HAS_CONFLICTS = sa.exists().where(SyncConflict.ticket_id == Ticket.id, SyncConflict.resolved_at.is_(None))
HAS_ATTACHMENTS = sa.exists().where(Attachment.ticket_id == Ticket.id, Attachment.purpose != "signature")
QUOTE_ROWS = 5


def suggestion_reasons(s: Suggestion) -> list[str]:
    """Why an engineer ranks where they do, in words: "knows displays · 2 open jobs · same region: 华东"."""
    what = str(labels.PRODUCT_CATEGORY.get(s.category, s.category or "")) if s.category else ""
    reasons = []
    if not s.eligible:
        reasons.append(_("not senior: P1 and P2 need a senior engineer"))
    if what:
        reasons.append(_("knows %(what)s", what=what) if s.knows else _("not trained on %(what)s", what=what))
    if s.on_duty is not None:
        reasons.append(_("at work now") if s.on_duty else _("not at work now"))
    if s.near is not None:
        reasons.append(_("based in %(point)s", point=s.engineer.home_point) if s.near
                       else _("based elsewhere: %(point)s", point=s.engineer.home_point))
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


# The panels that load after the page (htmx, or a link to each as a page without JavaScript), with their
# templates: what is not needed to act at once. A form refused in one of them comes back in its place, so that
# panel is drawn at once.
PARTS = {"sla": "backoffice/_ticket_sla.html", "assign": "backoffice/_ticket_assign.html",
         "records": "backoffice/_ticket_records.html", "dialogue": "backoffice/_ticket_dialogue.html",
         "desk": "backoffice/_ticket_desk.html",
         "entitlement": "backoffice/_ticket_entitlement.html", "remote": "backoffice/_ticket_remote.html",
         "depot": "backoffice/_ticket_depot.html", "rma": "backoffice/_ticket_rma.html",
         "history": "backoffice/_ticket_history.html"}
PART_OF_FORM = {"assign_form": "assign", "dialogue_forms": "dialogue", "quote_rows": "dialogue", "new_link": "records",
                "desk_forms": "desk", "entitlement_form": "entitlement", "remote_forms": "remote",
                "depot_forms": "depot", "rma_form": "rma"}
# The desk's own work (issue 13): each form shown while its action is allowed.
DESK_FORMS = {"note": ("add_note", NoteForm), "resolve": ("resolve_without_visit", ResolutionForm),
              "transfer": ("transfer", TransferForm), "link": ("link", LinkForm), "merge": ("merge", MergeForm),
              "visit": ("plan_visit", VisitForm)}


def parts_for(ticket: Ticket, actions: list[str]) -> list[str]:
    """The deferred panels this user sees on this ticket."""
    return [part for part in PARTS if (part != "assign" or "assign" in actions)
            and (part not in ("dialogue", "desk") or current_user.role in DESK)
            and (part != "remote" or ticket.mode == modes.REMOTE)
            and (part != "depot" or ticket.mode == modes.DEPOT)
            and (part != "rma" or ticket.category == "return")]


# Built once (building it and its cache key anew cost about as much as running it).
_PAGE_TICKET = (db.select(Ticket, REGISTRATION.label("registration"), HAS_CONFLICTS.label("conflicts"),
                          HAS_ATTACHMENTS.label("attachments"))
                .options(*TICKET_PAGE_LOADS).where(Ticket.id == sa.bindparam("ticket_id")))


def load_page_ticket(ticket_id: int) -> tuple[Ticket, dict]:
    """The ticket (404/403 as load_ticket) and, from the same statement, what ticket_context would read apart."""
    row = db.session.execute(_PAGE_TICKET, {"ticket_id": ticket_id}).one_or_none()
    ticket = seen(row[0] if row else None)
    return ticket, {"registration": row.registration or {}, "conflicts": row.conflicts,
                    "attachments": row.attachments}


def ticket_context(ticket: Ticket, triage_form=None, assign_form=None, update_form=None, new_link=None,
                   dialogue_forms: dict | None = None, quote_rows: list | None = None,
                   desk_forms: dict | None = None, entitlement_form=None, mode_form=None,
                   remote_forms: dict | None = None, depot_forms: dict | None = None, rma_form=None,
                   error: str | None = None, lazy: bool = False, read: dict | None = None) -> dict:
    """The ticket panel; a refused form comes back in its place, as typed (`error`: a refusal said above).

    `lazy`: the deferred panels are left for the browser to ask for (a page opened); otherwise every panel is
    drawn (the panel again after a form, which has just changed what they show). `read`: what load_page_ticket
    read with the ticket."""
    actions = allowed_actions(ticket, current_user)
    read = read or {"registration": registration(ticket), "conflicts": True, "attachments": True}
    context = {"ticket": ticket, "actions": actions, "flags": workflow.flags(ticket.status), "error": error,
               "can_resolve_conflicts": current_user.role in SUPERVISORS, "now": utcnow(),
               "conflicts": conflicts.open_conflicts(ticket.id) if read["conflicts"] else [],
               "resolve_form": ButtonForm(formdata=None), "registration": read["registration"],
               "attachments": db.session.scalars(
                   db.select(Attachment).where(Attachment.ticket_id == ticket.id, Attachment.purpose != "signature")
                   .order_by(Attachment.id)).all() if read["attachments"] else []}
    if "triage" in actions:
        suggestion = ticket_service.suggest_priority(ticket)
        if triage_form is None:
            triage_form = TriageForm(formdata=None, category=ticket.category or "fault_repair",
                                     priority=ticket.priority or suggestion.priority, reason=ticket.priority_reason,
                                     mode=ticket.mode or modes.suggest(ticket.category, ticket.service_mode)[0])
        triage_form.version.data = ticket.version
        context.update(suggestion=suggestion, triage_form=triage_form)
    context["mode_suggestion"] = modes.suggest(ticket.category, ticket.service_mode)
    if "change_mode" in actions and "triage" not in actions:
        if mode_form is None:
            mode_form = ModeForm(formdata=None, mode=ticket.mode or context["mode_suggestion"][0])
        mode_form.version.data = ticket.version
        context["mode_form"] = mode_form
    if "update_customer" in actions:
        context["update_form"] = update_form or UpdateCustomerForm(formdata=None)
    parts = parts_for(ticket, actions)
    given = {"assign_form": assign_form, "dialogue_forms": dialogue_forms, "quote_rows": quote_rows,
             "new_link": new_link, "desk_forms": desk_forms, "entitlement_form": entitlement_form,
             "remote_forms": remote_forms, "depot_forms": depot_forms, "rma_form": rma_form}
    eager = {PART_OF_FORM[k] for k, v in given.items() if v is not None} if lazy else set(parts)
    context["deferred"] = [part for part in parts if part not in eager]
    for part in parts:
        if part in eager:
            context.update(part_context(ticket, part, actions, assign_form=assign_form, new_link=new_link,
                                        dialogue_forms=dialogue_forms, quote_rows=quote_rows, desk_forms=desk_forms,
                                        entitlement_form=entitlement_form, remote_forms=remote_forms,
                                        depot_forms=depot_forms, rma_form=rma_form))
    return context


def registration(ticket: Ticket) -> dict:
    """What intake recorded (completeness, a repeat fault): the data of the ticket's first event."""
    data = db.session.scalar(db.select(TicketEvent.data).where(TicketEvent.ticket_id == ticket.id,
                                                               TicketEvent.kind == "created")
                             .order_by(TicketEvent.id).limit(1))
    return data or {}


def part_context(ticket: Ticket, part: str, actions: list[str], *, assign_form=None, new_link=None,
                 dialogue_forms: dict | None = None, quote_rows: list | None = None,
                 desk_forms: dict | None = None, entitlement_form=None, remote_forms: dict | None = None,
                 depot_forms: dict | None = None, rma_form=None) -> dict:
    """What one deferred panel draws."""
    if part == "entitlement":
        return entitlement_panel(ticket, actions, entitlement_form)
    if part == "rma":
        return {"rma": rma.of_ticket(ticket), "rma_form": rma_form or RmaForm(formdata=None),
                **entitlement_panel(ticket, [], None)}
    if part == "depot":
        forms = {"in": parcel_form(), "out": parcel_form(), "pickup": PickupForm(formdata=None), **(depot_forms or {})}
        parcels = depot.parcels(ticket)
        waiting = [p for p in parcels if p.direction == "out" and p.method == "service_point" and p.pickup_code
                   and p.received_at is None]
        return {"parcels": parcels, "receipts": depot.receipts(ticket), "depot_forms": forms,
                "awaiting_pickup": waiting[-1] if waiting else None,
                "carriers": {c.code: c for c in depot.carrier_list()}}
    if part == "remote":
        forms = {"session": RemoteSessionForm(formdata=None, started_at=localtime.local(utcnow()).replace(
            second=0, microsecond=0, tzinfo=None)), **(remote_forms or {})}
        return {"remote_sessions": remote.sessions(ticket), "remote_forms": forms}
    if part == "sla":
        decided = sla.targets(ticket)
        return {"sla": sla.reading(ticket, decided=decided), "sla_sources": decided.sources}
    if part == "assign":
        ranked = dispatch_service.suggestions(ticket)
        if assign_form is None:
            # The default is the top eligible suggestion (other than the current assignee on a reassignment).
            top = best([s for s in ranked if s.engineer.id != ticket.assignee_id])
            assign_form = AssignForm(formdata=None, engineer_id=top.engineer.id if top else None)
        assign_form.engineer_id.choices = to_choices([("", _("Choose an engineer"))] + [
            (s.engineer.id, s.engineer.name + (" ★" if s.engineer.is_senior else "")
             + ("" if s.eligible else " — " + _("not senior"))) for s in ranked])
        assign_form.version.data = ticket.version
        # The best few with their reasons; the select below still offers every engineer in ranked order.
        return {"assign_form": assign_form,
                "engineer_suggestions": [(s, suggestion_reasons(s)) for s in ranked[:SUGGESTIONS_SHOWN]]}
    if part == "records":
        return {
            "documents": db.session.scalars(
                db.select(Document).where(Document.ticket_id == ticket.id).order_by(Document.id)).all(),
            "acceptance": db.session.scalar(db.select(Acceptance).options(joinedload(Acceptance.remote_link))
                                            .where(Acceptance.ticket_id == ticket.id)),
            "links": db.session.scalars(db.select(RemoteAcceptanceLink)
                                        .where(RemoteAcceptanceLink.ticket_id == ticket.id)
                                        .order_by(RemoteAcceptanceLink.id.desc())).all(),
            "notices": db.session.scalars(db.select(Notification).where(Notification.ticket_id == ticket.id)
                                          .order_by(Notification.id)).all(),
            "new_link": new_link, "resolve_form": ButtonForm(formdata=None)}
    if part == "dialogue":
        return {"dialogue": customer_dialogue(ticket, dialogue_forms, quote_rows)}
    if part == "desk":
        return desk_context(ticket, actions, desk_forms)
    return {"events": db.session.scalars(
        db.select(TicketEvent).options(joinedload(TicketEvent.actor))
        .where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all()}


def desk_context(ticket: Ticket, actions: list[str], given: dict | None = None) -> dict:
    """The desk's work panel: notes, resolving without a visit, transfer, links and merging; `given` carries a
    refused form back as typed."""
    given = given or {}
    forms = {name: given.get(name) or form(formdata=None)
             for name, (action, form) in DESK_FORMS.items() if action in actions}
    for form in forms.values():
        if hasattr(form, "version"):
            form.version.data = ticket.version
    departments = db.session.scalars(db.select(Department).order_by(Department.name)).all()
    if "transfer" in forms:
        forms["transfer"].department_id.choices = to_choices([("", _("Choose a department"))] + [
            (d.id, d.name) for d in departments if d.id != ticket.department_id])
    return {"desk_forms": forms, "linked": desk_work.linked(ticket),
            "department": next((d for d in departments if d.id == ticket.department_id), None)}


def entitlement_panel(ticket: Ticket, actions: list[str], form=None) -> dict:
    """三包: what the customer may ask for and why, the decisions taken, and the form to record one."""
    result = entitlement_service.of_ticket(ticket)
    if form is None and "decide_entitlement" in actions:
        form = EntitlementForm(formdata=None, decision=result.options[0])
    return {"entitlement": result, "entitlement_text": entitlement_service.explain(result),
            "entitlement_options": entitlement_service.options_text(result),
            "entitlement_decisions": entitlement_service.decisions(ticket), "entitlement_form": form}


def parcel_form(formdata=None) -> ParcelForm:
    """The parcel form with the configured carriers and the active service points."""
    form = ParcelForm(formdata=formdata) if formdata is not None else ParcelForm(formdata=None)
    form.carrier.choices = to_choices([("", _("Choose a carrier"))] + [(c.code, c.name) for c in depot.carrier_list()])
    form.service_point_id.choices = to_choices([("", _("Choose a service point"))] + [
        (p.id, f"{p.name} · {p.address}") for p in db.session.scalars(
            db.select(ServicePoint).where(ServicePoint.active.is_(True)).order_by(ServicePoint.name))])
    return form
