"""Moving a ticket through the workflow table (portal.domain.workflow) on behalf of a person, and refusing
forms filled in against an older state of the ticket."""
from flask_babel import lazy_gettext as _l

from portal.domain import workflow
from portal.domain.roles import CONFIRMER, SIGNER
from portal.models import Ticket, User
from portal.services import ServiceError


def role_of(user: User | None) -> str:
    """The workflow role of whoever acts; None is the customer signing through a remote link, CONFIRMER the
    customer answering a resolution through the link of its message, SYSTEM the portal itself on a timer."""
    if user is workflow.SYSTEM or user is CONFIRMER:
        return user
    return SIGNER if user is None else user.role


def _is_assignee(ticket: Ticket, user) -> bool:
    return isinstance(user, User) and ticket.assignee_id == user.id


def allowed_actions(ticket: Ticket, user: User | None) -> list[str]:
    return workflow.allowed_actions(ticket.status, role_of(user),
                                    is_assignee=_is_assignee(ticket, user), mode=ticket.mode)


def apply_action(ticket: Ticket, action: str, user: User | None, refused=None) -> str:
    """Move `ticket` by `action` if the workflow allows it for `user`; returns the new status.

    A refusal because of the status says `refused` when given (a message for the person), else names the
    status; one because of the role is a 403, one because of the person (not the assignee) a 409."""
    try:
        target = workflow.next_status(ticket.status, action, role_of(user),
                                      is_assignee=_is_assignee(ticket, user),
                                      mode=ticket.mode)
    except workflow.TransitionRefused as refusal:
        message = _l("This action is not possible now (ticket status: %(status)s).", status=ticket.status)
        if refusal.reason == workflow.REFUSED_STATUS and refused is not None:
            message = refused
        elif refusal.reason == workflow.REFUSED_MODE:
            message = _l("This step is not on the path of this ticket's service mode.")
        raise ServiceError(message, status=403 if refusal.reason == workflow.REFUSED_ROLE else 409) from refusal
    ticket.status = target
    return target


def check_version(ticket: Ticket, expected: int | None) -> None:
    """Refuse a form that was filled in against an older state of fields it overwrites."""
    if expected is not None and expected != ticket.version:
        raise ServiceError(_l("Someone else changed this ticket meanwhile. Check the current state "
                              "below and submit again."), status=409)
