"""Every page runs a fixed, budgeted number of SQL statements: a refactor or a new panel that adds a query to a
page shows up here, not in production. The budgets are the counts measured when they were set.

Every signed-in page reads its sign-in session and the user in one statement (a primary-key lookup joined to
the user, portal.services.sessions.find), which replaced the user lookup: the counts did not change with it."""
import pytest

from tests.conftest import count_queries
from tests.web.factories import make_ticket

# (role, page, ticket status or None): statements at most.
BUDGETS = {
    ("agent", "/desk/tickets", None): 7,
    ("backoffice", "/desk/tickets", None): 7,
    ("supervisor", "/desk/tickets", None): 8,
    ("agent", "/desk/tickets/new", None): 4,
    ("agent", "/desk/intake?caller=13812345678", None): 13,
    ("agent", "/desk/intake/customers?customer_q=5678", None): 5,
    ("supervisor", "/desk/dispatch", None): 6,
    ("supervisor", "/desk/tasks", None): 3,
    ("agent", "/desk/print", None): 3,
    ("agent", "/desk/customers/{customer}", None): 8,  # + its sites, account manager, units
    ("agent", "/desk/customers", None): 3,
    ("agent", "/desk/customers?q=5678", None): 3,
    ("admin", "/desk/admin/sla", None): 3,
    ("admin", "/desk/admin/routing", None): 4,
    ("agent", "/desk/tickets/{ticket}", "new"): 20,
    ("agent", "/desk/tickets/{ticket}", "assigned"): 21,
    ("agent", "/desk/tickets/{ticket}", "resolved"): 20,
    ("agent", "/desk/tickets/{ticket}", "closed"): 20,
    ("engineer", "/m/jobs", None): 4,
    ("engineer", "/m/jobs/{ticket}", "assigned"): 16,
    ("engineer", "/m/jobs/{ticket}", "in_progress"): 16,
    ("engineer", "/m/jobs/{ticket}", "closed"): 17,
    ("engineer", "/m/jobs/{ticket}/acceptance", "resolved"): 15,
    ("customer", "/my/tickets", None): 3,
    ("customer", "/my/tickets/{ticket}", "in_progress"): 16,
    ("customer", "/my/tickets/{ticket}", "closed"): 15,
    ("customer", "/my/profile", None): 8,
    ("customer", "/my/requests/new", None): 8,
    ("agent", "/account", None): 3,
    ("engineer", "/account", None): 3,
    ("customer", "/account", None): 3,
    ("agent", "/account/two-factor", None): 2,
    ("agent", "/account/password", None): 2,
    ("admin", "/desk/admin/security", None): 3,
}


@pytest.mark.parametrize(("role", "page", "status"), list(BUDGETS), ids=lambda v: str(v))
def test_page_statement_budget(app, login_as, role, page, status):
    ticket_id = make_ticket(app, status=status) if status else make_ticket(app, status="assigned")
    with app.app_context():
        from portal.extensions import db
        from portal.models import Ticket
        customer_id = db.session.get(Ticket, ticket_id).customer_id
    web = login_as(role)
    url = page.format(ticket=ticket_id, customer=customer_id)
    web.get(url)  # warm per-process caches, as a page seen before
    used = count_queries(app, web, url)
    budget = BUDGETS[(role, page, status)]
    print(f"{role:<11} {url:<40} {status or '':<12} {used:>3} statements (budget {budget})")
    assert used <= budget
