"""Every allowed and every refused transition of the ticket state machine."""
import itertools

import pytest

from portal.domain import workflow
from portal.domain.workflow import TRANSITIONS, TransitionRefused, allowed_actions, next_status

ROLES = ("admin", "supervisor", "agent", "engineer", "backoffice", "customer")
ALL_CASES = list(itertools.product(workflow.STATUSES, workflow.ACTIONS, ROLES, (True, False)))


def expected(status, action, role, is_assignee):
    t = TRANSITIONS.get((status, action))
    if t is None or role not in t.roles or (t.assignee_only and role == "engineer" and not is_assignee):
        return None
    return t.target


@pytest.mark.parametrize(("status", "action", "role", "is_assignee"), ALL_CASES)
def test_transition(status, action, role, is_assignee):
    target = expected(status, action, role, is_assignee)
    if target is None:
        with pytest.raises(TransitionRefused):
            next_status(status, action, role, is_assignee=is_assignee)
    else:
        assert next_status(status, action, role, is_assignee=is_assignee) == target
        assert action in allowed_actions(status, role, is_assignee=is_assignee)


@pytest.mark.parametrize(("status", "action", "role", "target"), [
    ("new", "triage", "agent", "triaged"),
    ("triaged", "assign", "supervisor", "assigned"),
    ("assigned", "arrive", "engineer", "in_progress"),
    ("in_progress", "inspect", "engineer", "in_progress"),
    ("in_progress", "record_work", "engineer", "in_progress"),
    ("in_progress", "wait_parts", "engineer", "waiting_parts"),
    ("waiting_parts", "resume", "engineer", "in_progress"),
    ("in_progress", "resolve", "engineer", "resolved"),
    ("resolved", "accept", "engineer", "closed"),
    ("resolved", "reject", "engineer", "reopened"),
    ("reopened", "assign", "agent", "assigned"),
    ("in_progress", "cancel", "supervisor", "cancelled"),
])
def test_the_lifecycle_of_design_md(status, action, role, target):
    assert next_status(status, action, role, is_assignee=True) == target


@pytest.mark.parametrize(("status", "action", "role", "is_assignee", "reason"), [
    ("new", "arrive", "engineer", True, "status"),
    ("closed", "cancel", "admin", False, "status"),
    ("cancelled", "assign", "agent", False, "status"),
    ("resolved", "accept", "agent", False, "role"),
    ("new", "triage", "customer", False, "role"),
    ("new", "triage", "backoffice", False, "role"),
    ("assigned", "arrive", "engineer", False, "assigned engineer"),
    ("in_progress", "resolve", "engineer", False, "assigned engineer"),
])
def test_refusals_say_why(status, action, role, is_assignee, reason):
    with pytest.raises(TransitionRefused) as refused:
        next_status(status, action, role, is_assignee=is_assignee)
    assert reason in refused.value.reason


def test_closed_and_cancelled_are_final():
    for role in ROLES:
        assert allowed_actions("closed", role, is_assignee=True) == []
        assert allowed_actions("cancelled", role, is_assignee=True) == []


def test_every_status_is_reachable_from_new():
    seen, frontier = {"new"}, ["new"]
    while frontier:
        status = frontier.pop()
        for (source, _action), t in TRANSITIONS.items():
            if source == status and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    assert seen == set(workflow.STATUSES)
