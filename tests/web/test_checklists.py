"""Supervisors edit the inspection checklist of a product category; the engineer's inspection asks it."""
from portal.extensions import db
from portal.models import ChecklistTemplate, SecurityEvent
from tests.web.factories import make_ticket

EN = {"Accept-Language": "en"}


def rows(*items):
    data = {}
    for n, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{n}-{key}"] = value
    return data


def test_a_new_checklist_and_its_items_in_order(app, login_as):
    supervisor = login_as("supervisor")
    page = supervisor.get("/desk/admin/checklists/new").get_data(as_text=True)
    assert 'name="items-2-label_zh"' in page
    response = supervisor.post_form("/desk/admin/checklists/new", {
        "category": "printer", "name": "打印机上门检查",
        **rows({"position": "20", "label_zh": "打印测试页", "kind": "yesno", "required": "y"},
               {"position": "10", "label_zh": "累计打印张数", "label_en": "Page count", "kind": "value", "unit": "张"},
               {"position": "30", "label_zh": "", "kind": "text"},
               {"position": "40", "label_zh": "卡纸位置", "kind": "text"})})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        template = db.session.scalar(db.select(ChecklistTemplate).where(ChecklistTemplate.category == "printer"))
        assert [(i["label"]["zh_CN"], i["kind"], i["required"], i["unit"]) for i in template.items] == [
            ("累计打印张数", "value", False, "张"), ("打印测试页", "yesno", True, None),
            ("卡纸位置", "text", False, None)]
        assert db.session.scalar(db.select(db.func.count()).select_from(SecurityEvent).where(
            SecurityEvent.kind == "master_data_changed")) == 1
    assert "打印机上门检查" in supervisor.get("/desk/admin/checklists").get_data(as_text=True)


def test_editing_keeps_the_keys_of_existing_items(app, login_as):
    with app.app_context():
        template = db.session.scalar(db.select(ChecklistTemplate).where(ChecklistTemplate.category == "display"))
        template_id, first = template.id, template.items[0]
    supervisor = login_as("supervisor")
    page = supervisor.get(f"/desk/admin/checklists/{template_id}/edit").get_data(as_text=True)
    assert f'value="{first["key"]}"' in page and first["label"]["zh_CN"] in page
    response = supervisor.post_form(f"/desk/admin/checklists/{template_id}/edit", {
        "category": "display", "name": "显示器检查",
        **rows({"key": first["key"], "position": "10", "label_zh": "开机正常", "kind": "yesno", "required": "y"},
               {"position": "20", "label_zh": "屏幕亮度", "kind": "value", "unit": "nit"})})
    assert response.status_code == 302
    with app.app_context():
        items = db.session.get(ChecklistTemplate, template_id).items
        assert [i["key"] for i in items] == [first["key"], "item_1"]


def test_no_items_or_a_taken_category_is_refused_and_kept(app, login_as):
    supervisor = login_as("supervisor")
    empty = supervisor.post_form("/desk/admin/checklists/new", {
        "category": "printer", "name": "空清单", **rows({"position": "10", "label_zh": "", "kind": "yesno"})},
        headers=EN)
    assert empty.status_code == 422 and "Add at least one item" in empty.get_data(as_text=True)
    taken = supervisor.post_form("/desk/admin/checklists/new", {
        "category": "display", "name": "重复", **rows({"position": "10", "label_zh": "外观", "kind": "photo"})},
        headers=EN)
    html = taken.get_data(as_text=True)
    assert taken.status_code == 422 and 'id="category-error"' in html and 'value="外观"' in html


def test_the_engineer_is_asked_a_text_item(app, login_as):
    ticket_id = make_ticket(app, status="assigned")
    with app.app_context():
        template = db.session.scalar(db.select(ChecklistTemplate).where(ChecklistTemplate.category == "display"))
        template.items = [*template.items, {"key": "note", "label": {"zh_CN": "现场备注", "en": "Site note"},
                                            "kind": "text", "required": False, "unit": None}]
        db.session.commit()
    page = login_as("engineer").get(f"/m/jobs/{ticket_id}").get_data(as_text=True)
    assert 'name="check_note"' in page and 'maxlength="200"' in page


def test_only_supervisors_and_admins_edit_checklists(app, login_as):
    for role in ("agent", "engineer", "customer", "backoffice"):
        assert login_as(role).get("/desk/admin/checklists").status_code == 403
