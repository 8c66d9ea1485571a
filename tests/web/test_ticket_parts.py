"""The desk's ticket page draws what is needed to act at once and defers the rest (issue 11): each deferred
panel is an htmx fragment, a page of its own without JavaScript, and goes away when it no longer applies."""
import re

from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}
PLACEHOLDER = re.compile(r'<div id="part-([a-z]+)" class="deferred" hx-get="([^"]+)"')


def test_the_page_defers_its_panels_and_each_comes_as_a_fragment(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    agent = login_as("agent")
    page = agent.get(f"/desk/tickets/{ticket_id}", headers=EN).get_data(as_text=True)
    parts = dict(PLACEHOLDER.findall(page))
    assert set(parts) == {"sla", "assign", "records", "dialogue", "desk", "entitlement", "history"}
    assert "engineer-suggestions" not in page and "Why the clock reads this" not in page
    assert 'hx-trigger="intersect once"' in page  # the history only when scrolled to
    assignment = agent.get(parts["assign"], headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert assignment.lstrip().startswith('<div id="part-assign">') and "engineer-suggestions" in assignment
    assert "<html" not in assignment
    clocks = agent.get(parts["sla"], headers={**EN, "HX-Request": "true"}).get_data(as_text=True)
    assert "Why the clock reads this" in clocks


def test_without_javascript_a_panel_is_a_page_with_the_way_back(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    page = login_as("agent").get(f"/desk/tickets/{ticket_id}/part/records", headers=EN).get_data(as_text=True)
    assert "<html" in page and f'href="/desk/tickets/{ticket_id}"' in page and "Acceptance" in page


def test_a_form_answer_draws_every_panel(app, login_as):
    ticket_id = make_ticket(app, status="triaged", priority="P3")
    agent = login_as("agent")
    response = agent.post_form(f"/desk/tickets/{ticket_id}/triage", {"category": "fault_repair", "priority": "P3",
                                                                      "version": "999"}, htmx=True, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "engineer-suggestions" in html and 'class="deferred"' not in html


def test_a_panel_that_no_longer_applies_goes_away(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    agent = login_as("agent")
    gone = agent.get(f"/desk/tickets/{ticket_id}/part/assign", headers={"HX-Request": "true"})
    assert gone.status_code == 200 and gone.get_data(as_text=True).strip() == '<div id="part-assign"></div>'
    assert agent.get(f"/desk/tickets/{ticket_id}/part/assign").status_code == 404
    assert agent.get(f"/desk/tickets/{ticket_id}/part/nothing").status_code == 404


def test_who_sees_which_panel(app, login_as):
    ticket_id = make_ticket(app, status="closed")
    assert login_as("backoffice").get(f"/desk/tickets/{ticket_id}/part/dialogue").status_code == 404
    assert login_as("backoffice").get(f"/desk/tickets/{ticket_id}/part/history").status_code == 200
    for role in ("engineer", "customer"):
        assert login_as(role).get(f"/desk/tickets/{ticket_id}/part/history").status_code in (302, 403, 404)
