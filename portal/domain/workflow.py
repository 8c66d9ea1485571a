"""The ticket state machine: the one table that says which action may move a ticket where, and who may."""
from dataclasses import dataclass

NEW, TRIAGED, ASSIGNED, IN_PROGRESS = "new", "triaged", "assigned", "in_progress"
WAITING_PARTS, WAITING_CUSTOMER = "waiting_parts", "waiting_customer"
RESOLVED, REOPENED, CLOSED, CANCELLED = "resolved", "reopened", "closed", "cancelled"

STATUSES = (NEW, TRIAGED, ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER,
            RESOLVED, REOPENED, CLOSED, CANCELLED)
OPEN_STATUSES = frozenset(STATUSES) - {CLOSED, CANCELLED}
# Statuses in which the assigned engineer has work on site.
ENGINEER_ACTIVE = frozenset({ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER, RESOLVED, REOPENED})

DESK = frozenset({"agent", "supervisor", "admin"})
ENGINEER = frozenset({"engineer"})


@dataclass(frozen=True)
class Transition:
    target: str
    roles: frozenset
    # Engineers may only act on tickets assigned to them.
    assignee_only: bool = False


_T = Transition
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (NEW, "triage"): _T(TRIAGED, DESK),
    (TRIAGED, "triage"): _T(TRIAGED, DESK),
    (ASSIGNED, "triage"): _T(ASSIGNED, DESK),
    (TRIAGED, "assign"): _T(ASSIGNED, DESK),
    (ASSIGNED, "assign"): _T(ASSIGNED, DESK),
    (REOPENED, "assign"): _T(ASSIGNED, DESK),
    # The assignee confirms they have the job; the status stays, the first-response clock may stop.
    (ASSIGNED, "confirm_receipt"): _T(ASSIGNED, ENGINEER, True),
    (REOPENED, "confirm_receipt"): _T(REOPENED, ENGINEER, True),
    (ASSIGNED, "arrive"): _T(IN_PROGRESS, ENGINEER, True),
    (REOPENED, "arrive"): _T(IN_PROGRESS, ENGINEER, True),
    (IN_PROGRESS, "arrive"): _T(IN_PROGRESS, ENGINEER, True),
    (IN_PROGRESS, "inspect"): _T(IN_PROGRESS, ENGINEER, True),
    (IN_PROGRESS, "record_work"): _T(IN_PROGRESS, ENGINEER, True),
    (IN_PROGRESS, "diagnose"): _T(IN_PROGRESS, ENGINEER, True),
    **{(s, "loaner"): _T(s, ENGINEER, True) for s in (IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER)},
    **{(s, "update_customer"): _T(s, ENGINEER | DESK, True) for s in (ASSIGNED, IN_PROGRESS, WAITING_PARTS,
                                                                     WAITING_CUSTOMER, REOPENED)},
    # The desk's first call back to the customer comes before anyone is assigned.
    **{(s, "update_customer"): _T(s, DESK) for s in (NEW, TRIAGED, RESOLVED)},
    (IN_PROGRESS, "wait_parts"): _T(WAITING_PARTS, ENGINEER, True),
    (IN_PROGRESS, "wait_customer"): _T(WAITING_CUSTOMER, ENGINEER, True),
    (WAITING_PARTS, "resume"): _T(IN_PROGRESS, ENGINEER, True),
    (WAITING_CUSTOMER, "resume"): _T(IN_PROGRESS, ENGINEER, True),
    (IN_PROGRESS, "resolve"): _T(RESOLVED, ENGINEER, True),
    (RESOLVED, "accept"): _T(CLOSED, ENGINEER, True),
    (RESOLVED, "reject"): _T(REOPENED, ENGINEER, True),
    **{(s, "cancel"): _T(CANCELLED, DESK) for s in (NEW, TRIAGED, ASSIGNED, IN_PROGRESS,
                                                   WAITING_PARTS, WAITING_CUSTOMER, REOPENED)},
}
ACTIONS = tuple(dict.fromkeys(action for _, action in TRANSITIONS))


class TransitionRefused(Exception):
    """The action is not allowed for this status, role or person."""

    def __init__(self, status: str, action: str, reason: str):
        super().__init__(f"{action} refused in {status}: {reason}")
        self.status, self.action, self.reason = status, action, reason


def next_status(status: str, action: str, role: str, *, is_assignee: bool = False) -> str:
    """The status `action` leads to, or TransitionRefused saying why not."""
    transition = TRANSITIONS.get((status, action))
    if transition is None:
        raise TransitionRefused(status, action, "not allowed in this status")
    if role not in transition.roles:
        raise TransitionRefused(status, action, "not allowed for this role")
    if transition.assignee_only and role in ENGINEER and not is_assignee:
        raise TransitionRefused(status, action, "only the assigned engineer may do this")
    return transition.target


def allowed_actions(status: str, role: str, *, is_assignee: bool = False) -> list[str]:
    """Actions this person may take now, in table order; templates draw buttons from it."""
    result = []
    for (from_status, action), t in TRANSITIONS.items():
        if from_status == status and role in t.roles and (is_assignee or not t.assignee_only or role not in ENGINEER):
            result.append(action)
    return result
