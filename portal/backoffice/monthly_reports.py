"""Monthly service reports: the list, a report for any period made in the background with a progress bar,
the download, and the e-mail subscription."""
from flask import abort, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField
from wtforms.validators import InputRequired

from portal.backoffice.blueprint import bp
from portal.domain.roles import ANALYSTS
from portal.extensions import db
from portal.models import MonthlyReport
from portal.services import monthly
from portal.services.localtime import local_today
from portal.services.storage import path_of
from portal.web.access import roles_required
from portal.web.forms import refused, saved, submit
from portal.web.headers import private_file
from portal.web.render import render


class ReportForm(FlaskForm):
    start = DateField(_l("First day"), validators=[InputRequired()])
    end = DateField(_l("Last day"), validators=[InputRequired()])


class SubscriptionForm(FlaskForm):
    on = HiddenField()


def _page(form: ReportForm, status: int = 200):
    return render("backoffice/monthly_reports.html", form=form, reports=monthly.recent(),
                  subscribed=monthly.subscribed(current_user), subscription=SubscriptionForm(), http_status=status)


@bp.route("/reports", methods=["GET", "POST"])
@roles_required(*ANALYSTS)
def monthly_reports():
    form = ReportForm()
    if not form.is_submitted():
        form.start.data, form.end.data = monthly.last_month(local_today())
        return _page(form)
    return submit(form, lambda f: monthly.request_report(current_user, f.start.data, f.end.data),
                  done=lambda report: redirect(url_for("backoffice.monthly_report", report_id=report.id)),
                  again=lambda status, error: refused(form, status, lambda code: _page(form, code), error))


def _report(report_id: int) -> MonthlyReport:
    report = db.session.get(MonthlyReport, report_id)
    if report is None:
        abort(404)
    return report


@bp.get("/reports/<int:report_id>")
@roles_required(*ANALYSTS)
def monthly_report(report_id: int):
    """The report's progress; htmx polls the fragment until the PDF is ready."""
    return render("backoffice/monthly_report.html", "backoffice/_monthly_report.html", report=_report(report_id))


@bp.get("/reports/<int:report_id>/download")
@roles_required(*ANALYSTS)
def monthly_report_download(report_id: int):
    report = _report(report_id)
    if report.state != "done" or not report.storage_key:
        abort(409)
    return private_file(send_file(path_of(report.storage_key), mimetype="application/pdf", as_attachment=True,
                                  download_name=f"service-report-{report.start}-{report.end}.pdf"))


@bp.post("/reports/subscription")
@roles_required(*ANALYSTS)
def report_subscription():
    form = SubscriptionForm()
    on = form.on.data == "1"

    def change(_form):
        monthly.set_subscription(current_user, on)

    return submit(form, change,
                  done=lambda _r: saved(_("You will get an e-mail when a report is ready.") if on
                                        else _("You will no longer get report e-mails."),
                                        url_for("backoffice.monthly_reports")),
                  again=lambda status, error: refused(form, status, lambda code: _page(ReportForm(formdata=None),
                                                                                         code), error))
