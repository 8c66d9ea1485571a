"""Who may use a view, and whether a record belongs to the signed-in user."""
from functools import wraps

from flask import abort
from flask_login import current_user

from portal.domain.roles import STAFF, Role
from portal.extensions import db, login_manager
from portal.models import Attachment, Document, Ticket
from portal.models.attachment import INTERNAL_PURPOSES

ANYONE = "anyone"


def roles_required(*roles: str):
    """Let only signed-in users with one of `roles` in; the roles are kept on the view for tests."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.allowed_roles = frozenset(roles)
        return wrapped
    return decorator


def public(view):
    """Mark a view as open to anonymous users (sign-in, language switch, static pages)."""
    view.allowed_roles = frozenset({ANYONE})
    return view


def can_see_ticket(user, ticket: Ticket) -> bool:
    if user.role in STAFF:
        return True
    if user.role == Role.ENGINEER:
        return ticket.assignee_id == user.id
    if user.role == Role.CUSTOMER:
        return user.customer_id is not None and ticket.customer_id == user.customer_id
    return False


def load_ticket(ticket_id: int, *options) -> Ticket:
    """The ticket if it exists (else 404) and the current user may see it (else 403); `options` load what a
    page shows with it in the same statement."""
    return seen(db.session.get(Ticket, ticket_id, options=options))


def seen(ticket: Ticket | None) -> Ticket:
    """A ticket read by a page's own statement, checked as load_ticket does: 404 when none, 403 when not the
    current user's."""
    if ticket is None:
        abort(404)
    if not can_see_ticket(current_user, ticket):
        abort(403)
    return ticket


def load_ticket_by_number(number: str) -> Ticket:
    ticket = db.session.scalar(db.select(Ticket).where(Ticket.number == number.upper()))
    if ticket is None:
        abort(404)
    if not can_see_ticket(current_user, ticket):
        abort(403)
    return ticket


def load_attachment(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    load_ticket(attachment.ticket_id)
    if current_user.role == Role.CUSTOMER and attachment.purpose in INTERNAL_PURPOSES:
        abort(404)  # an internal note's file: staff only, as if it did not exist
    return attachment


def load_document(document_id: int) -> Document:
    document = db.session.get(Document, document_id)
    if document is None:
        abort(404)
    load_ticket(document.ticket_id)
    return document
