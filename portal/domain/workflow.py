"""The ticket state machine: the one table that says which action may move a ticket where, and who may;
beside it, the named groups of statuses and the flags that pages show. Nothing else decides whether an
action is allowed: services ask next_status(), pages draw their buttons from allowed_actions() and their
panels from flags()."""
from dataclasses import dataclass

from portal.domain.modes import DEPOT, ONSITE, REMOTE, effective
from portal.domain.roles import CONFIRMER, CUSTOMERS, DESK, ENGINEERS, SIGNER, SUPERVISORS

NEW, TRIAGED, ASSIGNED, IN_PROGRESS = "new", "triaged", "assigned", "in_progress"
WAITING_PARTS, WAITING_CUSTOMER = "waiting_parts", "waiting_customer"
RESOLVED, REOPENED, CLOSED, CANCELLED = "resolved", "reopened", "closed", "cancelled"

STATUSES = (NEW, TRIAGED, ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER,
            RESOLVED, REOPENED, CLOSED, CANCELLED)

# ---- Named groups of statuses ----------------------------------------------------------------------------
FINAL = frozenset({CLOSED, CANCELLED})
OPEN_STATUSES = frozenset(STATUSES) - FINAL
# The SLA clock does not run while the job waits for parts or for the customer.
PAUSED = frozenset({WAITING_PARTS, WAITING_CUSTOMER})
# Statuses in which the assigned engineer has work on site (their job list).
ENGINEER_ACTIVE = frozenset({ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER, RESOLVED, REOPENED})
# The visit forms are offered. Wider than what the table allows right now on purpose: offline, arrival,
# inspection and work are queued in a row before the server sees any of them.
VISIT_OPEN = frozenset({ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER, REOPENED})
# The signing screen opens while the work is on site or handed over: the phone keeps it, so the customer
# can read and sign with no signal (the signature goes through the outbox like any other form).
SIGNING_PAGE = frozenset({IN_PROGRESS, RESOLVED})
# Waiting for someone to take it: the dispatch board's list.
UNASSIGNED = frozenset({TRIAGED, REOPENED})
# Statuses in which a visit of the assigned engineer may be booked, moved or cancelled.
VISIT_STATUSES = frozenset({ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER, REOPENED})

SIGNERS = ENGINEERS | {SIGNER}
# The customer answers a resolution without a visit on the portal, or through the link of its message.
CONFIRMERS = CUSTOMERS | {CONFIRMER}
# The portal itself, for what happens on a timer (closing a resolution the customer did not answer).
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    target: str
    roles: frozenset
    # Engineers may only act on tickets assigned to them.
    assignee_only: bool = False
    # The service modes whose path has this step (None: every mode).
    modes: frozenset | None = None


_T = Transition
ONSITE_ONLY, REMOTE_ONLY, DEPOT_ONLY = frozenset({ONSITE}), frozenset({REMOTE}), frozenset({DEPOT})
NOT_REMOTE = frozenset({ONSITE, DEPOT})
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (NEW, "triage"): _T(TRIAGED, DESK),
    (TRIAGED, "triage"): _T(TRIAGED, DESK),
    (ASSIGNED, "triage"): _T(ASSIGNED, DESK),
    (TRIAGED, "assign"): _T(ASSIGNED, DESK),
    (ASSIGNED, "assign"): _T(ASSIGNED, DESK),
    (REOPENED, "assign"): _T(ASSIGNED, DESK),
    # The assignee confirms they have the job; the status stays, the first-response clock may stop.
    (ASSIGNED, "confirm_receipt"): _T(ASSIGNED, ENGINEERS, True),
    (REOPENED, "confirm_receipt"): _T(REOPENED, ENGINEERS, True),
    # "On my way": the status stays; the visit records when the engineer set off (the customer is told).
    **{(s, "on_my_way"): _T(s, ENGINEERS, True, ONSITE_ONLY) for s in (ASSIGNED, REOPENED, WAITING_PARTS,
                                                                       WAITING_CUSTOMER)},
    # On site: the engineer arrives at the customer's.
    (ASSIGNED, "arrive"): _T(IN_PROGRESS, ENGINEERS, True, ONSITE_ONLY),
    (REOPENED, "arrive"): _T(IN_PROGRESS, ENGINEERS, True, ONSITE_ONLY),
    (IN_PROGRESS, "arrive"): _T(IN_PROGRESS, ENGINEERS, True, ONSITE_ONLY),
    # Remote: calls and remote sessions by the desk or the engineer; the fix is then resolved without a visit
    # (below), like a consultation.
    **{(s, "log_remote"): _T(IN_PROGRESS, DESK | ENGINEERS, True, REMOTE_ONLY)
       for s in (TRIAGED, ASSIGNED, IN_PROGRESS, REOPENED)},
    # Depot: the workshop engineer receives the unit (serial checked) and repairs it on the bench with the
    # on-site forms.
    (ASSIGNED, "receive_unit"): _T(IN_PROGRESS, ENGINEERS, True, DEPOT_ONLY),
    (REOPENED, "receive_unit"): _T(IN_PROGRESS, ENGINEERS, True, DEPOT_ONLY),
    # Parcels both ways: the customer or the desk records the inbound one, the desk the way back.
    **{(s, "send_unit"): _T(s, DESK | CUSTOMERS, False, DEPOT_ONLY) for s in (NEW, TRIAGED, ASSIGNED, REOPENED)},
    **{(s, "return_unit"): _T(s, DESK, False, DEPOT_ONLY) for s in (IN_PROGRESS, RESOLVED)},
    # Picked up at the service point with the customer's code (checked by the service); the customer then signs
    # the acceptance there or through the signing link.
    (RESOLVED, "hand_over"): _T(RESOLVED, DESK, False, DEPOT_ONLY),
    (IN_PROGRESS, "inspect"): _T(IN_PROGRESS, ENGINEERS, True),
    (IN_PROGRESS, "record_work"): _T(IN_PROGRESS, ENGINEERS, True),
    (IN_PROGRESS, "diagnose"): _T(IN_PROGRESS, ENGINEERS, True),
    **{(s, "loaner"): _T(s, ENGINEERS, True) for s in (IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER)},
    **{(s, "update_customer"): _T(s, ENGINEERS | DESK, True) for s in (ASSIGNED, IN_PROGRESS, WAITING_PARTS,
                                                                       WAITING_CUSTOMER, REOPENED)},
    # The desk's first call back to the customer comes before anyone is assigned.
    **{(s, "update_customer"): _T(s, DESK) for s in (NEW, TRIAGED, RESOLVED)},
    # The engineer checks the unit on site is the job's: its label scanned, or the serial typed.
    **{(s, "confirm_serial"): _T(s, ENGINEERS, True) for s in VISIT_OPEN},
    (IN_PROGRESS, "wait_parts"): _T(WAITING_PARTS, ENGINEERS, True),
    (IN_PROGRESS, "wait_customer"): _T(WAITING_CUSTOMER, ENGINEERS, True),
    (WAITING_PARTS, "resume"): _T(IN_PROGRESS, ENGINEERS, True),
    (WAITING_CUSTOMER, "resume"): _T(IN_PROGRESS, ENGINEERS, True),
    (IN_PROGRESS, "resolve"): _T(RESOLVED, ENGINEERS, True, NOT_REMOTE),
    # The customer answers on the engineer's phone, or on their own through a remote link (the signer).
    (RESOLVED, "accept"): _T(CLOSED, SIGNERS, True),
    (RESOLVED, "reject"): _T(REOPENED, SIGNERS, True),
    (RESOLVED, "send_signing_link"): _T(RESOLVED, DESK),
    **{(s, "cancel"): _T(CANCELLED, DESK) for s in OPEN_STATUSES - {RESOLVED}},
    # The desk and the customer talk while the ticket is open: questions and answers, quotes and decisions.
    **{(s, "add_report"): _T(s, DESK) for s in OPEN_STATUSES},
    **{(s, "ask_customer"): _T(s, DESK) for s in OPEN_STATUSES},
    **{(s, "quote"): _T(s, DESK) for s in OPEN_STATUSES},
    **{(s, "answer"): _T(s, CUSTOMERS) for s in OPEN_STATUSES},
    **{(s, "decide_quote"): _T(s, CUSTOMERS) for s in OPEN_STATUSES},
    # A remote fix is confirmed on the portal (confirm_resolution), not signed.
    (RESOLVED, "request_signing_link"): _T(RESOLVED, CUSTOMERS, False, NOT_REMOTE),
    # The desk sets the mode at triage; changing it later (a remote case escalated to on site or depot in one
    # step) keeps the status, with a reason.
    # The assigned engineer may escalate their own job the same way (their remote-session page).
    **{(s, "change_mode"): _T(s, DESK | ENGINEERS, True) for s in (NEW, TRIAGED, ASSIGNED, IN_PROGRESS,
                                                                   WAITING_PARTS, WAITING_CUSTOMER, REOPENED)},
    # Returns and exchanges (RMA): the desk asks, a supervisor approves, the unit comes back, the refund or the
    # exchange unit closes the ticket.
    **{(s, "request_rma"): _T(s, DESK) for s in (TRIAGED, ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER,
                                                 REOPENED)},
    **{(s, "approve_rma"): _T(s, SUPERVISORS) for s in (TRIAGED, ASSIGNED, IN_PROGRESS, WAITING_PARTS,
                                                        WAITING_CUSTOMER, REOPENED)},
    **{(s, "complete_rma"): _T(CLOSED, DESK) for s in (TRIAGED, ASSIGNED, IN_PROGRESS, WAITING_PARTS,
                                                       WAITING_CUSTOMER, REOPENED)},
    # What the customer gets under 三包 (return, exchange, repair) is decided by the desk, with a reason.
    **{(s, "decide_entitlement"): _T(s, DESK) for s in OPEN_STATUSES},
    # Escalation and complaints stay possible after closing (a complaint often comes then).
    **{(s, "escalate"): _T(s, CUSTOMERS) for s in frozenset(STATUSES) - {CANCELLED}},
    (CLOSED, "rate"): _T(CLOSED, CUSTOMERS),
    # The desk works a ticket to the end (issue 13): internal notes at any time; a transfer to another
    # department; links between related tickets; a duplicate merged into its original, which ends it
    # (cancelled, pointing at the original).
    **{(s, "add_note"): _T(s, DESK) for s in STATUSES},
    **{(s, "transfer"): _T(s, DESK) for s in OPEN_STATUSES - {RESOLVED}},
    **{(s, "link"): _T(s, DESK) for s in STATUSES},
    **{(s, "merge"): _T(CANCELLED, DESK) for s in OPEN_STATUSES - {RESOLVED}},
    # A second or follow-up visit of the assigned engineer (the part has come, the fault came back).
    **{(s, "plan_visit"): _T(s, DESK) for s in (ASSIGNED, IN_PROGRESS, WAITING_PARTS, WAITING_CUSTOMER, REOPENED)},
    # Resolved without a visit: the one path of a consultation and of a remote fix (issue 13 §3, issue 14 §2).
    # The desk resolves before anyone works on it, the desk or the assigned engineer once it is theirs, and a
    # remote case also while it is worked on (on site and depot work in progress is a visit or a bench repair,
    # accepted with a signature). The customer confirms on the portal (or through the link of the message, as the
    # confirmer: no account, these two answers only), says it is not solved (it reopens), or says nothing: it
    # closes by itself after RESOLUTION_CONFIRM_DAYS (the service only picks resolutions without a visit). A
    # customer may reopen it within RESOLUTION_REOPEN_DAYS of closing. The services refuse confirm, not solved, auto
    # close and reopen after a visit, signed instead.
    **{(s, "resolve_without_visit"): _T(RESOLVED, DESK) for s in (NEW, TRIAGED)},
    **{(s, "resolve_without_visit"): _T(RESOLVED, DESK | ENGINEERS, True) for s in (ASSIGNED, REOPENED)},
    (IN_PROGRESS, "resolve_without_visit"): _T(RESOLVED, DESK | ENGINEERS, True, REMOTE_ONLY),
    (RESOLVED, "confirm_resolution"): _T(CLOSED, CONFIRMERS),
    (RESOLVED, "not_resolved"): _T(REOPENED, CONFIRMERS),
    (RESOLVED, "auto_close"): _T(CLOSED, frozenset({SYSTEM})),
    (CLOSED, "reopen"): _T(REOPENED, CUSTOMERS),
    # Visits booked by the customer on the portal from the engineers' free slots: an unassigned ticket gets the
    # engineer of the slot; an assigned one a visit of its engineer. A planned visit is moved (the desk, or the
    # customer up to a set time before) or cancelled by the desk; a customer may ask for another time.
    (TRIAGED, "book_visit"): _T(ASSIGNED, CUSTOMERS, False, ONSITE_ONLY),
    **{(s, "book_visit"): _T(s, CUSTOMERS, False, ONSITE_ONLY) for s in VISIT_STATUSES},
    **{(s, "move_visit"): _T(s, DESK | CUSTOMERS) for s in VISIT_STATUSES},
    **{(s, "cancel_visit"): _T(s, DESK) for s in VISIT_STATUSES},
    **{(s, "ask_visit_time"): _T(s, CUSTOMERS, False, ONSITE_ONLY) for s in VISIT_STATUSES | {TRIAGED}},
}
ACTIONS = tuple(dict.fromkeys(action for _, action in TRANSITIONS))

REFUSED_STATUS = "not allowed in this status"
REFUSED_ROLE = "not allowed for this role"
REFUSED_PERSON = "only the assigned engineer may do this"
REFUSED_MODE = "not on the path of this service mode"


class TransitionRefused(Exception):
    """The action is not allowed for this status, role or person."""

    def __init__(self, status: str, action: str, reason: str):
        super().__init__(f"{action} refused in {status}: {reason}")
        self.status, self.action, self.reason = status, action, reason


def next_status(status: str, action: str, role: str, *, is_assignee: bool = False, mode: str | None = None) -> str:
    """The status `action` leads to, or TransitionRefused saying why not. `mode`: the ticket's service mode
    (None: on site, the path of tickets from before modes)."""
    transition = TRANSITIONS.get((status, action))
    if transition is None:
        raise TransitionRefused(status, action, REFUSED_STATUS)
    if transition.modes is not None and effective(mode) not in transition.modes:
        raise TransitionRefused(status, action, REFUSED_MODE)
    if role not in transition.roles:
        raise TransitionRefused(status, action, REFUSED_ROLE)
    if transition.assignee_only and role in ENGINEERS and not is_assignee:
        raise TransitionRefused(status, action, REFUSED_PERSON)
    return transition.target


def allowed_actions(status: str, role: str, *, is_assignee: bool = False, mode: str | None = None) -> list[str]:
    """Actions this person may take now, in table order; templates draw buttons from it."""
    result = []
    for (from_status, action), t in TRANSITIONS.items():
        if from_status == status and role in t.roles and (is_assignee or not t.assignee_only or role not in ENGINEERS) \
                and (t.modes is None or effective(mode) in t.modes):
            result.append(action)
    return result


@dataclass(frozen=True)
class Flags:
    """What a page shows for a status, beyond the actions a person may take."""

    open: bool
    final: bool
    closed: bool
    clock_paused: bool
    visit_open: bool
    signing_page: bool
    awaiting_acceptance: bool


def flags(status: str) -> Flags:
    return Flags(open=status in OPEN_STATUSES, final=status in FINAL, closed=status == CLOSED,
                 clock_paused=status in PAUSED, visit_open=status in VISIT_OPEN, signing_page=status in SIGNING_PAGE,
                 awaiting_acceptance=status == RESOLVED)
