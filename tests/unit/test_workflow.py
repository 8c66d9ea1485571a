"""Every allowed and every refused transition of the ticket state machine."""
import itertools

import pytest

from portal.domain import workflow
from portal.domain.workflow import TRANSITIONS, TransitionRefused, allowed_actions, next_status

ROLES = ("admin", "supervisor", "agent", "engineer", "backoffice", "customer", "signer")
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
    """Nothing moves a closed or cancelled ticket; after closing the customer may still rate and complain, and
    the desk may still write an internal note or link it to another ticket."""
    for role in ROLES:
        for status in workflow.FINAL:
            for action in allowed_actions(status, role, is_assignee=True):
                assert next_status(status, action, role, is_assignee=True) == status
        assert allowed_actions("cancelled", role, is_assignee=True) == (
            ["add_note", "link"] if role in ("admin", "supervisor", "agent") else [])
    assert allowed_actions("closed", "customer") == ["escalate", "rate"]
    assert allowed_actions("closed", "agent") == ["add_note", "link"]


@pytest.mark.parametrize(("status", "action", "role", "allowed"), [
    # The customer signs on the engineer's phone (the engineer acts) or on their own through a link (the signer).
    ("resolved", "accept", "signer", True), ("resolved", "reject", "signer", True),
    ("in_progress", "accept", "signer", False), ("resolved", "accept", "customer", False),
    # The customer's own actions on the portal.
    ("assigned", "answer", "customer", True), ("closed", "answer", "customer", False),
    ("waiting_parts", "decide_quote", "customer", True), ("cancelled", "decide_quote", "customer", False),
    ("resolved", "request_signing_link", "customer", True), ("in_progress", "request_signing_link", "customer", False),
    ("closed", "escalate", "customer", True), ("cancelled", "escalate", "customer", False),
    ("closed", "rate", "customer", True), ("resolved", "rate", "customer", False),
    ("new", "answer", "agent", False), ("new", "ask_customer", "customer", False),
    # The desk's side.
    ("new", "ask_customer", "agent", True), ("closed", "ask_customer", "agent", False),
    ("reopened", "quote", "supervisor", True), ("cancelled", "quote", "admin", False),
    ("resolved", "send_signing_link", "agent", True), ("in_progress", "send_signing_link", "agent", False),
    ("resolved", "send_signing_link", "backoffice", False),
    ("triaged", "add_report", "agent", True), ("closed", "add_report", "agent", False),
])
def test_customers_signers_and_the_desk_dialogue_are_in_the_table(status, action, role, allowed):
    assert (action in allowed_actions(status, role)) is allowed


@pytest.mark.parametrize("status", workflow.STATUSES)
def test_the_flags_follow_the_named_groups(status):
    flags = workflow.flags(status)
    assert flags.final is (status in ("closed", "cancelled")) is (not flags.open)
    assert flags.clock_paused is (status in ("waiting_parts", "waiting_customer"))
    assert flags.awaiting_acceptance is (status == "resolved") is ("accept" in allowed_actions(status, "signer"))
    assert flags.signing_page is (status in ("in_progress", "resolved"))
    # Offline, arrival, inspection and work are queued in a row: their forms are offered in every status of a
    # visit, a superset of where the table allows arriving.
    assert flags.visit_open is (status in workflow.ENGINEER_ACTIVE - {"resolved"})
    if "arrive" in allowed_actions(status, "engineer", is_assignee=True):
        assert flags.visit_open


def test_every_status_is_reachable_from_new():
    seen, frontier = {"new"}, ["new"]
    while frontier:
        status = frontier.pop()
        for (source, _action), t in TRANSITIONS.items():
            if source == status and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    assert seen == set(workflow.STATUSES)


# ---- The desk's own work on a ticket (issue 13) ----------------------------------------------------------
@pytest.mark.parametrize(("status", "action", "role", "target"), [
    ("new", "add_note", "agent", "new"),
    ("closed", "add_note", "supervisor", "closed"),
    ("cancelled", "add_note", "admin", "cancelled"),
    ("new", "resolve_remote", "agent", "resolved"),
    ("triaged", "resolve_remote", "supervisor", "resolved"),
    ("assigned", "resolve_remote", "agent", "resolved"),
    ("reopened", "resolve_remote", "agent", "resolved"),
    ("triaged", "transfer", "agent", "triaged"),
    ("in_progress", "transfer", "supervisor", "in_progress"),
    ("closed", "link", "agent", "closed"),
    ("new", "merge", "agent", "cancelled"),
    ("waiting_parts", "merge", "admin", "cancelled"),
    ("resolved", "confirm_resolution", "customer", "closed"),
    ("waiting_parts", "plan_visit", "agent", "waiting_parts"),
    ("in_progress", "plan_visit", "supervisor", "in_progress"),
    ("reopened", "plan_visit", "agent", "reopened"),
    ("resolved", "not_resolved", "customer", "reopened"),
])
def test_desk_work_allowed(status, action, role, target):
    assert next_status(status, action, role) == target
    assert action in allowed_actions(status, role)


@pytest.mark.parametrize(("status", "action", "role", "reason"), [
    ("new", "add_note", "engineer", workflow.REFUSED_ROLE),
    ("new", "add_note", "customer", workflow.REFUSED_ROLE),
    ("new", "add_note", "backoffice", workflow.REFUSED_ROLE),
    ("in_progress", "resolve_remote", "agent", workflow.REFUSED_STATUS),  # the engineer is on site
    ("resolved", "resolve_remote", "agent", workflow.REFUSED_STATUS),
    ("closed", "resolve_remote", "agent", workflow.REFUSED_STATUS),
    ("new", "resolve_remote", "engineer", workflow.REFUSED_ROLE),
    ("new", "resolve_remote", "customer", workflow.REFUSED_ROLE),
    ("closed", "transfer", "agent", workflow.REFUSED_STATUS),
    ("resolved", "transfer", "agent", workflow.REFUSED_STATUS),
    ("new", "transfer", "customer", workflow.REFUSED_ROLE),
    ("new", "link", "customer", workflow.REFUSED_ROLE),
    ("resolved", "merge", "agent", workflow.REFUSED_STATUS),
    ("closed", "merge", "agent", workflow.REFUSED_STATUS),
    ("cancelled", "merge", "agent", workflow.REFUSED_STATUS),
    ("new", "merge", "engineer", workflow.REFUSED_ROLE),
    ("resolved", "confirm_resolution", "agent", workflow.REFUSED_ROLE),
    ("triaged", "plan_visit", "agent", workflow.REFUSED_STATUS),
    ("closed", "plan_visit", "agent", workflow.REFUSED_STATUS),
    ("in_progress", "plan_visit", "engineer", workflow.REFUSED_ROLE),
    ("resolved", "confirm_resolution", "signer", workflow.REFUSED_ROLE),
    ("in_progress", "confirm_resolution", "customer", workflow.REFUSED_STATUS),
    ("closed", "not_resolved", "customer", workflow.REFUSED_STATUS),
    ("resolved", "not_resolved", "engineer", workflow.REFUSED_ROLE),
])
def test_desk_work_refused(status, action, role, reason):
    with pytest.raises(TransitionRefused) as refused:
        next_status(status, action, role)
    assert refused.value.reason == reason
