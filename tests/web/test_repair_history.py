"""The repair history on the engineer's job page: the same customer's tickets on that serial and the registered
unit's tickets; never another customer's, even when the customer typed that customer's serial."""
from portal.extensions import db
from portal.models import Ticket, User
from portal.services import tickets
from tests.web.factories import make_ticket
from tests.web.test_customer_requests import OTHERS, model_id, request_data

WASHER_FAULT = "洗衣机脱水时异响,周敏家中"


def number(app, ticket_id: int) -> str:
    with app.app_context():
        return db.session.get(Ticket, ticket_id).number


def portal_request(app, web, serial: str) -> int:
    """A request sent on the customer portal with a typed serial; returns the new ticket's id."""
    response = web.post_form("/my/requests/new", request_data(
        product_model_id=model_id(app, "WM-800"), serial=serial, description="洗衣机底部漏水"))
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def assign_to_engineer(app, ticket_id: int):
    with app.test_request_context():
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        engineer = db.session.scalar(db.select(User).where(User.email == "engineer@example.com"))
        ticket = db.session.get(Ticket, ticket_id)
        tickets.triage(ticket, agent, category="fault_repair", priority="P3", reason="leak", version=None)
        tickets.assign(ticket, agent, engineer=engineer, version=None)
        db.session.commit()


def test_a_typed_serial_of_another_customers_unit_shows_only_this_customers_tickets(app, login_as):
    # 周敏 (an individual customer) had her registered washing machine repaired.
    hers = make_ticket(app, status="closed", customer_kind="individual", serial=OTHERS, description=WASHER_FAULT)
    # The demo company types that serial on the portal, twice: the tickets keep it, unverified, with no unit.
    company = login_as("customer")
    earlier = portal_request(app, company, OTHERS)
    current = portal_request(app, company, OTHERS)
    with app.app_context():
        assert db.session.get(Ticket, current).asset_id is None
    assign_to_engineer(app, current)

    page = login_as("engineer").get(f"/m/jobs/{current}").get_data(as_text=True)
    assert number(app, earlier) in page, "the same customer's ticket on that serial is history"
    assert number(app, hers) not in page and WASHER_FAULT not in page, "another customer's ticket leaked"


def test_the_registered_units_tickets_are_its_history(app, login_as):
    first = make_ticket(app, status="closed", customer_kind="individual", serial=OTHERS, description=WASHER_FAULT)
    again = make_ticket(app, status="assigned", customer_kind="individual", serial=OTHERS)
    with app.app_context():
        assert db.session.get(Ticket, again).asset_id == db.session.get(Ticket, first).asset_id is not None
    page = login_as("engineer").get(f"/m/jobs/{again}").get_data(as_text=True)
    assert number(app, first) in page and WASHER_FAULT in page
