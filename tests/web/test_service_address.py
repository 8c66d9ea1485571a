"""A ticket's service address: one of the customer's sites (the default unless another is picked) or an address
typed at intake; the engineer's Navigate uses it."""
from portal.extensions import db
from portal.models import CustomerAddress, Ticket
from portal.services import tickets as ticket_service
from tests.web.factories import make_ticket
from tests.web.test_golden_path import register


def test_the_default_site_is_the_service_address(app, login_as):
    ticket = register(app, login_as("agent"))
    assert ticket.service_address == "苏州工业园区星湖街 328 号"


def test_a_picked_site_or_a_typed_address_is_the_service_address(app, login_as):
    with app.app_context():
        default = db.session.scalar(db.select(CustomerAddress).where(CustomerAddress.is_default.is_(True))
                                    .order_by(CustomerAddress.id))
        plant = CustomerAddress(customer_id=default.customer_id, label="二号工厂", address="苏州市吴中区东方大道 88 号")
        db.session.add(plant)
        db.session.commit()
        plant_id = plant.id
    agent = login_as("agent")
    assert register(app, agent, site_id=str(plant_id)).service_address == "苏州市吴中区东方大道 88 号"
    typed = register(app, agent, site_id=str(plant_id), serial="PX50-SN1001", purchase_date="",
                     service_address="苏州市相城区临时仓库 3 号门")
    assert typed.service_address == "苏州市相城区临时仓库 3 号门"


def test_the_intake_form_offers_the_customers_sites(app, login_as):
    ticket = register(app, login_as("agent"))
    html = login_as("agent").get(f"/desk/intake/contacts?customer_id={ticket.customer_id}",
                                 headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="site-select" hx-swap-oob="true"' in html and "苏州工业园区星湖街 328 号" in html


def test_navigate_goes_to_the_service_address(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.service_address = "苏州市吴中区东方大道 88 号"
        ticket_service.set_search_text(ticket, ticket.customer.name)
        db.session.commit()
    engineer = login_as("engineer")
    job = engineer.get(f"/m/jobs/{ticket_id}").get_data(as_text=True)
    assert "geo:0,0?q=%E8%8B%8F%E5%B7%9E%E5%B8%82%E5%90%B4%E4%B8%AD" in job and "东方大道 88 号" in job
    assert "%E4%B8%9C%E6%96%B9%E5%A4%A7%E9%81%93" in engineer.get("/m/jobs").get_data(as_text=True)
