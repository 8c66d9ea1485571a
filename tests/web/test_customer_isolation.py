"""Two customers, every customer route: the second customer tries each one with the first customer's
ticket, quote, address, photo and document ids, by GET and by POST, and gets 403 or 404 every time. A
route with a new kind of id fails this test until the id is added below."""
from decimal import Decimal

from portal.domain.selfservice import QuoteLine
from portal.extensions import db
from portal.models import Attachment, Customer, CustomerAddress, Document, InboxItem, Ticket, User, UserSession
from portal.services import selfservice
from tests.web.factories import make_closed_ticket, make_ticket

COMPANY = "华东精密制造有限公司"


def company_records(app) -> dict:
    """Records of the company customer (the demo's customer@example.com): what the other customer tries."""
    closed = make_closed_ticket(app)
    open_ticket = make_ticket(app, status="in_progress")
    with app.test_request_context():
        ticket = db.session.get(Ticket, open_ticket)
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        quote = selfservice.create_quote(ticket, agent, note=None, lines=[
            QuoteLine("更换主板", Decimal("1"), Decimal("680.00"))])
        db.session.commit()
        company = db.session.scalar(db.select(Customer).where(Customer.name == COMPANY))
        address = db.session.scalar(db.select(CustomerAddress).where(CustomerAddress.customer_id == company.id))
        if address is None:
            address = CustomerAddress(customer_id=company.id, label="总部", address="苏州工业园区星湖街 328 号")
            db.session.add(address)
            db.session.commit()
        return {
            "ticket_id": open_ticket, "closed_ticket_id": closed, "quote_id": quote.id, "address_id": address.id,
            "attachment_id": db.session.scalar(db.select(Attachment.id).where(Attachment.ticket_id == closed)),
            "document_id": db.session.scalar(db.select(Document.id).where(Document.ticket_id == closed)),
            "numbers": [db.session.get(Ticket, t).number for t in (open_ticket, closed)],
            "item_id": db.session.scalar(db.select(InboxItem.id).join(User).where(
                User.email == "customer@example.com").limit(1)),
        }


def customer_routes(app):
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", frozenset())
        if "customer" in roles and rule.arguments:
            yield rule


def test_another_customer_gets_403_or_404_on_every_route_with_an_id(app, login_as):
    records = company_records(app)
    own = login_as("customer")
    assert own.get(f"/my/tickets/{records['ticket_id']}").status_code == 200  # the records are reachable
    with app.app_context():
        records["session_id"] = db.session.scalar(db.select(UserSession.id).join(User).where(
            User.email == "customer@example.com"))
    other = login_as("zhou.min@example.com")
    tried = 0
    for rule in customer_routes(app):
        unknown = set(rule.arguments) - set(records)
        assert not unknown, f"{rule.rule}: add the company's record for {unknown} to company_records()"
        for ticket_key in ("ticket_id", "closed_ticket_id"):
            args = {k: records[ticket_key] if k == "ticket_id" else records[k] for k in rule.arguments}
            url = rule.build(args)[1]
            for method in sorted(rule.methods & {"GET", "POST"}):
                if method == "GET":
                    response = other.get(url)
                else:
                    response = other.post_form(url, {"answer": "x", "reason": "x", "kind": "complaint",
                                                     "decision": "approve", "name": "x", "speed": 5,
                                                     "engineer": 5, "result": 5, "label": "x", "address": "x"})
                assert response.status_code in (403, 404), (method, rule.rule, response.status_code)
                tried += 1
    assert tried >= 20
    assert own.get(f"/my/tickets/{records['ticket_id']}").status_code == 200  # nobody ended its session


def test_lists_and_the_data_download_hold_only_their_own(app, login_as):
    records = company_records(app)
    other = login_as("zhou.min@example.com")
    listing = other.get("/my/tickets").get_data(as_text=True)
    data = other.post_form("/my/profile/my-data.json").get_data(as_text=True)
    profile = other.get("/my/profile").get_data(as_text=True)
    for number in records["numbers"]:
        assert number not in listing and number not in data
    assert COMPANY not in data and COMPANY not in profile and "13812345678" not in data
    own = login_as("customer")
    own_listing = own.get("/my/tickets").get_data(as_text=True)
    assert all(number in own_listing for number in records["numbers"])
