"""Desk: a customer's contacts and their invitations to the customer portal."""
from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles_required
from portal.backoffice import STAFF, bp
from portal.extensions import db
from portal.models import Contact, Customer, User
from portal.models.user import Role
from portal.services import ServiceError, accounts
from portal.web import render


class InviteForm(FlaskForm):
    """Only the CSRF token."""


def _customer(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        abort(404)
    return customer


def customer_context(customer: Customer) -> dict:
    logins = {u.email: u for u in db.session.scalars(db.select(User).where(
        User.customer_id == customer.id, User.role == Role.CUSTOMER))}
    return {"customer": customer, "contacts": customer.contacts, "logins": logins, "form": InviteForm()}


@bp.get("/customers/<int:customer_id>")
@roles_required(*STAFF)
def customer_detail(customer_id: int):
    return render("backoffice/customer.html", **customer_context(_customer(customer_id)))


@bp.post("/customers/<int:customer_id>/contacts/<int:contact_id>/invite")
@roles_required(*STAFF)
def invite_contact(customer_id: int, contact_id: int):
    customer = _customer(customer_id)
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.customer_id != customer.id:
        abort(404)
    try:
        accounts.invite_contact(contact, current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return render("backoffice/customer.html", http_status=error.status, **customer_context(customer))
    db.session.commit()
    if current_app.config.get("MAIL_SERVER"):
        flash(_("Invitation sent to %(name)s.", name=contact.name), "success")
    else:
        flash(_("Invitation created for %(name)s, but no mail server is configured: the e-mail was not sent.",
                name=contact.name), "error")
    return redirect(url_for("backoffice.customer_detail", customer_id=customer.id))

