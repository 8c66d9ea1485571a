"""The page behind a remote signing link. It shows only what the acceptance summary shows (no contact
data), works once, and only for its ticket; a used, replaced, expired or forged link gets a clear page.
The customer acts as the workflow's signer, not as anyone's account."""
from flask import request, url_for

from portal.services import ServiceError
from portal.services import acceptance as acceptance_service
from portal.sign.blueprint import bp
from portal.web.access import public
from portal.web.forms import refused, submit
from portal.web.render import render
from portal.web.signing import RemoteAcceptanceForm, signing_context, signing_from


def _closed(error: ServiceError):
    return render("sign/closed.html", message=error.message, http_status=error.status, customer_facing=True)


@bp.route("/<token>", methods=["GET", "POST"])
@public
def remote(token: str):
    try:
        link, ticket = acceptance_service.open_remote_link(token)
    except ServiceError as error:
        return _closed(error)
    form = RemoteAcceptanceForm()

    def page(status: int):
        try:
            _link, current = acceptance_service.open_remote_link(token)
        except ServiceError as error:  # the link was spent or the ticket moved on meanwhile
            return _closed(error)
        return render("sign/remote.html", "engineer/_acceptance_form.html", http_status=status, remote=True,
                      action_url=url_for("sign.remote", token=token), customer_facing=True,
                      **signing_context(current, form))

    def answer(f):
        if f.outcome.data == "accept":
            return acceptance_service.accept_work(ticket, None, signing_from(f), link=link)
        return acceptance_service.reject_work(ticket, None, signing_from(f), f.reason.data, link=link)

    def done(accepted):
        return render("sign/done.html", accepted=accepted is not None, number=ticket.number,
                      code=accepted.verification_code if accepted is not None else None, customer_facing=True)

    if request.method == "GET":
        return page(200)
    return submit(form, answer, done=done, again=lambda status, error: refused(form, status, page, error))
