"""Request service from the portal: pick a unit or type model and serial, see the warranty, describe the problem
with knowledge-base answers offered while typing, and register through the same service as the desk."""
from datetime import date

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.customer.blueprint import bp
from portal.customer.request_forms import CONTACT_TIMES, RequestForm
from portal.domain.roles import CUSTOMERS
from portal.extensions import db
from portal.models import Asset, Contact, Customer, ProductModel
from portal.services import ServiceError, coverage, knowledge
from portal.services import intake as intake_service
from portal.services.events import add_event
from portal.services.localtime import local_today
from portal.web.access import roles_required
from portal.web.fields import to_choices
from portal.web.forms import refused, saved, submit
from portal.web.idempotency import idempotent
from portal.web.render import render


def own_customer() -> Customer:
    customer = db.session.get(Customer, current_user.customer_id) if current_user.customer_id else None
    if customer is None:
        abort(403)
    return customer


def own_contact(customer: Customer) -> Contact | None:
    """The contact this login is, if it belongs to the login's customer."""
    if not current_user.contact_id:
        return None
    contact = db.session.get(Contact, current_user.contact_id)
    return contact if contact is not None and contact.customer_id == customer.id else None


def own_asset(customer_id: int, asset_id) -> Asset | None:
    """The unit if it is one of the customer's; anyone else's is treated as not there."""
    asset = db.session.get(Asset, asset_id) if isinstance(asset_id, int) else None
    return asset if asset is not None and asset.customer_id == customer_id else None


def _form(customer: Customer) -> RequestForm:
    form = RequestForm()
    assets = intake_service.customer_assets(customer.id)
    form.asset_id.choices = to_choices([("", _("Another unit: I enter model and serial"))]
                                       + [(a.id, f"{a.product_model.code} · {a.serial}") for a in assets])
    models = db.session.scalars(db.select(ProductModel).where(ProductModel.active.is_(True))
                                .order_by(ProductModel.code)).all()
    form.product_model_id.choices = to_choices([("", _("Choose a model"))]
                                               + [(m.id, f"{m.code} {m.name}") for m in models])
    if not form.is_submitted():
        contact = own_contact(customer)
        form.contact_name.data = contact.name if contact else current_user.name
        form.contact_phone.data = (contact.phone if contact else None) or current_user.phone
        if len(assets) == 1:
            form.asset_id.data = assets[0].id
    return form


def _category(customer_id: int, asset_id, model_id) -> str | None:
    asset = own_asset(customer_id, asset_id)
    if asset is not None:
        return asset.product_model.category
    model = db.session.get(ProductModel, model_id) if isinstance(model_id, int) else None
    return model.category if model else None


def warranty_context(customer_id: int, asset_id, model_id, serial, purchase: date | None) -> dict:
    """What the customer may know about the unit: only their own units; any other serial reads as unknown."""
    today = local_today()
    asset = own_asset(customer_id, asset_id)
    serial = asset.serial if asset is not None else intake_service.normalize_serial(serial)
    facts = intake_service.serial_facts(serial, customer_id, today) if serial else None
    if facts is not None and facts.other_customer:
        facts = None  # someone else's unit: say exactly what we say for a serial never seen
    unit = facts.asset if facts is not None else None
    estimate = None
    model = db.session.get(ProductModel, model_id) if isinstance(model_id, int) else None
    if unit is None and model is not None and purchase is not None and purchase <= today:
        estimate = coverage.cover(model, purchase, None, today)
    return {"unit": unit, "warranty": facts.warranty if unit is not None else None, "estimate": estimate,
            "open_ticket": facts.open_ticket if facts is not None else None, "serial_given": bool(serial)}


def request_context(form: RequestForm, customer: Customer) -> dict:
    return {"form": form, "contact_times": CONTACT_TIMES,
            **warranty_context(customer.id, form.asset_id.data, form.product_model_id.data, form.serial.data,
                               form.purchase_date.data),
            "articles": knowledge.suggest(form.description.data,
                                          _category(customer.id, form.asset_id.data, form.product_model_id.data))}


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required(*CUSTOMERS)
@idempotent
def new_request():
    customer = own_customer()
    form = _form(customer)

    def page(status: int):
        return render("customer/request.html", "customer/_request_form.html", http_status=status,
                      **request_context(form, customer))

    if request.method == "GET":
        return page(200)
    return submit(form, lambda f: _register(f, customer),
                  again=lambda status, error: refused(form, status, page, error),
                  done=lambda ticket: saved(
                      _("Your service request is registered. Your number is %(number)s; please quote it whenever "
                        "you contact us.", number=ticket.number),
                      url_for("customer.ticket_detail", ticket_id=ticket.id)))


def _register(form: RequestForm, customer: Customer):
    """Register through the desk's intake service; a refusal lands on the form, nothing is kept."""
    asset = own_asset(customer.id, form.asset_id.data)
    if form.asset_id.data and asset is None:
        raise ServiceError(_("Choose one of your registered units."), field="asset_id")
    if asset is not None:
        model, serial, purchase = asset.product_model, asset.serial, asset.purchase_date
    else:
        model = db.session.get(ProductModel, form.product_model_id.data)
        serial, purchase = intake_service.normalize_serial(form.serial.data), form.purchase_date.data
        if model is None:
            raise ServiceError(_("Choose one of your units, or the product model."), field="product_model_id")
    # A serial registered to another customer is not refused (that would tell it exists): the request goes
    # in without it, and the desk is told to check the number with the caller.
    unverified = None
    if serial and asset is None:
        facts = intake_service.serial_facts(serial, customer.id, local_today())
        if facts is not None and facts.other_customer:
            unverified, serial = serial, ""
    ticket = intake_service.register(
        user=current_user, customer=customer, contact=own_contact(customer),
        photos=request.files.getlist(form.photos.name),
        form_data=dict(contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
                       product_model=model, serial=serial, purchase_date=purchase,
                       description=form.description.data, channel="portal", frequency=form.frequency.data,
                       impact=form.impact.data, tried=form.tried.data))
    ticket.service_mode = form.service_mode.data
    ticket.preferred_contact_time = form.preferred_contact_time.data or None
    if unverified:
        ticket.serial = unverified
        add_event(ticket, current_user, "serial_unverified", data={"serial": unverified})
    return ticket


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


@bp.get("/requests/warranty")
@roles_required(*CUSTOMERS)
def request_warranty():
    """The warranty of the unit picked or typed, swapped in as the customer chooses."""
    customer = own_customer()
    return render("customer/_request_warranty_body.html", **warranty_context(
        customer.id, request.args.get("asset_id", type=int), request.args.get("product_model_id", type=int),
        request.args.get("serial", "")[:100], _date_arg("purchase_date")))


@bp.post("/requests/suggestions")
@roles_required(*CUSTOMERS)
def request_suggestions():
    """Knowledge-base answers for the description typed so far (htmx, debounced in the page)."""
    customer = own_customer()
    category = _category(customer.id, request.form.get("asset_id", type=int),
                         request.form.get("product_model_id", type=int))
    return render("customer/_suggestions_body.html",
                  articles=knowledge.suggest(request.form.get("description", ""), category))
