"""Supervisors' inspection checklists per product category: ordered items (yes/no, a number with its unit,
text, photo; required or not) that the engineer's inspection form asks."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.catalogue_forms import ChecklistForm
from portal.backoffice.stale_forms import open_on, refusal
from portal.domain.roles import SUPERVISORS
from portal.extensions import db
from portal.models import ChecklistTemplate
from portal.services import catalogue
from portal.web.access import roles_required
from portal.web.forms import saved, submit
from portal.web.render import render

BLANK_ROWS = 3


def _rows(template: ChecklistTemplate | None) -> list[dict]:
    items = template.items if template is not None else []
    rows = [{"key": i["key"], "position": n * 10, "label_zh": i["label"].get("zh_CN", ""),
             "label_en": i["label"].get("en", ""), "kind": i["kind"], "unit": i.get("unit") or "",
             "required": bool(i.get("required"))} for n, i in enumerate(items, start=1)]
    start = (len(items) + 1) * 10
    return rows + [{"position": start + n * 10, "kind": "yesno"} for n in range(BLANK_ROWS)]


def _form(template: ChecklistTemplate | None) -> ChecklistForm:
    if request.method == "POST":
        return ChecklistForm()
    data = {"category": template.category, "name": template.name} if template else {}
    return ChecklistForm(data={**data, "items": _rows(template)})


def _page(form, template, status=200):
    return render("backoffice/checklist_form.html", http_status=status, form=form, checklist=template)


@bp.get("/admin/checklists")
@roles_required(*SUPERVISORS)
def checklist_list():
    return render("backoffice/checklists.html", checklists=catalogue.checklists())


@bp.route("/admin/checklists/new", methods=["GET", "POST"], defaults={"template_id": None},
          endpoint="checklist_new")
@bp.route("/admin/checklists/<int:template_id>/edit", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def checklist_edit(template_id: int | None):
    template = db.session.get(ChecklistTemplate, template_id) if template_id else None
    if template_id and template is None:
        abort(404)
    form = _form(template)
    if request.method == "GET":
        open_on(form, template, catalogue.CHECKLIST_FIELDS)
        return _page(form, template)
    return submit(form, lambda f: catalogue.save_checklist(
        template, category=f.category.data, name=f.name.data, rows=[row.data for row in f.items], by=current_user,
        seen=f.seen.data),
        done=lambda t: saved(_("Checklist %(name)s saved.", name=t.name), url_for("backoffice.checklist_list")),
        again=refusal(form, lambda code: _page(form, template, code)))
