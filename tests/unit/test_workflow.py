"""Every allowed and every refused transition of the ticket state machine."""
import itertools

import pytest

from portal.domain import workflow
from portal.domain.workflow import TRANSITIONS, TransitionRefused, allowed_actions, next_status

ROLES = ("admin", "supervisor", "agent", "engineer", "backoffice", "customer", "signer", "confirmer", "system")
MODES = (None, "remote", "onsite", "depot")
ALL_CASES = list(itertools.product(workflow.STATUSES, workflow.ACTIONS, ROLES, (True, False), MODES))


def expected(status, action, role, is_assignee, mode=None):
    t = TRANSITIONS.get((status, action))
    if t is None or role not in t.roles or (t.assignee_only and role == "engineer" and not is_assignee):
        return None
    if t.modes is not None and (mode or "onsite") not in t.modes:
        return None
    return t.target


@pytest.mark.parametrize(("status", "action", "role", "is_assignee", "mode"), ALL_CASES)
def test_transition(status, action, role, is_assignee, mode):
    target = expected(status, action, role, is_assignee, mode)
    if target is None:
        with pytest.raises(TransitionRefused):
            next_status(status, action, role, is_assignee=is_assignee, mode=mode)
        assert action not in allowed_actions(status, role, is_assignee=is_assignee, mode=mode)
    else:
        assert next_status(status, action, role, is_assignee=is_assignee, mode=mode) == target
        assert action in allowed_actions(status, role, is_assignee=is_assignee, mode=mode)


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
    """Nothing moves a closed or cancelled ticket but the customer reopening a resolution without a visit (the
    service checks the period); after closing the customer may still rate and complain, and the desk may still
    write an internal note or link it to another ticket."""
    for role in ROLES:
        for status in workflow.FINAL:
            for action in allowed_actions(status, role, is_assignee=True):
                if (status, action) == ("closed", "reopen"):
                    assert next_status(status, action, role) == "reopened" and role == "customer"
                    continue
                assert next_status(status, action, role, is_assignee=True) == status
        assert allowed_actions("cancelled", role, is_assignee=True) == (
            ["add_note", "link"] if role in ("admin", "supervisor", "agent") else [])
    assert allowed_actions("closed", "customer") == ["escalate", "rate", "reopen"]
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
    # The customer answers a resolution without a visit through the link of its message: those two answers only.
    ("resolved", "confirm_resolution", "confirmer", True), ("resolved", "not_resolved", "confirmer", True),
    ("closed", "confirm_resolution", "confirmer", False), ("closed", "reopen", "confirmer", False),
    ("resolved", "accept", "confirmer", False), ("resolved", "escalate", "confirmer", False),
])
def test_customers_signers_and_the_desk_dialogue_are_in_the_table(status, action, role, allowed):
    assert (action in allowed_actions(status, role)) is allowed


@pytest.mark.parametrize("status", workflow.STATUSES)
def test_the_flags_follow_the_named_groups(status):
    flags = workflow.flags(status)
    assert flags.final is (status in ("closed", "cancelled")) is (not flags.open)
    assert flags.clock_paused is (status in ("waiting_parts", "waiting_customer"))
    assert flags.awaiting_acceptance is (status == "resolved") is ("accept" in allowed_actions(status, "signer"))
    assert set(allowed_actions(status, "confirmer")) == ({"confirm_resolution", "not_resolved"}
                                                         if status == "resolved" else set())
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
    ("new", "resolve_without_visit", "agent", "resolved"),
    ("triaged", "resolve_without_visit", "supervisor", "resolved"),
    ("assigned", "resolve_without_visit", "agent", "resolved"),
    ("reopened", "resolve_without_visit", "agent", "resolved"),
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
    ("resolved", "auto_close", "system", "closed"),
    ("closed", "reopen", "customer", "reopened"),
])
def test_desk_work_allowed(status, action, role, target):
    assert next_status(status, action, role) == target
    assert action in allowed_actions(status, role)


@pytest.mark.parametrize(("status", "action", "role", "reason"), [
    ("new", "add_note", "engineer", workflow.REFUSED_ROLE),
    ("new", "add_note", "customer", workflow.REFUSED_ROLE),
    ("new", "add_note", "backoffice", workflow.REFUSED_ROLE),
    ("in_progress", "resolve_without_visit", "agent", workflow.REFUSED_MODE),  # on site: the engineer is there
    ("waiting_parts", "resolve_without_visit", "agent", workflow.REFUSED_STATUS),
    ("resolved", "resolve_without_visit", "agent", workflow.REFUSED_STATUS),
    ("closed", "resolve_without_visit", "agent", workflow.REFUSED_STATUS),
    ("new", "resolve_without_visit", "engineer", workflow.REFUSED_ROLE),
    ("triaged", "resolve_without_visit", "engineer", workflow.REFUSED_ROLE),
    ("assigned", "resolve_without_visit", "customer", workflow.REFUSED_ROLE),
    ("resolved", "auto_close", "agent", workflow.REFUSED_ROLE),
    ("closed", "reopen", "agent", workflow.REFUSED_ROLE),
    ("resolved", "reopen", "customer", workflow.REFUSED_STATUS),
    ("cancelled", "reopen", "customer", workflow.REFUSED_STATUS),
    ("new", "resolve_without_visit", "customer", workflow.REFUSED_ROLE),
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


@pytest.mark.parametrize(("status", "action", "role", "mode", "target"), [
    # Remote: a session log starts the work, the fix is handed to the customer, who confirms it or not.
    ("triaged", "log_remote", "agent", "remote", "in_progress"),
    ("assigned", "log_remote", "engineer", "remote", "in_progress"),
    ("in_progress", "log_remote", "agent", "remote", "in_progress"),
    ("reopened", "log_remote", "agent", "remote", "in_progress"),
    # ... and the fix is resolved without a visit, by the desk or the assigned engineer, in any status before
    # the hand-over; the customer confirms, says it is not solved, or it closes by itself.
    ("in_progress", "resolve_without_visit", "agent", "remote", "resolved"),
    ("in_progress", "resolve_without_visit", "engineer", "remote", "resolved"),
    ("assigned", "resolve_without_visit", "engineer", "remote", "resolved"),
    ("assigned", "resolve_without_visit", "engineer", "onsite", "resolved"),  # a consultation answered by phone
    ("reopened", "resolve_without_visit", "engineer", "depot", "resolved"),
    ("resolved", "confirm_resolution", "customer", "remote", "closed"),
    ("resolved", "not_resolved", "customer", "remote", "reopened"),
    ("resolved", "auto_close", "system", "remote", "closed"),
    ("resolved", "auto_close", "system", None, "closed"),
    ("closed", "reopen", "customer", "remote", "reopened"),
    # Depot: the workshop receives the unit and repairs it with the on-site forms.
    ("assigned", "receive_unit", "engineer", "depot", "in_progress"),
    ("reopened", "receive_unit", "engineer", "depot", "in_progress"),
    ("in_progress", "inspect", "engineer", "depot", "in_progress"),
    ("in_progress", "resolve", "engineer", "depot", "resolved"),
    ("resolved", "accept", "signer", "depot", "closed"),
    # On site, and tickets with no mode yet: as before.
    ("assigned", "arrive", "engineer", "onsite", "in_progress"),
    ("assigned", "arrive", "engineer", None, "in_progress"),
    # The mode changes in one step and the status stays.
    ("in_progress", "change_mode", "agent", "remote", "in_progress"),
    ("triaged", "change_mode", "supervisor", None, "triaged"),
])
def test_the_paths_of_each_mode(status, action, role, mode, target):
    assert next_status(status, action, role, is_assignee=True, mode=mode) == target


@pytest.mark.parametrize(("status", "action", "role", "mode", "is_assignee", "reason"), [
    ("assigned", "arrive", "engineer", "remote", True, "service mode"),
    ("assigned", "arrive", "engineer", "depot", True, "service mode"),
    ("in_progress", "resolve", "engineer", "remote", True, "service mode"),
    ("triaged", "log_remote", "agent", "onsite", True, "service mode"),
    ("triaged", "log_remote", "agent", None, True, "service mode"),
    ("in_progress", "resolve_without_visit", "agent", "depot", True, "service mode"),
    ("in_progress", "resolve_without_visit", "engineer", "onsite", True, "service mode"),
    ("assigned", "receive_unit", "engineer", "onsite", True, "service mode"),
    ("assigned", "receive_unit", "engineer", "depot", False, "assigned engineer"),
    ("assigned", "log_remote", "engineer", "remote", False, "assigned engineer"),
    ("resolved", "confirm_resolution", "agent", "remote", True, "role"),
    ("resolved", "auto_close", "agent", "remote", True, "role"),
    ("in_progress", "resolve_without_visit", "customer", "remote", True, "role"),
    ("in_progress", "resolve_without_visit", "engineer", "remote", False, "assigned engineer"),
    ("assigned", "resolve_without_visit", "engineer", "remote", False, "assigned engineer"),
    ("new", "log_remote", "agent", "remote", True, "status"),
    ("resolved", "change_mode", "agent", "remote", True, "status"),
    ("closed", "change_mode", "agent", "remote", True, "status"),
    ("in_progress", "change_mode", "engineer", "remote", False, "assigned engineer"),
    ("in_progress", "change_mode", "customer", "remote", True, "role"),
])
def test_mode_refusals_say_why(status, action, role, mode, is_assignee, reason):
    with pytest.raises(TransitionRefused) as refused:
        next_status(status, action, role, is_assignee=is_assignee, mode=mode)
    assert reason in refused.value.reason


@pytest.mark.parametrize("mode", ["remote", "onsite", "depot"])
def test_every_mode_reaches_closed_from_new(mode):
    """Each mode has a path of its own from registration to closing."""
    roles = ("agent", "engineer", "customer", "signer", "system")
    seen, frontier = {"new"}, ["new"]
    while frontier:
        status = frontier.pop()
        for role in roles:
            for action in allowed_actions(status, role, is_assignee=True, mode=mode):
                target = next_status(status, action, role, is_assignee=True, mode=mode)
                if target not in seen:
                    seen.add(target)
                    frontier.append(target)
    assert "closed" in seen and "resolved" in seen


@pytest.mark.parametrize(("category", "requested", "mode", "why"), [
    ("return", "onsite", "depot", "return_needs_unit"),
    ("appearance", None, "depot", "accessory_by_post"),
    ("consultation", "onsite", "remote", "advice_remote"),
    ("fault_repair", "send_in", "depot", "customer_asked"),
    ("fault_repair", "remote", "remote", "customer_asked"),
    ("fault_repair", None, "onsite", "default"),
    (None, None, "onsite", "default"),
])
def test_the_mode_suggestion(category, requested, mode, why):
    from portal.domain import modes
    assert modes.suggest(category, requested) == (mode, why)


def test_changing_a_mode_needs_a_reason_setting_it_does_not():
    from portal.domain.modes import needs_reason
    assert not needs_reason(None, "remote") and not needs_reason("remote", "remote")
    assert needs_reason("remote", "onsite")
