"""The customer's bill and invoice request; the back office's lists, export and marking an invoice issued."""
import io
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.extensions import db
from portal.models import Bill, InvoiceRequest
from tests.web.factories import make_other_customer_login, make_ticket
from tests.web.test_acceptance import EN

SPECIAL = {"kind": "special", "title_kind": "company", "title": "华东精密制造有限公司",
           "tax_number": "91320594MA1XYZ1234",
           "address": "苏州工业园区星湖街 328 号", "phone": "0512-66668888", "bank": "招商银行苏州分行",
           "bank_account": "512900001234567", "email": "finance@example.com"}


def _billed(app):
    ticket_id = make_ticket(app, status="closed", serial="PX50-SN1001")
    with app.app_context():
        assert db.session.scalar(db.select(Bill.status).where(Bill.ticket_id == ticket_id)) == "signed"
    return ticket_id


def test_the_customer_downloads_the_bill_and_requests_a_special_invoice_that_is_marked_issued(app, login_as):
    ticket_id = _billed(app)
    customer = login_as("customer")
    assert 'id="bill-link"' in customer.get(f"/my/tickets/{ticket_id}").get_data(as_text=True)
    page = customer.get(f"/my/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert "¥1460.00" in page and "Request the invoice" in page
    pdf = customer.get(f"/my/tickets/{ticket_id}/bill.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert pdf.mimetype == "application/pdf" and "1460.00" in text and "维修费用账单" in text
    missing_bank = customer.post_form(f"/my/tickets/{ticket_id}/invoice", {**SPECIAL, "bank": ""}, headers=EN)
    assert missing_bank.status_code == 422 and "The bank is required" in missing_bank.get_data(as_text=True)
    assert 'value="91320594MA1XYZ1234"' in missing_bank.get_data(as_text=True)
    assert customer.post_form(f"/my/tickets/{ticket_id}/invoice", SPECIAL).status_code == 302
    assert customer.get(f"/my/tickets/{ticket_id}/invoice").status_code == 404

    desk = login_as("backoffice")
    listing = desk.get("/desk/money", headers=EN).get_data(as_text=True)
    assert "华东精密制造有限公司" in listing and "Mark issued" in listing
    export = load_workbook(io.BytesIO(desk.get("/desk/money/export.xlsx").data))
    assert export.sheetnames == ["账单 Bills", "发票申请 Invoice requests"]
    assert [c.value for c in export["发票申请 Invoice requests"][2]][2] == "华东精密制造有限公司"
    with app.app_context():
        request_id = db.session.scalar(db.select(InvoiceRequest.id))
    fake = desk.post_form(f"/desk/money/invoices/{request_id}/issue", {
        "invoice_number": "24322000000012345678", "file": (io.BytesIO(b"MZ not an invoice"), "x.pdf")}, headers=EN)
    assert fake.status_code == 422 and "not a PDF, OFD or XML" in fake.get_data(as_text=True)
    ofd = io.BytesIO()
    with zipfile.ZipFile(ofd, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    issued = desk.post_form(f"/desk/money/invoices/{request_id}/issue", {
        "invoice_number": "24322000000012345678", "file": (io.BytesIO(ofd.getvalue()), "发票.ofd")})
    assert issued.status_code == 302
    bill_page = customer.get(f"/my/tickets/{ticket_id}/bill", headers=EN).get_data(as_text=True)
    assert 'data-invoice-status="issued"' in bill_page and "24322000000012345678" in bill_page
    with customer.get(f"/my/tickets/{ticket_id}/invoice") as download:
        assert download.status_code == 200 and download.data == ofd.getvalue()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("tax_number", "12345", "15 to 20 letters and digits"),
    ("title", "", "This field is required"),
])
def test_a_wrong_invoice_request_is_refused_next_to_the_field(app, login_as, field, value, message):
    ticket_id = _billed(app)
    response = login_as("customer").post_form(f"/my/tickets/{ticket_id}/invoice",
                                              {**SPECIAL, "kind": "ordinary", field: value}, headers=EN)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_another_customer_sees_neither_the_bill_nor_the_invoice(app, login_as, client):
    ticket_id = _billed(app)
    client.login(*make_other_customer_login(app))
    for url in (f"/my/tickets/{ticket_id}/bill", f"/my/tickets/{ticket_id}/bill.pdf",
                f"/my/tickets/{ticket_id}/invoice"):
        assert client.get(url).status_code == 403, url
    assert client.post_form(f"/my/tickets/{ticket_id}/invoice", SPECIAL).status_code == 403


def test_the_desk_records_a_transfer_against_a_bill(app, login_as):
    ticket_id = _billed(app)
    with app.app_context():
        bill_id = db.session.scalar(db.select(Bill.id).where(Bill.ticket_id == ticket_id))
    desk = login_as("agent")
    assert desk.post_form(f"/desk/bills/{bill_id}/payment", {"method": "transfer", "amount": "460",
                                                              "reference": "HX20261130001"}).status_code == 302
    page = desk.get(f"/desk/bills/{bill_id}", headers=EN).get_data(as_text=True)
    assert "Bank transfer ¥460.00" in page and "¥1000.00" in page
    assert desk.get(f"/desk/bills/{bill_id}/bill.pdf").mimetype == "application/pdf"
