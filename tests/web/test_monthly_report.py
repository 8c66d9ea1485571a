"""The monthly report: asked for a period, made in the background (the tests' queue runs it at once), stored,
listed, downloaded as a PDF, e-mailed to subscribers; the 1st-of-the-month task makes last month's once."""
import io
from datetime import timedelta

from pypdf import PdfReader

from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import MonthlyReport, Notification, OutgoingMail
from portal.services import monthly
from portal.tasks.monthly import schedule
from tests.web.factories import make_ticket


def test_a_report_is_made_in_the_background_and_downloaded(app, login_as):
    make_ticket(app, status="closed", priority="P2")
    web = login_as("manager")
    assert web.post_form("/desk/reports/subscription", {"on": "1"}).status_code in (200, 302, 303)
    today = utcnow().date()
    response = web.post_form("/desk/reports", {"start": (today - timedelta(days=40)).isoformat(),
                                               "end": (today + timedelta(days=1)).isoformat()})
    assert response.status_code in (302, 303)
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "monthly-report" in page
    with app.app_context():
        report = db.session.scalar(db.select(MonthlyReport).order_by(MonthlyReport.id.desc()))
        assert report.state == "done", report.error
        assert report.done == report.total and report.size > 1000 and report.mailed_at is not None
        told = db.session.scalar(db.select(db.func.count()).select_from(Notification)
                                 .where(Notification.kind == "monthly_report")) or 0
        kept = db.session.scalar(db.select(db.func.count()).select_from(OutgoingMail)
                                 .where(OutgoingMail.kind == "monthly_report")) or 0
        assert told + kept >= 1
        report_id = report.id
    pdf = web.get(f"/desk/reports/{report_id}/download")
    data = pdf.data
    pdf.close()
    assert pdf.status_code == 200 and data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "服务报告" in text and "SLA" in text
    assert f"/desk/reports/{report_id}/download" in web.get("/desk/reports").get_data(as_text=True)


def test_bad_periods_are_refused_next_to_the_field(app, login_as):
    web = login_as("supervisor")
    response = web.post_form("/desk/reports", {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 422
    assert web.post_form("/desk/reports", {"start": "not a date", "end": ""}).status_code == 422
    assert login_as("agent").get("/desk/reports").status_code == 403


def test_the_first_of_the_month_makes_last_months_report_once(app):
    with app.test_request_context():
        schedule()
        schedule()
        start, end = monthly.last_month(monthly.local_today())
        rows = db.session.scalars(db.select(MonthlyReport).where(MonthlyReport.scheduled.is_(True))).all()
        assert [(r.start, r.end) for r in rows] == [(start, end)]
