"""A caller the search does not find is made a customer with the request, in the same transaction: company or
individual, its contact (phone in the stored form) and its site; a likely duplicate is offered first."""
import io

import pytest

from portal.extensions import db
from portal.models import Contact, Customer, CustomerAddress, Ticket
from tests.conftest import jpeg_bytes
from tests.web.test_golden_path import customer_and_model

EN = {"Accept-Language": "en"}


def new_customer_data(app, **overrides):
    _customer, _contact, model_id = customer_and_model(app)
    data = {"channel": "phone", "customer_id": "", "new_customer_kind": "company",
            "new_customer_name": "杭州云帆电子科技有限公司", "new_customer_email": "Li.Na@Yunfan.example.com",
            "new_customer_address": "杭州市滨江区江南大道 588 号", "contact_name": "李娜",
            "contact_phone": "+86 139-0571-2233", "product_model_id": model_id, "serial": "YF-0001",
            "description": "打印机卡纸，每次打印第二页时卡住", "photos": (io.BytesIO(jpeg_bytes()), "fault.jpg")}
    data.update(overrides)
    return data


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_new_company_is_made_with_its_contact_site_and_the_request(app, login_as):
    agent = login_as("agent")
    response = agent.post_form("/desk/tickets/new", new_customer_data(app), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        customer = db.session.scalar(db.select(Customer).where(Customer.name == "杭州云帆电子科技有限公司"))
        contact = db.session.scalar(db.select(Contact).where(Contact.customer_id == customer.id))
        site = db.session.scalar(db.select(CustomerAddress).where(CustomerAddress.customer_id == customer.id))
        ticket = db.session.scalar(db.select(Ticket).where(Ticket.customer_id == customer.id))
        assert customer.kind == "company" and customer.address == "杭州市滨江区江南大道 588 号"
        assert (contact.name, contact.phone, contact.email) == ("李娜", "139 0571 2233", "li.na@yunfan.example.com")
        assert site.is_default and site.address == customer.address
        assert ticket.contact_id == contact.id and ticket.service_address == "杭州市滨江区江南大道 588 号"
    # Found at the next call by any digits of the phone, and by two characters of the name.
    for query in ("2233", "云帆"):
        hits = agent.get("/desk/intake/customers", query_string={"customer_q": query}).get_data(as_text=True)
        assert "杭州云帆电子科技有限公司" in hits


def test_an_individual_without_address(app, login_as):
    response = login_as("agent").post_form("/desk/tickets/new", new_customer_data(
        app, new_customer_kind="individual", new_customer_name="王芳", new_customer_address="",
        new_customer_email="", contact_name="王芳", contact_phone="13600001234"), content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        customer = db.session.scalar(db.select(Customer).where(Customer.name == "王芳"))
        assert customer.kind == "individual" and customer.contacts[0].phone == "136 0000 1234"


@pytest.mark.parametrize("overrides, field, message", [
    ({"new_customer_name": ""}, "customer_id", "Find the customer above, or enter a new customer"),
    ({"contact_phone": "12345"}, "contact_phone", "Enter a mainland mobile"),
    ({"new_customer_email": "not-an-address"}, "new_customer_email", "Enter an e-mail address"),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_made(app, login_as, overrides, field, message):
    before = (count(app, Customer), count(app, Ticket))
    response = login_as("agent").post_form("/desk/tickets/new", new_customer_data(app, **overrides),
                                           content_type="multipart/form-data", headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert "打印机卡纸" in html  # what was typed is kept
    assert (count(app, Customer), count(app, Ticket)) == before


@pytest.mark.parametrize("overrides", [
    {"contact_phone": "138-1234-5678"},                 # 张经理's phone
    {"new_customer_name": " 华东精密制造有限公司 "},    # the same name
])
def test_a_likely_duplicate_is_offered_before_a_new_customer_is_made(app, login_as, overrides):
    agent = login_as("agent")
    before = count(app, Customer)
    response = agent.post_form("/desk/tickets/new", new_customer_data(app, **overrides),
                               content_type="multipart/form-data", headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "already on file" in html
    assert 'id="duplicate-hits"' in html and "<strong>华东精密制造有限公司</strong>" in html
    assert 'name="not_duplicate"' in html and count(app, Customer) == before
    # Ticked as new all the same: made.
    response = agent.post_form("/desk/tickets/new", new_customer_data(app, not_duplicate="y", **overrides),
                               content_type="multipart/form-data")
    assert response.status_code == 302 and count(app, Customer) == before + 1


def test_a_picked_customer_ignores_the_new_customer_fields(app, login_as):
    customer_id, contact_id, _model = customer_and_model(app)
    before = count(app, Customer)
    response = login_as("agent").post_form("/desk/tickets/new", new_customer_data(
        app, customer_id=customer_id, contact_id=contact_id, contact_phone="13812345678"),
        content_type="multipart/form-data")
    assert response.status_code == 302 and count(app, Customer) == before
