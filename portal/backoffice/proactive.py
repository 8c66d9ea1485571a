"""Desk: campaigns and safety recalls (supervisors) with a preview of what they select and a progress page,
maintenance plans per unit and their meter readings, and a contact's marketing consent."""
from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.customers import load_customer
from portal.backoffice.proactive_forms import CampaignForm, PlanForm, ReadingForm
from portal.domain import proactive as rules
from portal.domain.roles import DESK, STAFF, SUPERVISORS
from portal.extensions import db
from portal.models import Asset, Campaign, Contact, DefectFlag, MaintenancePlan
from portal.services import proactive
from portal.services.localtime import local_today
from portal.web.access import roles_required
from portal.web.fields import optional_int
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.render import render


def criteria_of(form: CampaignForm) -> rules.Criteria:
    return rules.Criteria(models=rules.words(form.models.data), batches=rules.words(form.batches.data),
                          serial_from=(form.serial_from.data or "").upper() or None,
                          serial_to=(form.serial_to.data or "").upper() or None,
                          serials=rules.words(form.serials.data), bought_from=form.bought_from.data,
                          bought_to=form.bought_to.data)


@bp.get("/campaigns")
@roles_required(*STAFF)
def campaign_list():
    campaigns = db.session.scalars(db.select(Campaign).order_by(Campaign.id.desc()).limit(200)).all()
    return render("backoffice/campaigns.html", campaigns=campaigns, can_create=current_user.role in SUPERVISORS)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def campaign_new():
    form = CampaignForm()

    def page(status: int, shown=None):
        return render("backoffice/campaign_form.html", http_status=status, form=form, preview=shown)

    if request.method == "GET":
        flag_id = optional_int(request.args.get("flag"))
        if flag_id is None:
            return page(200)
        return _from_flag(form, flag_id, page)
    if request.form.get("step") == "preview":
        if not form.validate_on_submit():
            return page(422)
        return page(200, proactive.preview(criteria_of(form)))
    return submit(form, lambda f: proactive.create_campaign(
        name=f.name.data, kind=f.kind.data, description=f.description.data, priority=f.priority.data,
        criteria=criteria_of(f), by=current_user),
        done=lambda c: saved(_("Campaign %(name)s started: its tickets and messages are being created.",
                               name=c.name), url_for("backoffice.campaign_detail", campaign_id=c.id)),
        again=lambda status, error: refused(form, status, lambda code: page(code), error))


def _from_flag(form: CampaignForm, flag_id: int, page):
    """From a batch-defect alarm's drill-down: the flagged model's (and lot's) units selected and previewed, the
    rest for the supervisor to write; nothing is created before they confirm."""
    flag = db.session.get(DefectFlag, flag_id)
    if flag is None:
        abort(404)
    code = flag.product_model.code
    form.models.data, form.batches.data = code, flag.lot or ""
    form.name.data = " ".join(part for part in (code, flag.lot, _("check")) if part)
    form.description.data = _("Possible batch defect found on %(day)s: %(count)s faults in 30 days, about "
                              "%(expected)s expected. We check your unit free of charge.", day=flag.day.isoformat(),
                              count=flag.recent, expected=f"{flag.expected:.1f}")
    return page(200, proactive.preview(criteria_of(form)))


@bp.get("/campaigns/<int:campaign_id>")
@roles_required(*STAFF)
def campaign_detail(campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return render("backoffice/campaign.html", campaign=campaign, counts=proactive.progress(campaign),
                  rows=proactive.campaign_rows(campaign), criteria=rules.Criteria.from_json(campaign.criteria))


# ---- Maintenance plans ---------------------------------------------------------------------------------------

@bp.get("/maintenance")
@roles_required(*STAFF)
def maintenance_list():
    return render("backoffice/maintenance.html", plans=proactive.plans(), reading_form=ReadingForm(formdata=None),
                  today=local_today(), can_edit=current_user.role in DESK,
                  can_import=current_user.role in SUPERVISORS)


def _unit(customer_id: int, unit_id: int) -> Asset:
    customer = load_customer(customer_id)
    unit = db.session.get(Asset, unit_id)
    if unit is None or unit.customer_id != customer.id:
        abort(404)
    return unit


@bp.route("/customers/<int:customer_id>/units/<int:unit_id>/plan", methods=["GET", "POST"])
@roles_required(*DESK)
def plan_new(customer_id: int, unit_id: int):
    unit = _unit(customer_id, unit_id)
    form = PlanForm()

    def page(status: int):
        return render("backoffice/master_form.html", http_status=status, form=form,
                      title=_("Maintenance plan for %(serial)s", serial=unit.serial),
                      back=url_for("backoffice.customer_detail", customer_id=customer_id))

    if request.method == "GET":
        return page(200)
    return submit(form, lambda f: proactive.create_plan(
        unit, every_months=f.every_months.data, every_hours=f.every_hours.data, lead_days=f.lead_days.data,
        first_due=f.first_due.data, by=current_user),
        done=lambda p: saved(_("Maintenance plan saved: next visit due %(day)s.", day=p.next_due),
                             url_for("backoffice.maintenance_list")),
        again=lambda status, error: refused(form, status, page, error))


@bp.post("/maintenance/<int:plan_id>/reading")
@roles_required(*DESK)
def meter_reading(plan_id: int):
    plan = db.session.get(MaintenancePlan, plan_id)
    if plan is None:
        abort(404)
    form = ReadingForm()
    return submit(form, lambda f: proactive.record_reading(plan.asset, f.hours.data, f.read_on.data, current_user),
                  done=lambda _r: saved(_("Meter reading saved."), url_for("backoffice.maintenance_list")),
                  again=lambda status, error: refused(form, status, lambda code: render(
                      "backoffice/maintenance.html", http_status=code, plans=proactive.plans(), reading_form=form,
                      failed_id=plan.id, today=local_today(), can_edit=True), error))


@bp.post("/maintenance/run")
@roles_required(*SUPERVISORS)
def maintenance_run():
    """Generate the visits due within their lead time now, instead of waiting for the morning run."""
    return submit(ButtonForm(), lambda f: proactive.generate_visits(),
                  done=lambda n: saved(_("%(n)s maintenance visit(s) generated.", n=n),
                                       url_for("backoffice.maintenance_list")),
                  again=lambda status, error: saved(_("The form has expired; reload the page."),
                                                    url_for("backoffice.maintenance_list"), category="error"))


# ---- Consent -------------------------------------------------------------------------------------------------

@bp.post("/customers/<int:customer_id>/contacts/<int:contact_id>/consent")
@roles_required(*DESK)
def contact_consent(customer_id: int, contact_id: int):
    customer = load_customer(customer_id)
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    given = request.form.get("given") == "1"
    back = url_for("backoffice.customer_detail", customer_id=customer.id)
    return submit(ButtonForm(), lambda f: proactive.set_consent(contact, given, source="desk", by=current_user),
                  done=lambda _r: saved(_("%(name)s agreed to marketing messages.", name=contact.name) if given
                                        else _("%(name)s withdrew consent to marketing messages.", name=contact.name),
                                        back),
                  again=lambda status, error: saved(_("The form has expired; reload the page."), back,
                                                    category="error"))
