"""Supervisors import master data from CSV or XLSX (upload, preview with the reason for each bad row, then
the valid rows in one transaction) and export it in the same columns: `kind` is "parts" (the parts
catalogue) or "customers" (customers with their contacts)."""
from flask import Response, abort, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from portal.backoffice.blueprint import bp
from portal.domain import tabular
from portal.domain.roles import SUPERVISORS
from portal.extensions import db
from portal.models import ImportRun
from portal.services import ServiceError, import_runs, imports, proactive
from portal.services.storage import read_bytes, store_bytes
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render

KIND = "<any(parts, customers, units, knowledge, readings):kind>"
# kind: check the rows, import the valid ones, export, the columns
KINDS = {
    "parts": (tabular.check_parts, imports.import_parts, imports.export_parts, tabular.PART_COLUMNS),
    "customers": (tabular.check_customers, imports.import_customers, imports.export_customers,
                  tabular.CUSTOMER_COLUMNS),
    "units": (imports.check_units, imports.import_units, imports.export_units, tabular.UNIT_COLUMNS),
    "knowledge": (tabular.check_articles, imports.import_articles, imports.export_articles,
                  tabular.ARTICLE_COLUMNS),
    "readings": (proactive.check_readings, proactive.import_readings, proactive.export_readings,
                 tabular.READING_COLUMNS),
}
TITLES = {"parts": _l("Import parts"), "customers": _l("Import customers"), "units": _l("Import registered units"),
          "knowledge": _l("Import knowledge articles"), "readings": _l("Import meter readings")}
DONE = {"parts": _l("Parts imported: %(created)s new, %(updated)s updated."),
        "customers": _l("Customers imported: %(created)s new customers, %(updated)s contacts added."),
        "units": _l("Units imported: %(created)s new, %(updated)s updated."),
        "knowledge": _l("Articles imported: %(created)s new, %(updated)s updated."),
        "readings": _l("Meter readings imported: %(created)s.")}
BACK = {"parts": ("backoffice.catalogue_list", {"kind": "parts"}), "customers": ("backoffice.customer_list", {}),
        "units": ("backoffice.unit_search", {}), "knowledge": ("backoffice.knowledge_list", {}),
        "readings": ("backoffice.maintenance_list", {})}
PROBLEMS = {
    "empty": _l("The file is empty."),
    "encoding": _l("The file is neither UTF-8 nor GB18030/GBK text: save it from Excel as CSV or XLSX."),
    "binary": _l("This is not a CSV file: save it from Excel as CSV or XLSX."),
    "not_xlsx": _l("This is not an XLSX workbook: save it from Excel again."),
    "bomb": _l("The workbook unpacks to far more than a parts list: it was refused."),
    "rows": _l("At most %(n)s rows per file: split it.", n=tabular.MAX_ROWS),
}
REASONS = {
    "required_60": _l("Required, at most 60 characters."), "required_200": _l("Required, at most 200 characters."),
    "repeated": _l("This part number is already in an earlier row of the file."),
    "amount": _l("Enter a price in yuan, e.g. 128 or 128.50."), "months": _l("Whole months from 0 to 120."),
    "yes_no": _l("是 or 否 (yes or no)."), "kind": _l("公司 or 个人 (company or individual)."),
    "tier": _l("VIP or 普通 (standard)."), "phone": _l("A mainland mobile or a landline with its area code."),
    "email": _l("Enter an e-mail address, e.g. name@example.com."),
    "contact": _l("A phone or e-mail needs the contact's name."),
    "title": _l("Required, 4 to 200 characters."), "body": _l("Required, at most 20,000 characters."),
    "serial": _l("Letters, digits and - _ / . only."), "date": _l("A date as YYYY-MM-DD."),
    "unknown_model": _l("No product model has this code."), "unknown_customer": _l("No customer has this name."),
    "other_customer": _l("This serial number is registered to another customer."),
    "hours": _l("Whole operating hours, e.g. 1250."),
    "unknown_serial": _l("No registered unit has this serial number."),
    "goes_back": _l("Fewer hours than the meter read before: a reading cannot go back."),
}


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), description=_l("First row: the column names, as in the export"))


def _problem(code: str) -> str:
    if code.startswith("columns:"):
        return _("Columns missing: %(columns)s. Use the column names of the export.", columns=code.split(":", 1)[1])
    return str(PROBLEMS.get(code, PROBLEMS["not_xlsx"]))


def _read(kind: str, filename: str, data: bytes) -> tabular.Checked:
    try:
        return KINDS[kind][0](imports.read_rows(filename, data))
    except tabular.FileProblem as problem:
        raise ServiceError(_problem(str(problem)), field="file") from None


def _page(kind, form, checked=None, status=200, confirm=None):
    columns = {column: names[0] for column, names in KINDS[kind][3].items()}
    return render("backoffice/master_import.html", http_status=status, form=form, checked=checked, kind=kind,
                  title=TITLES[kind], columns=columns, reasons=REASONS, confirm=confirm or ButtonForm())


@bp.route(f"/admin/import/{KIND}", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def master_import(kind: str):
    """Upload and preview: nothing is saved until the supervisor confirms."""
    form = UploadForm()
    if request.method == "GET":
        return _page(kind, form)

    def preview(f):
        upload = f.file.data
        if upload is None or not upload.filename:
            raise ServiceError(_("Choose a CSV or XLSX file."), field="file")
        data = upload.read()
        checked = _read(kind, upload.filename, data)
        key, _digest = store_bytes(data, ".import")
        session[f"{kind}_import"] = {"key": key, "name": upload.filename[:200], "valid": len(checked.valid)}
        return checked

    return submit(form, preview, done=lambda checked: _page(kind, form, checked),
                  again=lambda status, error: refused(form, status, lambda code: _page(kind, form, None, code)))


@bp.post(f"/admin/import/{KIND}/confirm")
@roles_required(*SUPERVISORS)
def master_import_confirm(kind: str):
    """Import the valid rows of the file previewed, in one transaction."""
    form = ButtonForm()
    pending = session.get(f"{kind}_import")

    def run(_f):
        if not pending:
            raise ServiceError(_("Upload the file again: the preview is no longer there."))
        if import_runs.in_background(pending.get("valid", 0)):  # a large file: on the task queue, with progress
            return import_runs.start(kind, pending["name"], pending["key"], pending["valid"], current_user)
        checked = _read(kind, pending["name"], read_bytes(pending["key"]))
        return KINDS[kind][1](checked.valid, current_user)

    def done(result):
        session.pop(f"{kind}_import", None)
        if isinstance(result, ImportRun):
            return redirect(url_for("backoffice.import_run", run_id=result.id))
        endpoint, args = BACK[kind]
        return saved(DONE[kind] % {"created": result[0], "updated": result[1]}, url_for(endpoint, **args))

    return submit(form, run, done=done,
                  again=lambda status, error: refused(form, status, lambda code: _page(
                      kind, UploadForm(formdata=None), None, code, confirm=form), error))


@bp.get("/admin/import/runs/<int:run_id>")
@roles_required(*SUPERVISORS)
def import_run(run_id: int):
    """A background import's progress: the page, and the fragment htmx polls (the run by its key and a small
    file) until it is done or failed."""
    run = db.session.get(ImportRun, run_id)
    if run is None:
        abort(404)
    done, total = import_runs.progress(run)
    endpoint, args = BACK[run.kind]
    return render("backoffice/import_run.html", "backoffice/_import_run.html", run=run, done=done, total=total,
                  title=TITLES[run.kind], back=url_for(endpoint, **args),
                  summary=DONE[run.kind] % {"created": run.created, "updated": run.updated}
                  if run.state == "done" else None)


@bp.get(f"/admin/export/{KIND}.<any(csv, xlsx):fmt>")
@roles_required(*SUPERVISORS)
def master_export(kind: str, fmt: str):
    mimetype = ("text/csv; charset=utf-8" if fmt == "csv"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(KINDS[kind][2](fmt), mimetype=mimetype,
                    headers={"Content-Disposition": f"attachment; filename={kind}.{fmt}"})
