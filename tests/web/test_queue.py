"""The desk queue: every filter in the URL, sorted by SLA time left, counts per SLA state, htmx swaps the
rows only, and a fixed number of queries however many tickets are shown."""
import re

from portal.extensions import db
from portal.models import Ticket
from portal.services import queue as tickets_queue
from tests.conftest import count_queries
from tests.web.factories import make_ticket


def numbers(html: str) -> list[str]:
    return re.findall(r">(SR\d{12})</a>", html)


def number_of(app, ticket_id):
    with app.app_context():
        return db.session.get(Ticket, ticket_id).number


def test_filters_sort_and_counts(app, login_as):
    p1 = make_ticket(app, status="triaged", priority="P1")
    p3 = make_ticket(app, status="triaged", priority="P3")
    closed = make_ticket(app, status="closed")
    agent = login_as("agent")
    page = agent.get("/desk/tickets").get_data(as_text=True)
    shown = numbers(page)
    assert number_of(app, closed) not in shown
    # P1's first response is due in 15 minutes: it comes first.
    assert shown.index(number_of(app, p1)) < shown.index(number_of(app, p3))
    only_p3 = numbers(agent.get("/desk/tickets?priority=P3").get_data(as_text=True))
    assert only_p3 == [number_of(app, p3)]
    assert numbers(agent.get("/desk/tickets?status=closed").get_data(as_text=True)) == [number_of(app, closed)]
    assert numbers(agent.get("/desk/tickets?sla=breached").get_data(as_text=True)) == []
    counts = agent.get("/desk/tickets", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r"on track 2<", counts)
    rows = agent.get("/desk/tickets?priority=P1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in rows and numbers(rows) == [number_of(app, p1)]
    # Nonsense in the URL is ignored, not an error.
    assert agent.get("/desk/tickets?priority=P9&assignee=x&sla=%3Cb%3E&page=-3").status_code == 200


def test_the_queue_runs_a_fixed_number_of_queries(app, login_as):
    agent = login_as("agent")

    make_ticket(app, status="assigned")
    agent.get("/desk/tickets")  # the filter choices are kept a while: compare with them in hand both times
    few = count_queries(app, agent, "/desk/tickets")
    for _ in range(5):
        make_ticket(app, status="assigned")
    agent.get("/desk/tickets")
    assert count_queries(app, agent, "/desk/tickets") == few


def test_a_page_statement_is_built_once_for_its_filters_and_page(app, login_as):
    agent = login_as("agent")
    first = make_ticket(app, status="assigned")
    assert numbers(agent.get("/desk/tickets").get_data(as_text=True)) == [number_of(app, first)]
    kept = app.extensions[tickets_queue.PAGE_STATEMENTS]
    statement = next(iter(kept.values()))
    # The same filters and page again: the statement kept, and it holds no rows (a new ticket shows).
    second = make_ticket(app, status="assigned")
    assert set(numbers(agent.get("/desk/tickets").get_data(as_text=True))) == {number_of(app, first),
                                                                                 number_of(app, second)}
    assert list(kept.values()) == [statement]
    # Other filters, another page: statements of their own, each answering for its filters.
    assert numbers(agent.get("/desk/tickets?priority=P1").get_data(as_text=True)) == []
    assert numbers(agent.get("/desk/tickets?page=2").get_data(as_text=True)) == []
    assert len(kept) == 3 and list(kept.values())[0] is statement
