"""The dashboard: who may open it, filters in the URL, charts within the CSP with their numbers below, links
to the matching queue, exports with the filters on the first rows."""
import csv
import io
import re

from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Ticket
from tests.web.factories import make_ticket
from tests.web.pages import whole_page


def test_supervisor_sees_charts_tables_and_links_to_the_queue(app, login_as):
    ticket_id = make_ticket(app, status="closed", priority="P2")
    with app.app_context():
        model_id = db.session.get(Ticket, ticket_id).product_model_id
    web = login_as("supervisor")
    response = web.get(f"/desk/dashboard?model={model_id}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<svg" in page and 'class="pygal-chart"' in page
    # Nothing the CSP would refuse: no script, no style element, no style attribute in the charts.
    body = page.split("<body", 1)[1]
    assert "<style" not in body and ' style="' not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert "/desk/dashboard/charts.css" in page
    # The numbers under the charts, and a link from a figure to the matching queue.
    assert 'data-table="category"' in page and "Fault repair" in page
    # Per engineer: the 40 minutes of work the factory records, as hours.
    engineers = page.split('data-table="engineers"', 1)[1].split("</table>", 1)[0]
    assert "<td>0.7</td>" in engineers
    category = page.split('data-table="category"', 1)[1]
    link = re.search(r'href="(/desk/tickets\?[^"]*model=' + str(model_id) + r'[^"]*)"', category)
    assert link, "a figure links to the queue narrowed to the model"
    queue = web.get(link.group(1).replace("&amp;", "&"), headers={"Accept-Language": "en"})
    assert queue.status_code == 200
    with app.app_context():
        number = db.session.get(Ticket, ticket_id).number
    assert number in queue.get_data(as_text=True)
    other = web.get(f"/desk/tickets?status=all&model={model_id + 999}").get_data(as_text=True)
    assert number not in other


def test_chart_stylesheet_is_served_from_our_origin(app, login_as):
    css = login_as("manager").get("/desk/dashboard/charts.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    text = css.get_data(as_text=True)
    assert ".pygal-chart" in text and "#0072B2" in text.upper().replace("#0072B2", "#0072B2")


def test_manager_reads_the_dashboard_but_not_the_desk(app, login_as):
    manager = login_as("manager")
    assert manager.get("/desk/dashboard").status_code == 200
    assert manager.get("/desk/tickets").status_code == 403
    assert login_as("agent").get("/desk/dashboard").status_code == 403
    assert login_as("engineer").get("/desk/dashboard").status_code == 403
    # The manager's figures do not link to a queue they cannot open.
    make_ticket(app, status="triaged")
    assert "/desk/tickets?" not in whole_page(manager, "/desk/dashboard")


def test_bad_filters_are_named_not_a_500(app, login_as):
    web = login_as("supervisor")
    response = web.get("/desk/dashboard?start=2026-13-45&model=abc&priority=P9", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a date" in page and "Not a valid choice" in page
    backwards = web.get("/desk/dashboard?start=2026-11-30&end=2026-11-01", headers={"Accept-Language": "en"})
    assert backwards.status_code == 422 and "The start comes after the end" in backwards.get_data(as_text=True)


def test_exports_carry_the_filters_and_chinese_text(app, login_as):
    make_ticket(app, status="closed", priority="P1")
    web = login_as("supervisor")
    xlsx = web.get("/desk/dashboard/export.xlsx?priority=P1&start=2026-01-01")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(xlsx.data))
    sheet = book.worksheets[0]
    first = [[c.value for c in row] for row in sheet.iter_rows(max_row=3)]
    assert first[0][1].startswith("2026-01-01") and first[1][1] == "P1"
    assert len(book.worksheets) >= 10
    data = web.get("/desk/dashboard/export.csv?table=category&start=2026-01-01", headers={"Accept-Language": "zh-CN"})
    assert data.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    assert rows[0][1].startswith("2026-01-01")
    assert any("产品故障报修" in ",".join(r) or "Fault repair" in ",".join(r) for r in rows)
    assert web.get("/desk/dashboard/export.csv?table=nope").status_code == 404


def test_the_filtered_queue_exports_with_its_filters(app, login_as):
    ticket_id = make_ticket(app, status="assigned", priority="P2")
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        number, model_id = ticket.number, ticket.product_model_id
    web = login_as("agent")
    data = web.get(f"/desk/tickets/export.csv?status=all&model={model_id}&priority=P2")
    assert data.status_code == 200 and data.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.data.decode("utf-8-sig"))))
    assert ["model", str(model_id)] in rows and ["priority", "P2"] in rows
    assert any(row and row[0] == number for row in rows)
    xlsx = web.get(f"/desk/tickets/export.xlsx?status=all&model={model_id + 999}")
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    assert number not in [c.value for row in sheet.iter_rows() for c in row]
    assert login_as("customer").get("/desk/tickets/export.csv").status_code == 403
