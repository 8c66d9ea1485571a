"""Supervisors keep the catalogue: product models and parts, listed with search and pages, created, edited
and deactivated (never deleted); prices in integer fen; every change in the security log."""
import pytest

from portal.extensions import db
from portal.models import Part, ProductModel, SecurityEvent

EN = {"Accept-Language": "en"}


def test_a_part_is_created_with_its_price_in_fen_and_edited(app, login_as):
    supervisor = login_as("supervisor")
    response = supervisor.post_form("/desk/admin/catalogue/parts/new", {
        "code": "pwr-300w", "name": "电源模块 300W", "category": "电源", "unit_price_fen": "1,280.50",
        "warranty_months": "6", "serial_tracked": "y"})
    assert response.status_code == 302
    with app.app_context():
        part = db.session.scalar(db.select(Part).where(Part.code == "PWR-300W"))
        assert (part.unit_price_fen, part.serial_tracked, part.warranty_months) == (128050, True, 6)
        part_id = part.id
    page = supervisor.get("/desk/admin/catalogue/parts?q=PWR").get_data(as_text=True)
    assert "电源模块 300W" in page and "¥1280.50" in page
    assert "电源模块 300W" in supervisor.get("/desk/admin/catalogue/parts?q=模块").get_data(as_text=True)
    response = supervisor.post_form(f"/desk/admin/catalogue/parts/{part_id}/edit", {
        "code": "PWR-300W", "name": "电源模块 300W", "category": "电源", "unit_price_fen": "1300",
        "warranty_months": "6", "serial_tracked": "y"})
    assert response.status_code == 302
    with app.app_context():
        detail = db.session.scalars(db.select(SecurityEvent.detail).where(
            SecurityEvent.kind == "master_data_changed").order_by(SecurityEvent.id)).all()[-1]
    assert detail == {f"part #{part_id}": {"unit_price_fen": [128050, 130000]}}


@pytest.mark.parametrize("price", ["abc", "-1", "12.345", "99999999999", "NaN"])
def test_a_bad_price_is_refused_next_to_the_field_and_kept(app, login_as, price):
    response = login_as("supervisor").post_form("/desk/admin/catalogue/parts/new", {
        "code": "X-1", "name": "零件", "unit_price_fen": price, "warranty_months": "3"}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="unit_price_fen-error"' in html
    assert html.count("Enter a price in yuan") == 1 and f'value="{price}"' in html


def test_a_product_model_with_its_category_and_a_taken_code(app, login_as):
    supervisor = login_as("supervisor")
    response = supervisor.post_form("/desk/admin/catalogue/models/new", {
        "code": "LCD-27Q", "name": "27 寸商用显示器", "category": "display", "warranty_months": "24"})
    assert response.status_code == 302
    taken = supervisor.post_form("/desk/admin/catalogue/models/new", {
        "code": "lcd-27q", "name": "重复", "category": "display", "warranty_months": "24"}, headers=EN)
    assert taken.status_code == 422 and "This code is already used" in taken.get_data(as_text=True)
    listing = supervisor.get("/desk/admin/catalogue/models?q=LCD").get_data(as_text=True)
    assert "27 寸商用显示器" in listing


def test_a_deactivated_model_is_no_longer_offered_at_intake(app, login_as):
    with app.app_context():
        model_id = db.session.scalar(db.select(ProductModel.id).where(ProductModel.code == "PX-50"))
    supervisor = login_as("supervisor")
    assert "PX-50" in supervisor.get("/desk/tickets/new").get_data(as_text=True)
    assert supervisor.post_form(f"/desk/admin/catalogue/models/{model_id}/active", {"active": "0"}).status_code == 302
    assert "PX-50" not in supervisor.get("/desk/tickets/new").get_data(as_text=True)
    assert "PX-50" in supervisor.get("/desk/admin/catalogue/models?inactive=1").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ProductModel, model_id) is not None


@pytest.mark.parametrize("role", ["agent", "engineer", "customer", "backoffice"])
def test_only_supervisors_and_admins_keep_the_catalogue(app, login_as, role):
    web = login_as(role)
    for url in ("/desk/admin/catalogue/models", "/desk/admin/catalogue/parts/new"):
        assert web.get(url).status_code == 403


def test_a_stale_edit_shows_both_and_loses_nothing(app, login_as):
    """Two supervisors open the same part; the second save lists what the first changed, keeps what was typed,
    and saves when sent again."""
    import re
    with app.app_context():
        part = db.session.scalar(db.select(Part).order_by(Part.id))
        part_id, code, name = part.id, part.code, part.name
    supervisor = login_as("supervisor")
    page = supervisor.get(f"/desk/admin/catalogue/parts/{part_id}/edit").get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([0-9a-f]+)"|id="seen" name="seen" type="hidden" '
                     r'value="([0-9a-f]+)"', page)
    seen = next(g for g in seen.groups() if g)
    with app.app_context():  # meanwhile someone else raises the price
        db.session.get(Part, part_id).unit_price_fen = 99900
        db.session.commit()
    typed = {"code": code, "name": "我改的名字", "category": "", "unit_price_fen": "12", "warranty_months": "3",
             "seen": seen}
    response = supervisor.post_form(f"/desk/admin/catalogue/parts/{part_id}/edit", typed, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Changed since you opened this page" in html
    assert "¥999.00" in html and "我改的名字" in html  # theirs and mine
    with app.app_context():
        assert db.session.get(Part, part_id).name == name  # nothing overwritten
    fresh = re.search(r'name="seen" type="hidden" value="([0-9a-f]+)"|id="seen" name="seen" type="hidden" '
                      r'value="([0-9a-f]+)"', html)
    typed["seen"] = next(g for g in fresh.groups() if g)
    assert supervisor.post_form(f"/desk/admin/catalogue/parts/{part_id}/edit", typed).status_code == 302
    with app.app_context():
        assert db.session.get(Part, part_id).name == "我改的名字"
