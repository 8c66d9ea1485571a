"""Supervisors' catalogue: product models and the parts catalogue, listed with search and pages, created,
edited and deactivated (never deleted: tickets, units and repairs refer to them). One set of views serves
both kinds: `kind` in the URL is "models" or "parts"."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import labels
from portal.backoffice.blueprint import bp
from portal.backoffice.catalogue_forms import PartForm, ProductModelForm
from portal.backoffice.stale_forms import open_on, show_changes
from portal.domain.roles import SUPERVISORS
from portal.extensions import db
from portal.models import Part, ProductModel
from portal.services import catalogue
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render

PAGE_SIZE = 25
KIND = "<any(models, parts):kind>"
# kind: model class, form, the fields saved, the name in the security log
KINDS = {"models": (ProductModel, ProductModelForm, catalogue.MODEL_FIELDS, "product model"),
         "parts": (Part, PartForm, catalogue.PART_FIELDS, "part")}
TITLES = {"models": (_l("Product models"), _l("New product model")),
          "parts": (_l("Parts catalogue"), _l("New part"))}


def _record(kind: str, record_id: int):
    record = db.session.get(KINDS[kind][0], record_id)
    if record is None:
        abort(404)
    return record


def _form(kind: str, record=None):
    form = KINDS[kind][1](obj=record)
    # The record as shown: a save after someone else's is refused (catalogue.StaleEdit), not applied unseen.
    if request.method == "GET":
        open_on(form, record, KINDS[kind][2])
    if kind == "models":
        known = dict.fromkeys([*labels.PRODUCT_CATEGORY, *catalogue.categories()])
        form.category.choices = to_choices(
            [("", _("Choose a category"))] + [(c, labels.PRODUCT_CATEGORY.get(c, c)) for c in known])
    return form


@bp.get(f"/admin/catalogue/{KIND}")
@roles_required(*SUPERVISORS)
def catalogue_list(kind: str):
    query = request.args.get("q", "")[:60]
    number = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    inactive = request.args.get("inactive") == "1"
    page = catalogue.listing(KINDS[kind][0], query, number, PAGE_SIZE, inactive)
    checklists = {c: catalogue.checklist_for(c) for c in {r.category for r in page.rows}} if kind == "models" else {}
    return render("backoffice/catalogue.html", "backoffice/_catalogue_rows.html", kind=kind, q=query,
                  inactive=inactive, page=page, title=TITLES[kind][0], checklists=checklists)


def _edit_page(kind, form, record, status=200):
    return render("backoffice/catalogue_form.html", http_status=status, kind=kind, form=form, record=record,
                  title=TITLES[kind][0], new_title=TITLES[kind][1],
                  checklist=catalogue.checklist_for(record.category) if kind == "models" and record else None)


def _save(kind, form, record):
    _cls, _form_cls, fields, _what = KINDS[kind]
    save = catalogue.save_model if kind == "models" else catalogue.save_part

    def again(status, error):
        show_changes(form, error)
        return refused(form, status, lambda code: _edit_page(kind, form, record, code), error)

    return submit(form, lambda f: save(record, {name: f[name].data for name in fields}, current_user,
                                       seen=f.seen.data),
                  done=lambda r: saved(_("%(code)s saved.", code=r.code), url_for("backoffice.catalogue_list",
                                                                                  kind=kind, q=r.code)),
                  again=again)


@bp.route(f"/admin/catalogue/{KIND}/new", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def catalogue_new(kind: str):
    form = _form(kind)
    if request.method == "GET":
        return _edit_page(kind, form, None)
    return _save(kind, form, None)


@bp.route(f"/admin/catalogue/{KIND}/<int:record_id>/edit", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def catalogue_edit(kind: str, record_id: int):
    record = _record(kind, record_id)
    form = _form(kind, record)
    if request.method == "GET":
        return _edit_page(kind, form, record)
    return _save(kind, form, record)


@bp.post(f"/admin/catalogue/{KIND}/<int:record_id>/active")
@roles_required(*SUPERVISORS)
def catalogue_active(kind: str, record_id: int):
    """Deactivate (no longer offered at intake or for repairs) or reactivate a model or part."""
    record = _record(kind, record_id)
    active = request.form.get("active") == "1"
    back = url_for("backoffice.catalogue_list", kind=kind, inactive="1")
    return submit(ButtonForm(), lambda f: catalogue.set_active(record, active, current_user, KINDS[kind][3]),
                  done=lambda _r: saved(_("Reactivated.") if active else _("Deactivated."), back),
                  again=lambda status, error: saved(_("The form has expired; reload the page."), back,
                                                    category="error"))
