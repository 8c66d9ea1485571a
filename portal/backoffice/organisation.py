"""Supervisors' service organisation: service points, departments and engineers' dispatch profiles."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import labels
from portal.backoffice.blueprint import bp
from portal.backoffice.organisation_forms import DepartmentForm, EngineerProfileForm, ServicePointForm
from portal.backoffice.stale_forms import open_on, refusal
from portal.domain.roles import SUPERVISORS, Role
from portal.extensions import db
from portal.models import Department, ServicePoint, User
from portal.services import catalogue, organisation
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm, saved, submit
from portal.web.render import render


@bp.get("/admin/organisation")
@roles_required(*SUPERVISORS)
def organisation_page():
    inactive = request.args.get("inactive") == "1"
    return render("backoffice/organisation.html", points=organisation.service_points(inactive), inactive=inactive,
                  departments=organisation.departments(), engineers=organisation.engineers(),
                  categories=labels.PRODUCT_CATEGORY, form=ButtonForm())


def _point_page(form, point, status=200):
    return render("backoffice/master_form.html", http_status=status, form=form,
                  title=point.name if point else _("New service point"), back=url_for("backoffice.organisation_page"))


@bp.route("/admin/service-points/new", methods=["GET", "POST"], defaults={"point_id": None},
          endpoint="service_point_new")
@bp.route("/admin/service-points/<int:point_id>/edit", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def service_point_edit(point_id: int | None):
    point = db.session.get(ServicePoint, point_id) if point_id else None
    if point_id and point is None:
        abort(404)
    form = ServicePointForm(obj=point)
    if request.method == "GET":
        open_on(form, point, organisation.POINT_FIELDS)
        return _point_page(form, point)
    return submit(form, lambda f: organisation.save_point(
        point, {name: f[name].data for name in organisation.POINT_FIELDS}, current_user, seen=f.seen.data),
        done=lambda p: saved(_("%(name)s saved.", name=p.name), url_for("backoffice.organisation_page")),
        again=refusal(form, lambda code: _point_page(form, point, code)))


@bp.post("/admin/service-points/<int:point_id>/active")
@roles_required(*SUPERVISORS)
def service_point_active(point_id: int):
    point = db.session.get(ServicePoint, point_id)
    if point is None:
        abort(404)
    active = request.form.get("active") == "1"
    back = url_for("backoffice.organisation_page", inactive="1")
    return submit(ButtonForm(), lambda f: organisation.set_point_active(point, active, current_user),
                  done=lambda _r: saved(_("Reactivated.") if active else _("Deactivated."), back),
                  again=lambda status, error: saved(_("The form has expired; reload the page."), back,
                                                    category="error"))


def _department_page(form, department, status=200):
    return render("backoffice/master_form.html", http_status=status, form=form,
                  title=department.name if department else _("New department"),
                  back=url_for("backoffice.organisation_page"))


@bp.route("/admin/departments/new", methods=["GET", "POST"], defaults={"department_id": None},
          endpoint="department_new")
@bp.route("/admin/departments/<int:department_id>/edit", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def department_edit(department_id: int | None):
    department = db.session.get(Department, department_id) if department_id else None
    if department_id and department is None:
        abort(404)
    form = DepartmentForm(obj=department)
    if request.method == "GET":
        open_on(form, department, organisation.DEPARTMENT_FIELDS)
        return _department_page(form, department)
    return submit(form, lambda f: organisation.save_department(
        department, {"code": f.code.data, "name": f.name.data}, current_user, seen=f.seen.data),
        done=lambda d: saved(_("%(name)s saved.", name=d.name), url_for("backoffice.organisation_page")),
        again=refusal(form, lambda code: _department_page(form, department, code)))


def _engineer(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.ENGINEER:
        abort(404)
    return user


def _profile_form(engineer: User) -> EngineerProfileForm:
    form = EngineerProfileForm(obj=engineer)
    known = dict.fromkeys([*labels.PRODUCT_CATEGORY, *catalogue.categories()])
    form.skills.choices = to_choices([(c, labels.PRODUCT_CATEGORY.get(c, c)) for c in known])
    form.department_id.choices = to_choices(
        [("", _("None"))] + [(d.id, d.name) for d in organisation.departments()])
    form.home_service_point_id.choices = to_choices(
        [("", _("None"))] + [(p.id, p.name) for p in organisation.service_points()])
    return form


def _profile_page(form, engineer, status=200):
    return render("backoffice/master_form.html", http_status=status, form=form, title=engineer.name,
                  back=url_for("backoffice.organisation_page"))


@bp.route("/admin/engineers/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def engineer_profile(user_id: int):
    engineer = _engineer(user_id)
    form = _profile_form(engineer)
    if request.method == "GET":
        open_on(form, engineer, organisation.PROFILE_FIELDS)
        return _profile_page(form, engineer)
    return submit(form, lambda f: organisation.save_profile(
        engineer, {name: f[name].data for name in organisation.PROFILE_FIELDS}, current_user, seen=f.seen.data),
        done=lambda e: saved(_("%(name)s saved.", name=e.name), url_for("backoffice.organisation_page")),
        again=refusal(form, lambda code: _profile_page(form, engineer, code)))
