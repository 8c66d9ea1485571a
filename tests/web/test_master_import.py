"""Supervisors import parts, and customers with their contacts, from CSV or XLSX: a preview with each bad row,
then the valid rows in one transaction; bad files get a clear message and change nothing; the export reads
back in."""
import io
import zipfile

from openpyxl import Workbook

from portal.extensions import db
from portal.models import Asset, Contact, Customer, KnowledgeArticle, Part

EN = {"Accept-Language": "en"}
HEADER = "备件编号,名称,类别,单价（元）,保修月数,按序列号管理\n"


def upload(web, data: bytes, name="parts.csv", headers=EN, kind="parts"):
    return web.post_form(f"/desk/admin/import/{kind}", {"file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data", headers=headers)


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def part_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Part))


def test_preview_then_import_of_a_gbk_csv(app, login_as):
    supervisor = login_as("supervisor")
    before = part_count(app)
    data = (HEADER + "PSU-24V,24V 电源适配器,电源,135,3,否\nNEW-FAN,新风扇,散热,49.9,6,否\nBAD-1,坏行,,abc,6,否\n")
    preview = upload(supervisor, data.encode("gbk"))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'data-valid="2"' in html and "Enter a price in yuan" in html
    assert part_count(app) == before  # nothing saved by the preview
    done = supervisor.post_form("/desk/admin/import/parts/confirm", {})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Part.unit_price_fen).where(Part.code == "PSU-24V")) == 13500
        assert db.session.scalar(db.select(Part.name).where(Part.code == "NEW-FAN")) == "新风扇"
    assert part_count(app) == before + 1
    again = supervisor.post_form("/desk/admin/import/parts/confirm", {}, headers=EN)
    assert again.status_code == 422 and "Upload the file again" in again.get_data(as_text=True)


def test_xlsx_import_and_the_export_reads_back(app, login_as):
    supervisor = login_as("supervisor")
    data = xlsx([["备件编号", "名称", "类别", "单价（元）", "保修月数", "按序列号管理"],
                 ["LCD-27", "27 寸屏", "显示屏", 1999, 12, "是"]])
    assert 'data-valid="1"' in upload(supervisor, data, "parts.xlsx").get_data(as_text=True)
    assert supervisor.post_form("/desk/admin/import/parts/confirm", {}).status_code == 302
    exported = supervisor.get("/desk/admin/export/parts.xlsx")
    assert exported.status_code == 200 and exported.data[:2] == b"PK"
    csv_export = supervisor.get("/desk/admin/export/parts.csv").data
    assert csv_export.startswith(b"\xef\xbb\xbf") and "LCD-27,27 寸屏,显示屏,1999.00,12,是" in csv_export.decode(
        "utf-8-sig")
    preview = upload(supervisor, exported.data, "export.xlsx").get_data(as_text=True)
    assert f'data-valid="{part_count(app)}"' in preview


def test_bad_files_get_a_clear_message_and_change_nothing(app, login_as):
    supervisor = login_as("supervisor")
    before = part_count(app)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (120 * 1024 * 1024))
    cases = [(b"\xff\xfe\x00\x81\x30\xff\xff", "parts.csv", "neither UTF-8 nor GB18030"),
             (b"code;name\nA;B\n", "parts.csv", "Columns missing"),
             (b"", "parts.csv", "The file is empty"),
             (b"not a workbook", "parts.xlsx", "not an XLSX workbook"),
             (b"PK\x03\x04garbage", "parts.xlsx", "not an XLSX workbook"),
             (bomb.getvalue(), "bomb.xlsx", "unpacks to far more")]
    for data, name, message in cases:
        response = upload(supervisor, data, name)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and message in html and 'id="file-error"' in html, name
    assert part_count(app) == before


CUSTOMERS = ("客户名称,类型,等级,区域,地址,联系人,电话,邮箱\n"
             "杭州云帆电子科技有限公司,公司,VIP,华东,杭州市滨江区江南大道 588 号,李娜,+86 139-0571-2233,"
             "li@yunfan.example.com\n"
             "杭州云帆电子科技有限公司,公司,VIP,华东,,王强,0571-8765 4321,\n"
             "华东精密制造有限公司,公司,VIP,华东,,张经理,13812345678,zhang@example.com\n"
             "王芳,个人,普通,华南,广州市天河区体育西路 1 号,王芳,13600001234,\n"
             "坏客户,合伙,金卡,,,,12345,bad-mail\n")


def test_customers_with_contacts_are_imported_grouped_and_found(app, login_as):
    supervisor = login_as("supervisor")
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Customer))
    preview = upload(supervisor, CUSTOMERS.encode("gb18030"), "customers.csv", kind="customers")
    html = preview.get_data(as_text=True)
    assert 'data-valid="4"' in html and "公司 or 个人" in html and "VIP or 普通" in html
    assert "A mainland mobile" in html
    done = supervisor.post_form("/desk/admin/import/customers/confirm", {}, headers=EN)
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Customer)) == before + 2
        yunfan = db.session.scalar(db.select(Customer).where(Customer.name == "杭州云帆电子科技有限公司"))
        assert yunfan.tier == "vip" and [c.phone for c in yunfan.contacts] == ["139 0571 2233", "0571-8765 4321"]
        zhang = db.session.scalars(db.select(Contact).where(Contact.name == "张经理")).all()
        assert len(zhang) == 1  # already on file: not added twice
    hits = supervisor.get("/desk/intake/customers?customer_q=87654321").get_data(as_text=True)
    assert "杭州云帆电子科技有限公司" in hits
    exported = supervisor.get("/desk/admin/export/customers.csv").data.decode("utf-8-sig")
    assert "杭州云帆电子科技有限公司,公司,VIP,华东,杭州市滨江区江南大道 588 号,王强,0571-8765 4321," in exported


def test_only_supervisors_import(app, login_as):
    for role in ("agent", "engineer", "customer", "backoffice"):
        web = login_as(role)
        for kind in ("parts", "customers", "units", "knowledge"):
            assert web.get(f"/desk/admin/import/{kind}").status_code == 403
            assert web.get(f"/desk/admin/export/{kind}.csv").status_code == 403


UNITS = ("序列号,型号,客户名称,购买日期,发票日期,购买渠道,延保截止\n"
         "abc2000-sn0900,ABC-2000,华东精密制造有限公司,2026-03-01,2026-03-02,京东旗舰店,\n"
         "WM800-SN5001,WM-800,周敏,2025-05-10,,苏宁,2028-05-10\n"
         "WM800-SN5001,WM-800,周敏,2025-05-10,,,\n"
         "PX50-SN1001,PX-50,周敏,,,,\n"
         "NEW-1,ABC-2000,周敏,2026-13-01,,,\n"
         "NEW-2,NO-SUCH,无此客户,,,,\n")


def test_units_are_imported_against_models_and_customers(app, login_as):
    supervisor = login_as("supervisor")
    html = upload(supervisor, UNITS.encode("utf-8-sig"), "units.csv", kind="units").get_data(as_text=True)
    assert 'data-valid="2"' in html
    for reason in ("already in an earlier row", "registered to another customer", "No product model has this code",
                   "No customer has this name", "A date as YYYY-MM-DD"):
        assert reason in html, reason
    assert supervisor.post_form("/desk/admin/import/units/confirm", {}).status_code == 302
    with app.app_context():
        unit = db.session.scalar(db.select(Asset).where(Asset.serial == "ABC2000-SN0900"))
        assert str(unit.warranty_end) == "2027-03-01" and unit.purchase_channel == "京东旗舰店"
        moved = db.session.scalar(db.select(Asset).where(Asset.serial == "WM800-SN5001"))
        assert str(moved.extended_warranty_end) == "2028-05-10" and moved.purchase_channel == "苏宁"
    exported = supervisor.get("/desk/admin/export/units.csv").data.decode("utf-8-sig")
    assert "ABC2000-SN0900,ABC-2000,华东精密制造有限公司,2026-03-01,2026-03-02,京东旗舰店," in exported


def test_knowledge_articles_round_trip(app, login_as):
    supervisor = login_as("supervisor")
    data = xlsx([["标题", "正文", "产品类别", "关键词", "已发布"],
                 ["洗衣机 E21 报警处理", "1. 断电\n2. 清理排水泵过滤器", "appliance", "E21，排水", "是"],
                 ["雷雨后无法开机", "先检查配电箱", "display、equipment", "雷雨", "是"],
                 ["短", "", "", "", "也许"]])
    html = upload(supervisor, data, "kb.xlsx", kind="knowledge").get_data(as_text=True)
    assert 'data-valid="2"' in html and "Required, 4 to 200 characters" in html
    assert supervisor.post_form("/desk/admin/import/knowledge/confirm", {}).status_code == 302
    with app.app_context():
        article = db.session.scalar(db.select(KnowledgeArticle).where(KnowledgeArticle.title == "洗衣机 E21 报警处理"))
        assert article.published and article.keywords == "E21 排水" and "2. 清理" in article.body
        assert article.product_categories == ["appliance"]
        both = db.session.scalar(db.select(KnowledgeArticle).where(KnowledgeArticle.title == "雷雨后无法开机"))
        assert both.product_categories == ["display", "equipment"]
    exported = supervisor.get("/desk/admin/export/knowledge.xlsx")
    assert b"display,equipment" in supervisor.get("/desk/admin/export/knowledge.csv").data
    assert f'data-valid="{count_articles(app)}"' in upload(supervisor, exported.data, "kb.xlsx",
                                                             kind="knowledge").get_data(as_text=True)


def count_articles(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(KnowledgeArticle))
