"""The desk's own work on a ticket (issue 13): internal notes with photos, a transfer to another department,
links between related tickets and a duplicate merged into its original (resolving without a visit is
portal.services.resolution). Each step goes through the workflow table and leaves an event on the timeline."""
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.domain.time import utcnow
from portal.domain.workflow import FINAL
from portal.extensions import db
from portal.models import Attachment, Department, Ticket, TicketLink, User, Visit
from portal.models.ticket_link import DUPLICATE_OF, RELATED
from portal.services import ServiceError, sla, ticket_files
from portal.services.dispatch import SLOTS, slot_time
from portal.services.events import add_event
from portal.services.transitions import apply_action, check_version

MAX_NOTE_PHOTOS = 6


def _required(text: str | None, message, field: str) -> str:
    if not (text or "").strip():
        raise ServiceError(message, field=field)
    return text.strip()


def add_note(ticket: Ticket, user: User, *, body: str, photos=()) -> None:
    """An internal note, at any time, with photos, short MP4 videos and PDFs, each checked by its content
    (portal.services.ticket_files); staff only: a customer is never given a note's file."""
    body = _required(body, _l("Write the note."), "body")
    photos = [p for p in photos if p and p.filename]
    if len(photos) > MAX_NOTE_PHOTOS:
        raise ServiceError(_l("At most %(num)d files per note.", num=MAX_NOTE_PHOTOS), field="photos")
    apply_action(ticket, "add_note", user)
    attachments = ticket_files.attach_files(ticket, photos, user, "note")
    add_event(ticket, user, "note", body=body, data={"attachments": [a.id for a in attachments],
                                                      "files": ticket_files.described(attachments)})


def transfer(ticket: Ticket, user: User, *, department: Department | None, reason: str,
             version: int | None) -> None:
    check_version(ticket, version)
    if department is None:
        raise ServiceError(_l("Choose a department."), field="department_id")
    if department.id == ticket.department_id:
        raise ServiceError(_l("The ticket is already with this department."), field="department_id")
    reason = _required(reason, _l("Give a reason for the transfer."), "reason")
    apply_action(ticket, "transfer", user)
    previous = ticket.department_id
    ticket.department_id = department.id
    add_event(ticket, user, "transferred", body=reason,
              data={"from": previous, "to": department.id, "name": department.name})


def _other(ticket: Ticket, number: str, field: str) -> Ticket:
    other = db.session.scalar(db.select(Ticket).where(Ticket.number == (number or "").strip().upper()))
    if other is None:
        raise ServiceError(_l("No ticket has this number."), field=field)
    if other.id == ticket.id:
        raise ServiceError(_l("Give the number of another ticket."), field=field)
    return other


def linked(ticket: Ticket) -> list[tuple[str, Ticket]]:
    """The tickets tied to this one, as (how, ticket): related, duplicate (merged into this one) or original."""
    links = db.session.scalars(db.select(TicketLink).where(
        (TicketLink.ticket_id == ticket.id) | (TicketLink.other_id == ticket.id)).order_by(TicketLink.id)).all()
    others = {t.id: t for t in db.session.scalars(db.select(Ticket).where(Ticket.id.in_(
        {link.ticket_id for link in links} | {link.other_id for link in links})))} if links else {}
    result = []
    for link in links:
        mine = link.ticket_id == ticket.id
        other = others[link.other_id if mine else link.ticket_id]
        how = RELATED if link.kind == RELATED else ("original" if mine else "duplicate")
        result.append((how, other))
    return result


def _pair_exists(a: Ticket, b: Ticket) -> bool:
    return db.session.scalar(db.select(TicketLink.id).where(
        ((TicketLink.ticket_id == a.id) & (TicketLink.other_id == b.id))
        | ((TicketLink.ticket_id == b.id) & (TicketLink.other_id == a.id))).limit(1)) is not None


def link(ticket: Ticket, user: User, *, number: str) -> Ticket:
    """Tie two related tickets together (the same site twice, a fault after a repair); shown on both."""
    other = _other(ticket, number, "number")
    if _pair_exists(ticket, other):
        raise ServiceError(_l("These tickets are already linked."), field="number")
    apply_action(ticket, "link", user)
    low, high = sorted((ticket.id, other.id))
    db.session.add(TicketLink(ticket_id=low, other_id=high, kind=RELATED, created_by_id=user.id))
    add_event(ticket, user, "linked", data={"number": other.number})
    add_event(other, user, "linked", data={"number": ticket.number})
    return other


def merge(ticket: Ticket, user: User, *, number: str, version: int | None) -> Ticket:
    """Merge `ticket`, a duplicate, into its original: the duplicate ends (cancelled, pointing at the original,
    its own events kept), its photos are shown on the original too, its contact is noted there, and the customer
    is told which ticket carries on."""
    check_version(ticket, version)
    original = _other(ticket, number, "number")
    if original.customer_id != ticket.customer_id:
        raise ServiceError(_l("Only a ticket of the same customer can be merged into another."), field="number")
    if original.status in FINAL:
        raise ServiceError(_l("The original is closed or cancelled: merge into an open ticket."), field="number")
    if _pair_exists(ticket, original):
        db.session.execute(db.delete(TicketLink).where(
            ((TicketLink.ticket_id == ticket.id) & (TicketLink.other_id == original.id))
            | ((TicketLink.ticket_id == original.id) & (TicketLink.other_id == ticket.id))))
    apply_action(ticket, "merge", user,
                 refused=_l("Only an open ticket that is not waiting for acceptance can be merged."))
    ticket.cancel_reason = str(_l("Merged into %(number)s", number=original.number))
    db.session.add(TicketLink(ticket_id=ticket.id, other_id=original.id, kind=DUPLICATE_OF, created_by_id=user.id))
    copied = 0
    for a in db.session.scalars(db.select(Attachment).where(Attachment.ticket_id == ticket.id,
                                                             Attachment.purpose != "signature")):
        db.session.add(Attachment(ticket_id=original.id, uploaded_by_id=a.uploaded_by_id, purpose=a.purpose,
                                  filename=a.filename, content_type=a.content_type, size=a.size, sha256=a.sha256,
                                  storage_key=a.storage_key, width=a.width, height=a.height))
        copied += 1
    add_event(ticket, user, "merged", data={"number": original.number}, customer_visible=True)
    add_event(original, user, "merge_received", body=ticket.description,
              data={"number": ticket.number, "photos": copied, "contact_name": ticket.contact_name,
                    "contact_phone": ticket.contact_phone})
    sla.refresh(ticket)
    return original


def plan_visit(ticket: Ticket, user: User, *, day: date, slot: time, version: int | None) -> Visit:
    """A second or follow-up visit of the assigned engineer in a free slot; the visit they were on (if any) ends
    here, so that their arrival opens the new one. The customer is told like any booked visit."""
    if slot not in SLOTS:
        raise ServiceError(_l("Choose one of the slots."), field="slot")
    check_version(ticket, version)
    apply_action(ticket, "plan_visit", user)
    if ticket.assignee_id is None:
        raise ServiceError(_l("Assign an engineer first."), status=409)
    at = slot_time(day, slot)
    if at <= utcnow():
        raise ServiceError(_l("Choose a slot in the future."), field="slot")
    taken = _l("The engineer already has a visit then. Choose another slot.")
    with db.session.no_autoflush:
        if db.session.scalar(db.select(Visit.id).where(Visit.engineer_id == ticket.assignee_id,
                                                        Visit.scheduled_at == at)) is not None:
            raise ServiceError(taken, status=409, field="slot")
        previous = db.session.scalars(db.select(Visit).where(Visit.ticket_id == ticket.id,
                                                             Visit.departed_at.is_(None))).all()
    now, replaced = utcnow(), None
    for visit in previous:
        if visit.arrived_at is not None:
            visit.departed_at = now  # the visit they were on ends here
        else:
            # A planned visit that never happened is moved: its slot is free again.
            replaced = visit.scheduled_at.isoformat() if visit.scheduled_at else None
            db.session.delete(visit)
    db.session.flush()
    visit = Visit(ticket_id=ticket.id, engineer_id=ticket.assignee_id, scheduled_at=at)
    try:
        with db.session.begin_nested():  # another booking of the slot may have landed since the check
            db.session.add(visit)
    except IntegrityError as clash:
        raise ServiceError(taken, status=409, field="slot") from clash
    add_event(ticket, user, "visit_scheduled", data={"engineer": ticket.assignee_id, "at": at.isoformat(),
                                                     "visit": visit.id,
                                                     "follow_up": ticket.visit_count > 0, "replaces": replaced},
              customer_visible=True)
    return visit
