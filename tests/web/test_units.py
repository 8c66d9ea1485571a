"""Registered units kept at the desk: serial, model, purchase and invoice dates, purchase channel, extended
warranty; the warranty end follows the model; a serial belongs to one customer; changes audited."""
from portal.extensions import db
from portal.models import Asset, Customer, ProductModel, SecurityEvent

EN = {"Accept-Language": "en"}


def ids(app):
    with app.app_context():
        company = db.session.scalar(db.select(Customer.id).where(Customer.kind == "company"))
        model = db.session.scalar(db.select(ProductModel).where(ProductModel.code == "ABC-2000"))
        return company, model.id, model.warranty_months


def test_a_unit_is_registered_with_its_warranty_and_found(app, login_as):
    company, model_id, _months = ids(app)
    agent = login_as("agent")
    response = agent.post_form(f"/desk/customers/{company}/units/new", {
        "serial": "abc2000-sn0777", "product_model_id": str(model_id), "purchase_date": "2026-01-15",
        "invoice_date": "2026-01-16", "purchase_channel": "京东旗舰店", "extended_warranty_end": "2028-01-15"})
    assert response.status_code == 302
    with app.app_context():
        unit = db.session.scalar(db.select(Asset).where(Asset.serial == "ABC2000-SN0777"))
        assert str(unit.warranty_end) == "2027-01-15" and unit.purchase_channel == "京东旗舰店"
        unit_id = unit.id
    assert "ABC2000-SN0777" in agent.get(f"/desk/customers/{company}").get_data(as_text=True)
    assert "ABC2000-SN0777" in agent.get("/desk/units?q=abc2000-sn07").get_data(as_text=True)
    assert "华东精密" in agent.get("/desk/intake/customers?customer_q=sn0777").get_data(as_text=True)
    response = agent.post_form(f"/desk/customers/{company}/units/{unit_id}/edit", {
        "serial": "ABC2000-SN0777", "product_model_id": str(model_id), "purchase_date": "2026-02-01",
        "invoice_date": "", "purchase_channel": "京东旗舰店", "extended_warranty_end": "2028-01-15"})
    assert response.status_code == 302
    with app.app_context():
        detail = db.session.scalars(db.select(SecurityEvent.detail).where(
            SecurityEvent.kind == "master_data_changed")).all()[-1]
    assert next(iter(detail.values())) == {"invoice_date": ["2026-01-16", None],
                                           "purchase_date": ["2026-01-15", "2026-02-01"]}


def test_a_serial_of_another_customer_and_bad_dates_are_refused(app, login_as):
    company, model_id, _months = ids(app)
    agent = login_as("agent")
    taken = agent.post_form(f"/desk/customers/{company}/units/new", {
        "serial": "WM800-SN5001", "product_model_id": str(model_id)}, headers=EN)
    assert taken.status_code == 422 and "registered to another customer" in taken.get_data(as_text=True)
    dates = agent.post_form(f"/desk/customers/{company}/units/new", {
        "serial": "NEW-1", "product_model_id": str(model_id), "purchase_date": "2026-02-01",
        "invoice_date": "2026-01-01", "purchase_channel": "门店"}, headers=EN)
    html = dates.get_data(as_text=True)
    assert dates.status_code == 422 and 'id="invoice_date-error"' in html and 'value="门店"' in html


def test_who_may_keep_units(app, login_as):
    company, _model, _months = ids(app)
    assert login_as("backoffice").get("/desk/units?q=AB").status_code == 200
    for role in ("backoffice", "engineer", "customer"):
        assert login_as(role).get(f"/desk/customers/{company}/units/new").status_code == 403


def test_the_price_paid_is_kept_in_fen_and_a_bad_amount_refused(app, login_as):
    company, model_id, _months = ids(app)
    agent = login_as("agent")
    bad = agent.post_form(f"/desk/customers/{company}/units/new", {
        "serial": "ABC2000-SN0888", "product_model_id": str(model_id), "price_paid": "12.345"}, headers=EN)
    assert bad.status_code == 422 and "Enter a price in yuan" in bad.get_data(as_text=True)
    ok = agent.post_form(f"/desk/customers/{company}/units/new", {
        "serial": "ABC2000-SN0888", "product_model_id": str(model_id), "price_paid": "3,999.50"})
    assert ok.status_code == 302
    with app.app_context():
        unit = db.session.scalar(db.select(Asset).where(Asset.serial == "ABC2000-SN0888"))
        assert unit.price_paid_fen == 399_950
        unit_id = unit.id
    form = agent.get(f"/desk/customers/{company}/units/{unit_id}/edit").get_data(as_text=True)
    assert 'value="3999.50"' in form
