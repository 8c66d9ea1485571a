"""The office's side of loyalty points: a customer's points (supervisors give points for a referral or an
adjustment), the redemptions the back office hands over, and the admin's rewards and member days."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.customers import load_customer
from portal.backoffice.points_forms import REWARD_KINDS, GivePointsForm, MemberDayForm, RewardForm
from portal.domain.roles import ADMINS, STAFF, SUPERVISORS
from portal.extensions import db
from portal.models import Customer, MemberDay, Redemption, Reward
from portal.services import points, tiers
from portal.services.localtime import local_today
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render


def customer_points_context(customer: Customer, form: GivePointsForm | None = None) -> dict:
    return {"customer": customer, "summary": points.summary(customer.id, local_today()),
            "history": points.history(customer.id), "redemptions": points.redemptions_of(customer.id),
            "reasons": points.REASONS, "can_give": current_user.role in SUPERVISORS,
            "form": form or GivePointsForm(formdata=None)}


@bp.get("/customers/<int:customer_id>/points")
@roles_required(*STAFF)
def customer_points(customer_id: int):
    return render("backoffice/customer_points.html", **customer_points_context(load_customer(customer_id)))


@bp.post("/customers/<int:customer_id>/points")
@roles_required(*SUPERVISORS)
def give_points(customer_id: int):
    customer = load_customer(customer_id)
    form = GivePointsForm()
    return submit(form, lambda f: points.add_points(customer, f.points.data, f.reason.data, f.note.data,
                                                    today=local_today(), by=current_user),
                  done=lambda lot: saved(_("%(points)s points given.", points=lot.points),
                                         url_for("backoffice.customer_points", customer_id=customer.id)),
                  again=lambda status, error: refused(form, status, lambda code: render(
                      "backoffice/customer_points.html", http_status=code, **customer_points_context(customer, form)),
                      error))


@bp.get("/points/redemptions")
@roles_required(*STAFF)
def redemptions():
    return render("backoffice/redemptions.html", redemptions=points.open_redemptions(), form=ButtonForm())


@bp.post("/points/redemptions/<int:redemption_id>/fulfil")
@roles_required(*STAFF)
def fulfil_redemption(redemption_id: int):
    redemption = db.session.get(Redemption, redemption_id)
    if redemption is None:
        abort(404)
    form = ButtonForm()
    back = url_for("backoffice.redemptions")
    return submit(form, lambda _f: points.fulfil(redemption, current_user, request.form.get("note", "")[:300]),
                  done=lambda _r: saved(_("Marked as handed over."), back),
                  again=lambda status, error: saved(error.message if error else _("The form has expired; reload the "
                                                                                   "page."), back, category="error"))


# --- the admin's rewards and member days -------------------------------------------------------------------------

@bp.get("/admin/rewards")
@roles_required(*ADMINS)
def rewards():
    return render("backoffice/rewards.html", rewards=db.session.scalars(db.select(Reward).order_by(
        Reward.active.desc(), Reward.points, Reward.id)).all(), days=db.session.scalars(db.select(MemberDay).order_by(
            MemberDay.starts_on.desc())).all(), kinds=REWARD_KINDS, tiers=dict(tiers.choices()), form=ButtonForm())


def _master_page(form, title: str, status: int = 200):
    return render("backoffice/master_form.html", http_status=status, form=form, title=title,
                  back=url_for("backoffice.rewards"))


@bp.route("/admin/rewards/new", methods=["GET", "POST"], defaults={"reward_id": None}, endpoint="reward_new")
@bp.route("/admin/rewards/<int:reward_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMINS)
def reward_edit(reward_id: int | None):
    reward = db.session.get(Reward, reward_id) if reward_id else None
    if reward_id and reward is None:
        abort(404)
    form = RewardForm(obj=reward)
    title = reward.name if reward else _("New reward")
    if request.method == "GET":
        return _master_page(form, title)
    return submit(form, lambda f: points.save_reward(reward, {n: f[n].data for n in points.REWARD_FIELDS},
                                                     current_user),
                  done=lambda r: saved(_("%(name)s saved.", name=r.name), url_for("backoffice.rewards")),
                  again=lambda status, error: refused(form, status, lambda code: _master_page(form, title, code)))


@bp.post("/admin/rewards/<int:reward_id>/active")
@roles_required(*ADMINS)
def reward_active(reward_id: int):
    reward = db.session.get(Reward, reward_id)
    if reward is None:
        abort(404)
    active = request.form.get("active") == "1"
    back = url_for("backoffice.rewards")
    return submit(ButtonForm(), lambda _f: points.set_reward_active(reward, active, current_user),
                  done=lambda _r: saved(_("Reactivated.") if active else _("Deactivated."), back),
                  again=lambda status, error: saved(_("The form has expired; reload the page."), back,
                                                    category="error"))


@bp.route("/admin/member-days/new", methods=["GET", "POST"], defaults={"day_id": None}, endpoint="member_day_new")
@bp.route("/admin/member-days/<int:day_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMINS)
def member_day_edit(day_id: int | None):
    day = db.session.get(MemberDay, day_id) if day_id else None
    if day_id and day is None:
        abort(404)
    form = MemberDayForm(obj=day)
    form.tiers.choices = to_choices(tiers.choices())  # the tiers an admin configured
    title = day.name if day else _("New member day")
    if request.method == "GET":
        return _master_page(form, title)
    return submit(form, lambda f: points.save_member_day(day, {n: f[n].data for n in points.MEMBER_DAY_FIELDS},
                                                         current_user),
                  done=lambda d: saved(_("%(name)s saved.", name=d.name), url_for("backoffice.rewards")),
                  again=lambda status, error: refused(form, status, lambda code: _master_page(form, title, code)))
