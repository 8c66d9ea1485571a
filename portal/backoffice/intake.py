"""Desk intake: the one form for every channel, with its serial lookup, completeness panel and duplicate check."""
from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.backoffice.blueprint import bp
from portal.backoffice.forms import IntakeForm
from portal.domain import intake as rules
from portal.domain.roles import DESK
from portal.extensions import db
from portal.models import Contact, Customer, ProductModel
from portal.services import ServiceError, knowledge
from portal.services import customers as customers_service
from portal.services import intake as intake_service
from portal.services.localtime import local_today
from portal.web.access import load_ticket, roles_required
from portal.web.fields import to_choices
from portal.web.forms import refused, saved, submit
from portal.web.idempotency import idempotent
from portal.web.render import render

MAX_ATTACHMENTS = 50

# What to ask the customer for each missing item of the register (seed 004), phrased as the agent asks it.
QUESTIONS = {
    "symptom": _l("What exactly happens? (the symptom in the customer's words)"),
    "product_model": _l("Which product is it? (model on the type plate)"),
    "serial": _l("What is the serial number? (on the label at the back or bottom)"),
    "purchase_date": _l("When did you buy it? (purchase date on the invoice)"),
    "frequency": _l("How often does it happen? (once, sometimes, every time)"),
    "impact": _l("What can you not do because of it? (impact on work or production)"),
    "tried": _l("What have you already tried? (restart, another cable, ...)"),
    "attachment": _l("Can you send a photo or a short video of the fault?"),
}


def _customer_choices(customer_id):
    """Only the customer picked from the search (the list of every customer would not scale)."""
    choices = [("", _("Search above, then pick the customer"))]
    customer = db.session.get(Customer, customer_id) if customer_id else None
    if customer is not None:
        choices.append((customer.id, customer.name))
    return to_choices(choices)


def _contact_choices(customer_id):
    choices = [("", _("Not on file / someone else"))]
    if customer_id:
        rows = db.session.scalars(db.select(Contact).where(Contact.customer_id == customer_id,
                                                           Contact.active.is_(True))).all()
        choices += [(c.id, c.name) for c in rows]
    return to_choices(choices)


def _asset_choices(assets):
    return to_choices([("", _("New or unregistered unit"))] + [(a.id, a.serial) for a in assets])


def _intake_form(**kwargs) -> IntakeForm:
    form = IntakeForm(**kwargs)
    _customer_lists(form)
    models = db.session.scalars(db.select(ProductModel).where(ProductModel.active.is_(True))
                                .order_by(ProductModel.code)).all()
    form.product_model_id.choices = to_choices(
        [("", _("Choose a model"))] + [(m.id, f"{m.code} {m.name}") for m in models])
    return form


def _customer_lists(form: IntakeForm) -> None:
    """The lists that depend on the customer picked: the customer itself, its contacts and its units."""
    form.customer_id.choices = _customer_choices(form.customer_id.data)
    form.contact_id.choices = _contact_choices(form.customer_id.data)
    form.asset_id.choices = _asset_choices(intake_service.customer_assets(form.customer_id.data))
    form.site_id.choices = _site_choices(form.customer_id.data)


def _site_choices(customer_id):
    sites = customers_service.sites(customer_id)
    if not sites:
        return to_choices([("", _("No sites on file: type the address"))])
    return to_choices([(s.id, f"{s.label} · {s.address}") for s in sites])


def _attachment_count(form: IntakeForm) -> int:
    uploads = [f for f in request.files.getlist(form.photos.name) if f and f.filename]
    if uploads:
        return len(uploads)
    try:
        return max(0, min(int(form.attachment_count.data or 0), MAX_ATTACHMENTS))
    except (TypeError, ValueError):
        return 0


def _form_values(form: IntakeForm) -> dict:
    return {"description": form.description.data, "product_model": form.product_model_id.data,
            "serial": form.serial.data, "purchase_date": form.purchase_date.data, "frequency": form.frequency.data,
            "impact": form.impact.data, "tried": form.tried.data}


def completeness_context(form: IntakeForm) -> dict:
    score = rules.completeness(intake_service.completeness_values(_form_values(form), _attachment_count(form)))
    return {"score": score, "questions": QUESTIONS, "threshold": rules.THRESHOLD}


def serial_context(serial, customer_id) -> dict:
    today = local_today()
    return {"facts": intake_service.serial_facts(serial, customer_id, today), "today": today}


def intake_context(form: IntakeForm, **extra) -> dict:
    """Everything the intake page and its fragments draw, from the form as typed so far."""
    model = db.session.get(ProductModel, form.product_model_id.data) if form.product_model_id.data else None
    return {"form": form, "assets": intake_service.customer_assets(form.customer_id.data),
            "articles": knowledge.suggest(form.description.data, model.category if model else None),
            "open_tickets": customers_service.open_tickets(form.customer_id.data),
            **serial_context(form.serial.data, form.customer_id.data), **completeness_context(form), **extra}


def _page(form: IntakeForm, status: int, **extra):
    return render("backoffice/intake.html", "backoffice/_intake_form.html", http_status=status,
                  **intake_context(form, **extra))


def _register(form: IntakeForm):
    if form.customer_id.data:
        customer = db.session.get(Customer, form.customer_id.data)
        contact = db.session.get(Contact, form.contact_id.data) if form.contact_id.data else None
        if contact is not None and contact.customer_id != customer.id:
            raise ServiceError(_("This contact belongs to another customer."), field="contact_id")
    else:
        customer, contact = _new_customer(form)
    return intake_service.register(
        user=current_user, customer=customer, contact=contact, photos=request.files.getlist(form.photos.name),
        form_data=dict(contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
                       product_model=db.session.get(ProductModel, form.product_model_id.data),
                       serial=form.serial.data, purchase_date=form.purchase_date.data,
                       description=form.description.data, channel=form.channel.data, frequency=form.frequency.data,
                       impact=form.impact.data, tried=form.tried.data, accessories=form.accessories.data,
                       condition=form.condition.data,
                       service_address=customers_service.service_address(
                           customer, form.site_id.data, form.service_address.data)))


def _new_customer(form: IntakeForm):
    """The customer the search did not find, made with the request: first the likely duplicates are offered
    (same phone, same name), unless the agent ticked that it is a new customer all the same."""
    duplicates = customers_service.likely_duplicates(form.new_customer_name.data, form.contact_phone.data)
    if duplicates and not form.not_duplicate.data:
        form.duplicates = duplicates
        raise ServiceError(_("A customer with this phone number or name is already on file: pick it below, or "
                             "tick that this is a new customer."), field="new_customer_name")
    return customers_service.create(
        kind=form.new_customer_kind.data, name=form.new_customer_name.data, contact_name=form.contact_name.data,
        phone=form.contact_phone.data, email=form.new_customer_email.data,
        address=form.new_customer_address.data, site_label=_("Main site"))


@bp.route("/tickets/new", methods=["GET", "POST"])
@roles_required(*DESK)
@idempotent
def intake():
    form = _intake_form()
    if request.method == "GET":
        return _page(form, 200)
    _fill_from_contact(form)
    return submit(form, _register, again=lambda status, error: refused(form, status, lambda code: _page(form, code)),
                  done=lambda ticket: saved(
                      _("Service request %(number)s registered. Tell the customer this number.", number=ticket.number),
                      url_for("backoffice.ticket_detail", ticket_id=ticket.id)))


@bp.get("/intake")
@roles_required(*DESK)
def caller_intake():
    """Caller ID (来电弹屏): the telephone system opens this with the caller's number. One customer with that
    number: intake opens with them and the contact picked and their open tickets listed; several: the hits to
    pick from; none: the number is in the phone field, ready for a new customer."""
    caller = request.args.get("caller", "")[:40].strip()
    form = _intake_form(formdata=None, channel="phone")
    hits = customers_service.find(caller) if caller else []
    if len(hits) == 1:
        form.customer_id.data = hits[0].customer.id
        if hits[0].contact is not None:
            form.contact_id.data = hits[0].contact.id
            form.contact_name.data = hits[0].contact.name
    form.contact_phone.data = (hits[0].contact.phone if len(hits) == 1 and hits[0].contact else None) or caller
    _customer_lists(form)
    return _page(form, 200, caller=caller, customer_q=caller, hits=hits if len(hits) > 1 else [],
                 searched=bool(caller) and not hits, unknown_caller=bool(caller) and not hits)


def _fill_from_contact(form: IntakeForm) -> None:
    """A contact picked from the customer's list brings their name and phone unless the agent typed others."""
    if not form.is_submitted() or not form.contact_id.data:
        return
    contact = db.session.get(Contact, form.contact_id.data)
    if contact is None or contact.customer_id != form.customer_id.data:
        return
    if not form.contact_name.data:
        form.contact_name.data = contact.name
    if not form.contact_phone.data and contact.phone:
        form.contact_phone.data = contact.phone


@bp.get("/intake/contacts")
@roles_required(*DESK)
def intake_contacts():
    """The contacts and registered units of one customer, swapped in when the agent picks the customer (from
    the search hits, with the contact and unit the search matched chosen)."""
    customer_id = request.args.get("customer_id", type=int)
    form = IntakeForm(formdata=None)
    form.customer_id.data = customer_id
    form.customer_id.choices = _customer_choices(customer_id)
    form.contact_id.choices = _contact_choices(customer_id)
    assets = intake_service.customer_assets(customer_id)
    form.asset_id.choices = _asset_choices(assets)
    form.site_id.choices = _site_choices(customer_id)
    contact = db.session.get(Contact, request.args.get("contact_id", type=int) or 0)
    if contact is not None and contact.customer_id == customer_id:
        form.contact_id.data = contact.id
    else:
        contact = None
    asset_id = request.args.get("asset_id", type=int)
    form.asset_id.data = asset_id if any(a.id == asset_id for a in assets) else None
    return render("backoffice/_customer_pick.html", form=form, assets=assets, picked_contact=contact,
                  picked=True, open_tickets=customers_service.open_tickets(customer_id))


@bp.get("/intake/customers")
@roles_required(*DESK)
def intake_customers():
    """Customers found by name, phone (4+ digits), e-mail, serial or ticket number, as the agent types."""
    query = request.args.get("customer_q", "")[:100]
    return render("backoffice/_customer_hits.html", query=query, hits=customers_service.find(query),
                  searched=bool(customers_service.usable_query(query)))


@bp.get("/intake/serial")
@roles_required(*DESK)
def intake_serial():
    """What the typed serial number tells: owner, warranty, repair history, an open ticket for the unit."""
    return render("backoffice/_serial_facts_body.html", **serial_context(
        request.args.get("serial", "")[:100], request.args.get("customer_id", type=int)))


@bp.post("/intake/completeness")
@roles_required(*DESK)
def intake_completeness():
    """The completeness score and the questions still to ask, from the form as typed so far."""
    form = _intake_form()
    return render("backoffice/_completeness_body.html", **completeness_context(form))


@bp.post("/intake/suggestions")
@roles_required(*DESK)
def intake_suggestions():
    """Suggested answers: published knowledge articles for the problem typed so far and the model's category."""
    model = db.session.get(ProductModel, request.form.get("product_model_id", type=int) or 0)
    return render("backoffice/_answer_suggestions_body.html", articles=knowledge.suggest(
        request.form.get("description", "")[:knowledge.MAX_TEXT], model.category if model else None))


@bp.post("/tickets/<int:ticket_id>/intake-report")
@roles_required(*DESK)
@idempotent
def add_to_ticket(ticket_id: int):
    """The customer calls again about a unit with an open ticket: add what they say there, no new ticket."""
    ticket = load_ticket(ticket_id)
    form = _intake_form()
    return submit(form, lambda f: intake_service.add_report(
        ticket, current_user, description=f.description.data,
        channel=f.channel.data if f.channel.data in rules.NOTICE_CHANNEL else None,
        photos=request.files.getlist(f.photos.name)),
        validate=lambda f: f.is_submitted() and f.description.validate(f),
        again=lambda status, error: refused(form, status, lambda code: _page(form, code)),
        done=lambda _r: saved(_("Added to service request %(number)s; no new request was registered.",
                                number=ticket.number), url_for("backoffice.ticket_detail", ticket_id=ticket.id)))
