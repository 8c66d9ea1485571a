"""The customer's loyalty points: the balance, what expires when, the history, and rewards to spend them on."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.customer.blueprint import bp
from portal.domain.roles import CUSTOMERS
from portal.extensions import db
from portal.models import Reward
from portal.services import points
from portal.services.localtime import local_today
from portal.web.access import roles_required
from portal.web.fields import optional_int
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render


def points_context(form: ButtonForm | None = None, refused_reward: int | None = None) -> dict:
    customer_id = current_user.customer_id
    return {"summary": points.summary(customer_id, local_today()), "history": points.history(customer_id),
            "rewards": db.session.scalars(db.select(Reward).where(Reward.active.is_(True))
                                          .order_by(Reward.points, Reward.id)).all(),
            "reasons": points.REASONS, "form": form or ButtonForm(), "refused_reward": refused_reward}


def _own_customer() -> None:
    if current_user.customer_id is None:
        abort(403)


@bp.get("/points")
@roles_required(*CUSTOMERS)
def my_points():
    _own_customer()
    return render("customer/points.html", **points_context())


@bp.post("/points/redeem")
@roles_required(*CUSTOMERS)
def redeem():
    """The reward is named in the form: rewards are the company's catalogue, the same for every customer."""
    _own_customer()
    reward = db.session.get(Reward, optional_int(request.form.get("reward_id")) or 0)
    if reward is None:
        abort(404)
    form = ButtonForm()
    return submit(form, lambda _f: points.redeem(current_user.customer_id, reward, today=local_today(),
                                                 actor=current_user),
                  done=lambda _r: saved(_("%(reward)s requested: we will contact you to hand it over.",
                                          reward=reward.name), url_for("customer.my_points")),
                  again=lambda status, error: refused(form, status, lambda code: render(
                      "customer/points.html", http_status=code, **points_context(form, reward.id)), error))
