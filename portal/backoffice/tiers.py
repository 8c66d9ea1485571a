"""Desk: the customer tiers and their benefits (admins), the upgrades the 12-month rule proposes (supervisors
confirm), and an account manager's own customers and check-in calls."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.tier_forms import CheckInForm, TierForm
from portal.domain.roles import ADMINS, DESK, SUPERVISORS
from portal.extensions import db
from portal.models import Customer, CustomerCheckIn, CustomerTier
from portal.services import checkins, tiers
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render


def tiers_context() -> dict:
    return {"tiers": tiers.all_tiers(), "proposals": tiers.proposals(), "form": ButtonForm(),
            "can_edit": current_user.role in ADMINS}


@bp.get("/admin/tiers")
@roles_required(*SUPERVISORS)
def tier_list():
    return render("backoffice/tiers.html", **tiers_context())


def _tier_page(form, tier, status=200):
    return render("backoffice/master_form.html", http_status=status, form=form,
                  title=tier.name_zh if tier else _("New customer tier"), back=url_for("backoffice.tier_list"))


@bp.route("/admin/tiers/new", methods=["GET", "POST"], defaults={"tier_id": None}, endpoint="tier_new")
@bp.route("/admin/tiers/<int:tier_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMINS)
def tier_edit(tier_id: int | None):
    tier = db.session.get(CustomerTier, tier_id) if tier_id else None
    if tier_id and tier is None:
        abort(404)
    form = TierForm(obj=tier)
    if tier is not None:
        del form.code  # the code is kept with every customer of the tier
    if request.method == "GET":
        return _tier_page(form, tier)
    fields = tiers.FIELDS + (("code",) if tier is None else ())
    return submit(form, lambda f: tiers.save_tier(tier, {name: f[name].data for name in fields}, current_user),
                  done=lambda t: saved(_("%(name)s saved.", name=t.name_zh), url_for("backoffice.tier_list")),
                  again=lambda status, error: refused(form, status, lambda code: _tier_page(form, tier, code)))


@bp.post("/admin/tiers/proposals/<int:customer_id>")
@roles_required(*SUPERVISORS)
def tier_upgrade(customer_id: int):
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        abort(404)
    code = request.form.get("tier", "")[:20]
    form = ButtonForm()
    return submit(form, lambda f: tiers.confirm_upgrade(customer, code, current_user),
                  done=lambda _r: saved(_("%(customer)s is now in tier %(tier)s.", customer=customer.name, tier=code),
                                        url_for("backoffice.tier_list")),
                  again=lambda status, error: refused(form, status, lambda s: render(
                      "backoffice/tiers.html", http_status=s, error=error, **tiers_context()), error))


@bp.get("/my-customers")
@roles_required(*DESK)
def my_customers():
    """The account manager's customers and the check-in calls waiting for them."""
    return render("backoffice/my_customers.html", customers=tiers.my_customers(current_user),
                  check_ins=checkins.open_for(current_user), form=CheckInForm(formdata=None))


@bp.post("/check-ins/<int:check_in_id>")
@roles_required(*DESK)
def check_in_done(check_in_id: int):
    check_in = db.session.get(CustomerCheckIn, check_in_id)
    if check_in is None:
        abort(404)
    customer = db.session.get(Customer, check_in.customer_id)
    if customer.account_manager_id != current_user.id and current_user.role not in SUPERVISORS:
        abort(403)
    form = CheckInForm()
    back = url_for("backoffice.customer_detail", customer_id=customer.id)
    return submit(form, lambda f: checkins.complete(check_in, current_user, f.note.data),
                  done=lambda _r: saved(_("Check-in with %(customer)s recorded.", customer=customer.name), back),
                  again=lambda status, error: refused(form, status, lambda s: render(
                      "backoffice/my_customers.html", http_status=s, customers=tiers.my_customers(current_user),
                      check_ins=checkins.open_for(current_user), form=form, failed_id=check_in.id), error))
