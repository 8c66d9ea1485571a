"""The bill of a job on the engineer's phone: what it costs and who pays each line, the labour correction and
the payment, both through the outbox like every on-site form."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.domain.roles import ENGINEERS
from portal.engineer.bill_forms import LabourForm, PaymentForm, PointsForm, RedeemForm
from portal.engineer.blueprint import bp
from portal.engineer.steps import _load
from portal.extensions import db
from portal.models import Reward, Ticket
from portal.services import ServiceError, billing, payments, points
from portal.services.localtime import local_today
from portal.web.access import load_ticket, roles_required
from portal.web.conflicts import keep_conflict
from portal.web.forms import refused, saved, submit
from portal.web.idempotency import idempotent
from portal.web.render import render


def bill_context(ticket: Ticket, labour_form=None, payment_form=None, points_form=None, redeem_form=None) -> dict:
    computed = billing.compute(ticket)
    bill = billing.bill_of(ticket)
    frozen = bill is not None and bill.is_frozen
    if labour_form is None:
        labour_form = LabourForm(formdata=None, labour_minutes=bill.labour_minutes if bill and bill.labour_minutes
                                 is not None else computed.labour_proposed,
                                 labour_reason=bill.labour_reason if bill else None,
                                 callout_km=bill.callout_km if bill else None)
    due = bill.due_fen if frozen else computed.totals.due
    outstanding = max(0, due - (bill.paid_fen if bill else 0))
    if payment_form is None:
        payment_form = PaymentForm(formdata=None, amount=outstanding or None)
    choice = billing.points_choice(ticket, computed)
    rewards = _rewards() if choice else []
    if points_form is None:
        points_form = PointsForm(formdata=None, points=choice["held"] if choice else 0)
    if redeem_form is None:
        redeem_form = RedeemForm(formdata=None)
    redeem_form.reward_id.choices = [(r.id, f"{r.name} · {r.points}") for r in rewards]
    return {"ticket": ticket, "bill": billing.summary(computed) if not frozen else _frozen(bill),
            "record": bill, "frozen": frozen, "proposed": computed.labour_proposed, "outstanding": outstanding,
            "approval": billing.approval_needed(ticket, computed) if not frozen else None,
            "labour_form": labour_form, "payment_form": payment_form, "points_choice": choice,
            "points_form": points_form, "redeem_form": redeem_form, "rewards": rewards}


def _rewards() -> list[Reward]:
    return db.session.scalars(db.select(Reward).where(Reward.active.is_(True)).order_by(Reward.points,
                                                                                       Reward.id)).all()


def _frozen(bill) -> dict:
    return payments.bill_lines_summary(bill)


def _page(ticket, status=200, **forms):
    return render("engineer/bill.html", http_status=status, **bill_context(ticket, **forms))


@bp.get("/jobs/<int:ticket_id>/bill")
@roles_required(*ENGINEERS)
def job_bill(ticket_id: int):
    return _page(load_ticket(ticket_id))


def _post(ticket_id: int, form, form_key: str, use_case, message: str):
    ticket, conflict = _load(ticket_id)
    if conflict:
        return keep_conflict(ticket, current_user, conflict)
    back = url_for("engineer.job_bill", ticket_id=ticket.id)
    return submit(form, lambda f: use_case(ticket, f),
                  done=lambda _r: saved(message, back, json={"status": ticket.status, "version": ticket.version}),
                  again=lambda status, error: refused(form, status, lambda code: _page(ticket, code,
                                                                                       **{form_key: form}), error))


@bp.post("/jobs/<int:ticket_id>/bill/labour")
@roles_required(*ENGINEERS)
@idempotent
def job_bill_labour(ticket_id: int):
    return _post(ticket_id, LabourForm(), "labour_form", lambda t, f: billing.correct_labour(
        t, current_user, minutes=f.labour_minutes.data, reason=f.labour_reason.data, callout_km=f.callout_km.data),
        _("The bill is updated."))


@bp.post("/jobs/<int:ticket_id>/payment")
@roles_required(*ENGINEERS)
@idempotent
def job_payment(ticket_id: int):
    return _post(ticket_id, PaymentForm(), "payment_form", lambda t, f: payments.record_payment(
        t, current_user, method=f.method.data, amount_fen=f.amount.data, reference=f.reference.data),
        _("Payment recorded."))


def _settled(use_case):
    """A refusal of points is final for the phone's outbox (422, shown with its reason, not retried): the balance
    or the signed bill will not change by sending the same form again."""
    def run(ticket, form):
        try:
            return use_case(ticket, form)
        except ServiceError as error:
            error.status = 422 if error.status == 409 else error.status
            raise
    return run


@bp.post("/jobs/<int:ticket_id>/bill/points")
@roles_required(*ENGINEERS)
@idempotent
def job_bill_points(ticket_id: int):
    """Points on the bill, recorded on site (offline too): the balance is checked when the form arrives, and a
    refusal says why on the phone's outbox."""
    return _post(ticket_id, PointsForm(), "points_form", _settled(lambda t, f: billing.spend_points(
        t, current_user, f.points.data)), _("The points are held for the bill."))


def _redeem(ticket: Ticket, form: RedeemForm):
    reward = db.session.get(Reward, form.reward_id.data or 0)
    if reward is None:
        raise ServiceError(_("This reward is no longer offered."), status=409, field="reward_id")
    if ticket.customer_id is None:
        raise ServiceError(_("The ticket has no customer."), status=409)
    return points.redeem(ticket.customer_id, reward, today=local_today(), actor=current_user)


@bp.post("/jobs/<int:ticket_id>/redeem")
@roles_required(*ENGINEERS)
@idempotent
def job_redeem(ticket_id: int):
    """A reward the customer exchanges points for, recorded on site; the back office hands it over."""
    return _post(ticket_id, RedeemForm(), "redeem_form", _settled(_redeem), _("The reward is requested."))
