"""The desk's own work on a ticket (issue 13): internal notes with photos, resolving without a visit, transfer,
links and merging a duplicate. Each answers with the ticket panel; a refused form comes back as typed."""
from datetime import time

from flask import request
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.forms import LinkForm, MergeForm, NoteForm, ResolutionForm, TransferForm, VisitForm
from portal.backoffice.views import ticket_post
from portal.domain.roles import DESK
from portal.extensions import db
from portal.models import Department
from portal.services import desk_work as service
from portal.services import resolution
from portal.web.access import roles_required
from portal.web.fields import to_choices

ANCHOR = "#desk-work"


def _again(name: str):
    return lambda form: {"desk_forms": {name: form}}


@bp.post("/tickets/<int:ticket_id>/notes")
@roles_required(*DESK)
def add_note(ticket_id: int):
    form = NoteForm()
    return ticket_post(ticket_id, form, lambda ticket, f: service.add_note(
        ticket, current_user, body=f.body.data, photos=request.files.getlist(f.photos.name)),
        anchor=ANCHOR, context=_again("note"))


@bp.post("/tickets/<int:ticket_id>/resolve-without-visit")
@roles_required(*DESK)
def resolve_without_visit(ticket_id: int):
    """A consultation or a remote fix resolved with what was done; the customer confirms (or it closes by itself)."""
    return ticket_post(ticket_id, ResolutionForm(), lambda ticket, f: resolution.resolve_without_visit(
        ticket, current_user, summary=f.summary.data, version=f.version.data),
        anchor=ANCHOR, context=_again("resolve"))


@bp.post("/tickets/<int:ticket_id>/transfer")
@roles_required(*DESK)
def transfer(ticket_id: int):
    form = TransferForm()
    form.department_id.choices = to_choices((d, d) for d in db.session.scalars(db.select(Department.id)))
    return ticket_post(ticket_id, form, lambda ticket, f: service.transfer(
        ticket, current_user, department=db.session.get(Department, f.department_id.data) if f.department_id.data
        else None, reason=f.reason.data, version=f.version.data), anchor=ANCHOR, context=_again("transfer"))


@bp.post("/tickets/<int:ticket_id>/links")
@roles_required(*DESK)
def link_ticket(ticket_id: int):
    return ticket_post(ticket_id, LinkForm(), lambda ticket, f: service.link(
        ticket, current_user, number=f.number.data), anchor=ANCHOR, context=_again("link"))


@bp.post("/tickets/<int:ticket_id>/merge")
@roles_required(*DESK)
def merge_ticket(ticket_id: int):
    return ticket_post(ticket_id, MergeForm(), lambda ticket, f: service.merge(
        ticket, current_user, number=f.number.data, version=f.version.data), anchor=ANCHOR, context=_again("merge"))


@bp.post("/tickets/<int:ticket_id>/visits")
@roles_required(*DESK)
def plan_visit(ticket_id: int):
    return ticket_post(ticket_id, VisitForm(), lambda ticket, f: service.plan_visit(
        ticket, current_user, day=f.day.data, slot=time.fromisoformat(f.slot.data), version=f.version.data),
        anchor=ANCHOR, context=_again("visit"))
