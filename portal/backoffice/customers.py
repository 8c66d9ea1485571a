"""Desk: a customer's contacts and their invitations to the customer portal."""
from flask import abort, current_app, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.backoffice.blueprint import bp
from portal.backoffice.tier_forms import CheckInForm
from portal.domain import message_prefs
from portal.domain.roles import DESK, STAFF, SUPERVISORS, Role
from portal.extensions import db
from portal.models import Contact, Customer, CustomerAddress, User
from portal.services import accounts, checkins, customer_records, preferences
from portal.web.access import roles_required
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.preference_form import PreferencesForm, form_for
from portal.web.render import render


def load_customer(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id, options=[joinedload(Customer.account_manager)])
    if customer is None:
        abort(404)
    return customer


def customer_context(customer: Customer, form: ButtonForm | None = None) -> dict:
    logins = {u.email: u for u in db.session.scalars(db.select(User).where(
        User.customer_id == customer.id, User.role == Role.CUSTOMER))}
    sites = db.session.scalars(db.select(CustomerAddress).where(CustomerAddress.customer_id == customer.id)
                               .order_by(CustomerAddress.is_default.desc(), CustomerAddress.id)).all()
    return {"customer": customer, "contacts": customer.contacts, "logins": logins, "form": form or ButtonForm(),
            "sites": sites, "units": customer_records.units(customer.id), "can_edit": current_user.role in DESK,
            "can_deactivate": current_user.role in SUPERVISORS, "check_ins": checkins.history(customer.id),
            "check_in_form": CheckInForm(formdata=None),
            "can_check_in": current_user.id == customer.account_manager_id or current_user.role in SUPERVISORS}


@bp.get("/customers/<int:customer_id>")
@roles_required(*STAFF)
def customer_detail(customer_id: int):
    return render("backoffice/customer.html", **customer_context(load_customer(customer_id)))


@bp.post("/customers/<int:customer_id>/contacts/<int:contact_id>/invite")
@roles_required(*STAFF)
def invite_contact(customer_id: int, contact_id: int):
    customer = load_customer(customer_id)
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    form = ButtonForm()

    def done(_user):
        if current_app.config.get("MAIL_SERVER"):
            return saved(_("Invitation sent to %(name)s.", name=contact.name),
                         url_for("backoffice.customer_detail", customer_id=customer.id))
        return saved(_("Invitation created for %(name)s, but no mail server is configured: the e-mail was not "
                       "sent.", name=contact.name), url_for("backoffice.customer_detail", customer_id=customer.id),
                     category="error")

    return submit(form, lambda f: accounts.invite_contact(contact, current_user), done=done,
                  again=lambda status, error: refused(form, status, lambda code: render(
                      "backoffice/customer.html", http_status=code, **customer_context(customer, form)), error))


# ---- A contact's message preferences (contacts without an account; the desk sets what they asked for) ------

def _contact_of(customer: Customer, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    return contact


def _preferences_page(customer: Customer, contact: Contact, form: PreferencesForm, status: int = 200):
    return render("backoffice/contact_preferences.html", customer=customer, contact=contact, form=form,
                  kinds=message_prefs.KINDS, http_status=status)


@bp.get("/customers/<int:customer_id>/contacts/<int:contact_id>/messages")
@roles_required(*DESK)
def contact_preferences(customer_id: int, contact_id: int):
    customer = load_customer(customer_id)
    contact = _contact_of(customer, contact_id)
    return _preferences_page(customer, contact, form_for(preferences.of_contact(contact)))


@bp.post("/customers/<int:customer_id>/contacts/<int:contact_id>/messages")
@roles_required(*DESK)
def save_contact_preferences(customer_id: int, contact_id: int):
    customer = load_customer(customer_id)
    contact = _contact_of(customer, contact_id)
    form = PreferencesForm()
    return submit(form, lambda f: preferences.save_for_contact(
        contact, current_user, channels={kind: getattr(f.channels, kind).data for kind in message_prefs.KINDS},
        opted_out=f.opted_out.data, quiet=f.quiet_value()),
        done=lambda _r: saved(_("Message preferences of %(name)s saved.", name=contact.name),
                              url_for("backoffice.customer_detail", customer_id=customer.id)),
        again=lambda status, error: refused(form, status, lambda code: _preferences_page(customer, contact, form,
                                                                                       code), error))
