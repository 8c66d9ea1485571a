"""The desk's ticket page and its actions: triage, assignment, updates to the customer, signing links, conflicts.
Each action goes through the one form path (portal.web.forms) and answers with the ticket panel."""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.backoffice.blueprint import bp
from portal.backoffice.forms import (
    AssignForm,
    EntitlementForm,
    ModeForm,
    ParcelForm,
    PickupForm,
    RemoteSessionForm,
    RmaForm,
    TriageForm,
    UpdateCustomerForm,
)
from portal.backoffice.ticket_page import (
    PARTS,
    changes_since,
    load_page_ticket,
    parcel_form,
    part_context,
    parts_for,
    ticket_context,
)
from portal.domain.roles import DESK, STAFF, SUPERVISORS, Role
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import SyncConflict, Ticket, User
from portal.services import (
    ServiceError,
    conflicts,
    depot,
    entitlement,
    fieldwork,
    localtime,
    remote,
    remote_signing,
    rma,
)
from portal.services import tickets as ticket_service
from portal.services.transitions import allowed_actions
from portal.web import pickup_tries
from portal.web.access import load_ticket, roles_required
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import is_htmx, render


def panel(ticket: Ticket, http_status: int = 200, lazy: bool = False, **context):
    return render("backoffice/ticket.html", "backoffice/_ticket_panel.html", http_status=http_status,
                  **ticket_context(ticket, lazy=lazy, **context))


def ticket_post(ticket_id: int, form, use_case, *, form_key: str | None = None, anchor: str = "",
                done=None, context=None):
    """A form of the ticket page: the panel again, with the form as typed when refused.

    `form_key` names the form in the panel's context (without one, a refusal is said above the panel);
    `context(form)` builds other context for a refusal (the customer dialogue's forms); `done(result)`
    answers a success other than "Saved." and the panel."""
    ticket = load_ticket(ticket_id)

    def again(status, error):
        if context is not None:
            extra = context(form)
        elif form_key is not None:
            extra = {form_key: form}
        else:
            extra = {"error": " ".join(map(str, form.form_errors)) or None}
        if error is not None and error.status == 409 and getattr(form, "version", None) and form.version.data:
            form.changes_meanwhile = changes_since(ticket, form.version.data)
        return refused(form, status, lambda code: panel(ticket, code, **extra), error)

    return submit(form, lambda f: use_case(ticket, f), again=again, done=done or (
        lambda _result: saved(_("Saved."), url_for("backoffice.ticket_detail", ticket_id=ticket.id) + anchor,
                              fragment=lambda: panel(ticket))))


@bp.get("/tickets/<int:ticket_id>")
@roles_required(*STAFF)
def ticket_detail(ticket_id: int):
    """The ticket at once; the panels not needed to act follow (see ticket_page.PARTS)."""
    ticket, read = load_page_ticket(ticket_id)
    return panel(ticket, lazy=True, read=read)


@bp.get("/tickets/<int:ticket_id>/part/<part>")
@roles_required(*STAFF)
def ticket_part(ticket_id: int, part: str):
    """One deferred panel of the ticket page: the fragment htmx swaps in, or a page of its own without it."""
    # With its assignee, and its customer (and tier): the SLA panel reads the tier's response target.
    ticket = load_ticket(ticket_id, joinedload(Ticket.assignee), joinedload(Ticket.customer))
    actions = allowed_actions(ticket, current_user)
    if part not in PARTS:
        abort(404)
    if part not in parts_for(ticket, actions):
        # The ticket moved on since its page was drawn (assigned meanwhile, say): the panel goes away.
        if is_htmx():
            return render("backoffice/_ticket_part_gone.html", part=part)
        abort(404)
    context = {"ticket": ticket, "actions": actions, "now": utcnow(), "part": part,
               "part_template": PARTS[part], **part_context(ticket, part, actions)}
    return render("backoffice/ticket_part.html", PARTS[part], **context)


@bp.post("/tickets/<int:ticket_id>/triage")
@roles_required(*DESK)
def triage(ticket_id: int):
    return ticket_post(ticket_id, TriageForm(), lambda ticket, f: ticket_service.triage(
        ticket, current_user, category=f.category.data, priority=f.priority.data, reason=f.reason.data,
        version=f.version.data, mode=f.mode.data, mode_reason=f.mode_reason.data), form_key="triage_form")


@bp.post("/tickets/<int:ticket_id>/mode")
@roles_required(*DESK)
def change_mode(ticket_id: int):
    """A remote case escalated to on site or depot (or back) in one step, with a reason kept in the history."""
    return ticket_post(ticket_id, ModeForm(), lambda ticket, f: ticket_service.change_mode(
        ticket, current_user, mode=f.mode.data, reason=f.mode_reason.data, version=f.version.data),
        form_key="mode_form")


def _engineer(engineer_id) -> User:
    engineer = db.session.get(User, engineer_id) if engineer_id else None
    if engineer is None:
        raise ServiceError(_("Choose an active engineer."), field="engineer_id")
    return engineer


@bp.post("/tickets/<int:ticket_id>/assign")
@roles_required(*DESK)
def assign(ticket_id: int):
    form = AssignForm()
    form.engineer_id.choices = to_choices((e, e) for e in db.session.scalars(
        db.select(User.id).where(User.role == Role.ENGINEER)))
    return ticket_post(ticket_id, form, lambda ticket, f: ticket_service.assign(
        ticket, current_user, engineer=_engineer(f.engineer_id.data), version=f.version.data,
        reason=f.reason.data), form_key="assign_form")


@bp.post("/tickets/<int:ticket_id>/update-customer")
@roles_required(*DESK)
def update_customer(ticket_id: int):
    """A progress update told to the customer: customer-visible, and it resets the update clock."""
    return ticket_post(ticket_id, UpdateCustomerForm(), lambda ticket, f: fieldwork.update_customer(
        ticket, current_user, message=f.message.data), form_key="update_form")


@bp.post("/tickets/<int:ticket_id>/entitlement")
@roles_required(*DESK)
def decide_entitlement(ticket_id: int):
    """The 三包 decision taken with the customer, recorded with who and why beside the entitlement it read."""
    return ticket_post(ticket_id, EntitlementForm(), lambda ticket, f: entitlement.decide(
        ticket, current_user, decision=f.decision.data, reason=f.reason.data), form_key="entitlement_form",
        anchor="#entitlement")


def _remote_refused(key: str, form) -> dict:
    """The remote panel with the form as typed; a refusal of the whole form is also said above the panel, which
    stays readable when the ticket left the remote path meanwhile (the panel is then not drawn)."""
    return {"remote_forms": {key: form}, "error": " ".join(map(str, form.form_errors)) or None}


@bp.post("/tickets/<int:ticket_id>/remote/sessions")
@roles_required(*DESK)
def log_remote(ticket_id: int):
    """A call or remote session on a remote ticket: when, how long, what was tried, the result."""
    form = RemoteSessionForm()
    return ticket_post(ticket_id, form, lambda ticket, f: remote.log_session(
        ticket, current_user, kind=f.kind.data, started_at=f.started_at.data.replace(tzinfo=localtime.zone()),
        minutes=f.minutes.data, tried=f.tried.data, result=f.result.data),
        context=lambda f: _remote_refused("session", f), anchor="#remote")


@bp.post("/tickets/<int:ticket_id>/parcels/<direction>")
@roles_required(*DESK)
def record_parcel(ticket_id: int, direction: str):
    """The unit's way in (parcel or hand-over at a service point) or back (parcel, or pick-up with a code)."""
    if direction not in ("in", "out"):
        abort(404)
    form = ParcelForm()
    form.carrier.choices = [(c.code, c.name) for c in depot.carrier_list()]
    use = depot.send_unit if direction == "in" else depot.return_unit
    return ticket_post(ticket_id, form, lambda ticket, f: use(
        ticket, current_user, method=f.method.data, carrier_code=f.carrier.data, number=f.tracking_number.data,
        confirm_misfit=f.confirm_misfit.data, service_point_id=f.service_point_id.data),
        context=lambda f: {"depot_forms": {direction: _choices_back(f)},
                           "error": " ".join(map(str, f.form_errors)) or None}, anchor="#depot")


def _choices_back(form):
    """The refused form as typed, with its choices drawn again."""
    from_page = parcel_form()
    form.carrier.choices, form.service_point_id.choices = from_page.carrier.choices, from_page.service_point_id.choices
    return form


@bp.post("/tickets/<int:ticket_id>/pickup")
@roles_required(*DESK)
def hand_over(ticket_id: int):
    """The customer picks the unit up at the service point with their code. A wrong code saves nothing and is
    counted (portal.web.pickup_tries); too many lock that unit's hand-over for a while."""
    def use(ticket, f):
        parcel = depot.awaiting_pickup(ticket)
        if parcel is not None and (minutes := pickup_tries.locked(parcel.id)) is not None:
            raise ServiceError(_("Too many wrong codes: the hand-over of this unit is locked for %(minutes)d minutes. "
                                 "Check the code with the customer.", minutes=minutes), status=429)
        try:
            return depot.hand_over(ticket, current_user, code=f.code.data)
        except ServiceError as wrong:
            if wrong.field != "code" or parcel is None or not f.code.data:
                raise
            left = pickup_tries.failed(parcel.id)
            raise ServiceError(ngettext("The pick-up code does not match. Nothing was handed over; %(num)d try left.",
                                        "The pick-up code does not match. Nothing was handed over; %(num)d tries "
                                        "left.", left), field="code") from wrong
    return ticket_post(ticket_id, PickupForm(), use, anchor="#depot",
                       context=lambda f: {"depot_forms": {"pickup": f},
                                          "error": " ".join(map(str, f.form_errors)) or None})


RMA_STEPS = {
    "request": lambda t, f: rma.request(t, current_user, kind=f.kind.data, reason=f.reason.data),
    "approve": lambda t, f: rma.approve(t, current_user),
    "receive": lambda t, f: rma.receive(t, current_user),
    "complete": lambda t, f: rma.complete(t, current_user, refund_yuan=f.refund.data,
                                          exchange_serial=f.exchange_serial.data),
}


@bp.post("/tickets/<int:ticket_id>/rma/<step>")
@roles_required(*DESK)
def rma_step(ticket_id: int, step: str):
    """One step of a return or exchange; approval is a supervisor's (the workflow table says so)."""
    if step not in RMA_STEPS:
        abort(404)
    return ticket_post(ticket_id, RmaForm(), RMA_STEPS[step],
                       context=lambda f: {"rma_form": f, "error": " ".join(map(str, f.form_errors)) or None},
                       anchor="#rma")


@bp.post("/tickets/<int:ticket_id>/signing-link")
@roles_required(*DESK)
def signing_link(ticket_id: int):
    """A single-use, expiring link e-mailed to the contact, who opens it on their own phone to read the summary
    and sign; the desk sees where it went, never the link (only its hash is stored)."""
    def done(link):
        return panel(load_ticket(ticket_id), new_link=link)
    return ticket_post(ticket_id, ButtonForm(), lambda ticket, f: remote_signing.create_link(ticket, current_user),
                       done=done)


@bp.post("/tickets/<int:ticket_id>/conflicts/<int:conflict_id>/resolve")
@roles_required(*SUPERVISORS)
def resolve_conflict(ticket_id: int, conflict_id: int):
    """The supervisor has dealt with a field submission that no longer fitted the ticket."""
    conflict = db.session.get(SyncConflict, conflict_id)
    if conflict is None or conflict.ticket_id != ticket_id:
        abort(404)
    return ticket_post(ticket_id, ButtonForm(), lambda ticket, f: conflicts.resolve_conflict(
        ticket, conflict, current_user))
