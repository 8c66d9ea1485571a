"""Administrators keep price lists and service contracts: created, edited, checked, in the security log."""
import pytest

from portal.extensions import db
from portal.models import Customer, PriceList, SecurityEvent, ServiceContract

EN = {"Accept-Language": "en"}
PRICES = {"name": "2027年服务价格表", "valid_from": "2027-01-01", "valid_to": "",
          "labour_rates": "打印机 120 180\n显示器 100 150", "callout_zones": "朝阳区 80\n海淀区 90",
          "callout_per_km_fen": "3", "callout_minimum_fen": "50", "depot_fee_fen": "30",
          "vat_labour_bp": "6", "vat_part_bp": "13", "vat_callout_bp": "6", "vat_depot_bp": "6",
          "quote_tolerance_bp": "10", "quote_tolerance_fen": ""}


def test_a_price_list_is_created_in_fen_and_basis_points_and_edited(app, login_as):
    admin = login_as("admin")
    assert admin.get("/desk/admin/price-lists/new").status_code == 200
    response = admin.post_form("/desk/admin/price-lists/new", PRICES)
    assert response.status_code == 302
    with app.app_context():
        record = db.session.scalar(db.select(PriceList).where(PriceList.name == "2027年服务价格表"))
        assert record.labour_rates == {"打印机": [12000, 18000], "显示器": [10000, 15000]}
        assert record.callout_zones == {"朝阳区": 8000, "海淀区": 9000}
        assert (record.callout_per_km_fen, record.vat_part_bp, record.quote_tolerance_bp) == (300, 1300, 1000)
        list_id = record.id
    page = admin.get("/desk/admin/price-lists").get_data(as_text=True)
    assert "2027年服务价格表" in page and "¥120.00" in page and "13%" in page
    edit = admin.get(f"/desk/admin/price-lists/{list_id}/edit").get_data(as_text=True)
    assert "打印机 120 180" in edit
    assert admin.post_form(f"/desk/admin/price-lists/{list_id}/edit",
                           {**PRICES, "vat_part_bp": "3"}).status_code == 302
    with app.app_context():
        detail = db.session.scalars(db.select(SecurityEvent.detail).where(
            SecurityEvent.kind == "master_data_changed").order_by(SecurityEvent.id)).all()[-1]
    assert detail == {f"price list #{list_id}": {"vat_part_bp": [1300, 300]}}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("labour_rates", "打印机 120", "Line 1: a name, then 2 amount(s)"),
    ("callout_zones", "朝阳区 80\n海淀区 abc", "Line 2: a name, then 1 amount(s)"),
    ("vat_part_bp", "130", "Enter a percentage from 0 to 100"),
    ("depot_fee_fen", "-5", "Enter a price in yuan"),
    ("valid_to", "2026-12-31", "The end date is before the start date"),
])
def test_a_wrong_price_list_is_refused_next_to_the_field_and_kept(app, login_as, field, value, message):
    response = login_as("admin").post_form("/desk/admin/price-lists/new", {**PRICES, field: value}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and f'id="{field}-error"' in html
    assert "打印机" in html


def test_a_contract_covers_listed_serials_and_needs_what_it_covers(app, login_as):
    admin = login_as("admin")
    with app.app_context():
        customer_id = db.session.scalar(db.select(Customer.id).where(Customer.kind == "company"))
    form = {"number": "sc-2027-001", "customer_id": str(customer_id), "scope": "list",
            "serials": "sn-1\nSN-2\n\nsn-1", "covers": ["labour", "part"], "valid_from": "2027-01-01",
            "valid_to": "2027-12-31", "response_hours": "4", "visits_per_year": "6", "note": "", "active": "y"}
    assert admin.get("/desk/admin/contracts/new").status_code == 200
    assert admin.post_form("/desk/admin/contracts/new", {**form, "covers": []}, headers=EN).status_code == 422
    assert admin.post_form("/desk/admin/contracts/new", {**form, "serials": ""}, headers=EN).status_code == 422
    assert admin.post_form("/desk/admin/contracts/new", form).status_code == 302
    with app.app_context():
        contract = db.session.scalar(db.select(ServiceContract))
        assert (contract.number, contract.serials, contract.covers) == ("SC-2027-001", ["SN-1", "SN-2"],
                                                                        ["labour", "part"])
        contract_id = contract.id
    taken = admin.post_form("/desk/admin/contracts/new", form, headers=EN)
    assert taken.status_code == 422 and "already used" in taken.get_data(as_text=True)
    assert "SC-2027-001" in admin.get("/desk/admin/price-lists").get_data(as_text=True)
    assert "SN-2" in admin.get(f"/desk/admin/contracts/{contract_id}/edit").get_data(as_text=True)


@pytest.mark.parametrize("role", ["agent", "supervisor", "engineer", "customer", "backoffice"])
def test_only_admins_keep_prices_and_contracts(app, login_as, role):
    web = login_as(role)
    for url in ("/desk/admin/price-lists", "/desk/admin/price-lists/new", "/desk/admin/contracts/new"):
        assert web.get(url).status_code == 403
