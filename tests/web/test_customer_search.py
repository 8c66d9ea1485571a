"""Customers found at intake as the agent types: by name (two Chinese characters too), any four or more digits
of a phone however typed, e-mail, serial number and ticket number, through the indexes on SQLite and
PostgreSQL; picking a hit fills customer, contact and unit."""
import re

import pytest

from portal.extensions import db
from portal.models import Contact, Customer, Ticket
from portal.services import customers
from tests.web.factories import make_ticket

COMPANY, PERSON = "华东精密制造有限公司", "周敏"


def found(agent, query: str) -> list[str]:
    response = agent.get("/desk/intake/customers", query_string={"customer_q": query},
                         headers={"HX-Request": "true"})
    assert response.status_code == 200
    return re.findall(r"<strong>([^<]+)</strong>", response.get_data(as_text=True))


@pytest.mark.parametrize("query, names", [
    ("华东", [COMPANY]),            # two characters: the bigram index
    ("周敏", [PERSON]),
    ("精密制造", [COMPANY]),        # three or more: the trigram index
    ("5678", [COMPANY]),            # the last four digits of 138 1234 5678
    ("+86 138-1234", [COMPANY]),    # typed with country code and dashes
    ("0000 1111", [PERSON]),
    ("zhou.min@", [PERSON]),
    ("wm800-sn5001", [PERSON]),     # a registered serial, any case
    ("冒烟", []),
    ("13", []),                     # under four digits finds nothing rather than everyone
    ("王", []),
])
def test_search_finds_customers_by_name_phone_email_and_serial(app, login_as, query, names):
    assert found(login_as("agent"), query) == names


def test_a_ticket_number_finds_its_customer(app, login_as):
    ticket_id = make_ticket(app, customer_kind="individual")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    agent = login_as("agent")
    assert found(agent, number) == [PERSON]
    assert found(agent, number[:10].lower()) == [PERSON]


def test_a_new_serial_registered_at_intake_finds_the_customer_next_time(app, login_as):
    make_ticket(app, customer_kind="company", serial="NEW-SERIAL-77")
    assert found(login_as("agent"), "serial-77") == [COMPANY]


def test_the_search_never_scans_the_customer_table(app):
    """The query plan reads the FTS table (SQLite) or may use the GIN index (PostgreSQL), never LIKE on rows."""
    with app.test_request_context():
        for query in ("华东", "精密制造", "5678"):
            condition = customers._index_condition(customers.usable_query(query))
            sql = str(condition.compile(db.engine))
            assert "LIKE" not in sql.upper() or db.engine.dialect.name == "postgresql", sql


def test_a_hit_fills_customer_contact_and_unit(app, login_as):
    with app.app_context():
        company = db.session.scalar(db.select(Customer).where(Customer.name == COMPANY))
        sun = db.session.scalar(db.select(Contact).where(Contact.name == "孙工"))
        company_id, sun_id = company.id, sun.id
    agent = login_as("agent")
    hits = agent.get("/desk/intake/customers", query_string={"customer_q": "13987654321"},
                     headers={"HX-Request": "true"}).get_data(as_text=True)
    link = re.search(r'hx-get="([^"]+)"', hits).group(1).replace("&amp;", "&")
    assert f"contact_id={sun_id}" in link
    html = agent.get(link, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-name="孙工"' in html and 'data-phone="13987654321"' in html
    assert re.search(rf'<option selected value="{sun_id}">|<option value="{sun_id}" selected>', html)
    assert re.search(rf'<option selected value="{company_id}">|<option value="{company_id}" selected>', html)
    assert 'id="customer-hits"' in html  # the hit list is cleared


def test_a_contact_of_another_customer_is_not_chosen(app, login_as):
    with app.app_context():
        person = db.session.scalar(db.select(Customer.id).where(Customer.name == PERSON))
        sun = db.session.scalar(db.select(Contact.id).where(Contact.name == "孙工"))
    html = login_as("agent").get(f"/desk/intake/contacts?customer_id={person}&contact_id={sun}",
                                 headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "data-name" not in html and "孙工" not in html


def test_the_intake_page_lists_no_customers_before_a_search(app, login_as):
    html = login_as("agent").get("/desk/tickets/new").get_data(as_text=True)
    assert 'id="customer_q"' in html and COMPANY not in html


def test_caller_id_opens_intake_with_the_customer_contact_and_open_tickets(app, login_as):
    ticket_id = make_ticket(app, customer_kind="company", status="assigned")
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    agent = login_as("agent")
    response = agent.get("/desk/intake", query_string={"caller": "+86 139 8765 4321"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<option selected value="\d+">华东精密制造有限公司</option>', html)
    assert re.search(r'<option selected value="\d+">孙工</option>', html)
    assert 'value="孙工"' in html and 'value="13987654321"' in html
    assert "ABC-2000" in html  # the product models to pick from
    assert number in html and "Open tickets of this customer" in agent.get(
        "/desk/intake", query_string={"caller": "13987654321"}, headers={"Accept-Language": "en"}).get_data(
        as_text=True)


def test_caller_id_with_an_unknown_number_keeps_it_for_a_new_customer(app, login_as):
    html = login_as("agent").get("/desk/intake", query_string={"caller": "021-5550 9999"},
                                 headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'value="021-5550 9999"' in html and "No customer found" in html


def test_caller_id_matching_several_customers_lists_them(app, login_as):
    with app.app_context():
        person = db.session.scalar(db.select(Customer).where(Customer.name == PERSON))
        db.session.add(Contact(customer_id=person.id, name="周敏同事", phone="13812345678"))
        customers.reindex(person)
        db.session.commit()
    html = login_as("agent").get("/desk/intake", query_string={"caller": "13812345678"}).get_data(as_text=True)
    assert "<strong>华东精密制造有限公司</strong>" in html and "<strong>周敏</strong>" in html
    assert not re.search(r'<option selected value="\d+">', html.split('id="customer-field"')[1].split("</div>")[0])
