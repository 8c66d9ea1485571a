"""The page behind a remote signing link. It shows only what the acceptance summary shows (no contact
data), works once, and only for its ticket; a used, replaced, expired or forged link gets a clear page."""
from flask import request, url_for

from portal import labels
from portal.access import public
from portal.engineer.forms import RemoteAcceptanceForm
from portal.extensions import db
from portal.services import ServiceError
from portal.services import acceptance as acceptance_service
from portal.sign import bp
from portal.web import render


def _signing(form: RemoteAcceptanceForm) -> acceptance_service.Signing:
    return acceptance_service.Signing(
        signer_name=form.signer_name.data, shown_summary_sha256=form.summary_sha256.data,
        signature_png=form.signature_png,
        client_signed_at=acceptance_service.parse_client_time(form.client_time.data),
        client_sent_at=acceptance_service.parse_client_time(form.client_sent_at.data),
        customer_verification=form.customer_verification.data or None,
        rating=int(form.rating.data) if form.rating.data else None, comment=form.comment.data or None,
        user_agent=request.user_agent.string, ip_address=request.remote_addr)


def _page(ticket, form, token, http_status=200):
    form.summary_sha256.data = acceptance_service.summary_hash(ticket)
    return render("sign/remote.html", "engineer/_acceptance_form.html", http_status=http_status, ticket=ticket,
                  form=form, summary=acceptance_service.work_summary(ticket), labels=labels, remote=True,
                  action_url=url_for("sign.remote", token=token), customer_facing=True)


@bp.route("/<token>", methods=["GET", "POST"])
@public
def remote(token: str):
    try:
        link, ticket = acceptance_service.open_remote_link(token)
    except ServiceError as error:
        return render("sign/closed.html", message=error.message, http_status=error.status, customer_facing=True)
    form = RemoteAcceptanceForm()
    if request.method == "GET":
        return _page(ticket, form, token)
    if not form.validate_on_submit():
        return _page(ticket, form, token, http_status=422)
    accepted = form.outcome.data == "accept"
    engineer = ticket.assignee
    try:
        if accepted:
            acceptance = acceptance_service.accept_work(ticket, engineer, _signing(form), link=link)
        else:
            acceptance = None
            acceptance_service.reject_work(ticket, engineer, _signing(form), form.reason.data, link=link)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        link, ticket = acceptance_service.open_remote_link(token)
        return _page(ticket, form, token, http_status=error.status)
    code = acceptance.verification_code if acceptance else None
    return render("sign/done.html", accepted=accepted, number=ticket.number, code=code, customer_facing=True)
