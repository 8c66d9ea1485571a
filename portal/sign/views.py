"""The customer's own phone, from the link e-mailed to the contact. The token is exchanged for a mark in the
signer's session at once, so that it leaves the address bar and the access log; the page shows only what the
acceptance summary shows (no contact data), works once, only for its ticket, and asks for a one-time code sent
to the contact before the answer counts. The customer acts as the workflow's signer, not as anyone's account."""
from flask import redirect, request, session, url_for
from flask_babel import gettext as _

from portal.services import ServiceError, remote_signing
from portal.services import acceptance as acceptance_service
from portal.sign.blueprint import bp
from portal.web.access import public
from portal.web.forms import ButtonForm, refused, saved, submit
from portal.web.ratelimit import limiter
from portal.web.render import render
from portal.web.signing import RemoteAcceptanceForm, signing_context, signing_from

SESSION_KEY = "signing_link"
# A six-digit code: enough tries for typing mistakes, far too few to guess one.
TRIES = "10 per 15 minutes"


def _link_key() -> str:
    return f"sign:{session.get(SESSION_KEY)}"


def _closed(error: ServiceError):
    return render("sign/closed.html", message=error.message, http_status=error.status, customer_facing=True)


@bp.get("/<token>")
@public
def open_link(token: str):
    try:
        link, _ticket = remote_signing.open_by_token(token)
    except ServiceError as error:
        return _closed(error)
    session[SESSION_KEY] = link.id
    return redirect(url_for("sign.remote"))


def _page(form: RemoteAcceptanceForm, status: int = 200):
    try:
        link, ticket = remote_signing.open_by_id(session.get(SESSION_KEY))
    except ServiceError as error:  # no link opened here, or it was spent or the ticket moved on meanwhile
        return _closed(error)
    return render("sign/remote.html", "engineer/_acceptance_form.html", http_status=status, remote=True,
                  action_url=url_for("sign.remote"), customer_facing=True, link=link, code_form=ButtonForm(),
                  **signing_context(ticket, form))


@bp.route("/", methods=["GET", "POST"])
@public
@limiter.limit(TRIES, key_func=_link_key, methods=["POST"])
def remote():
    try:
        link, ticket = remote_signing.open_by_id(session.get(SESSION_KEY))
    except ServiceError as error:
        return _closed(error)
    form = RemoteAcceptanceForm()

    def answer(f):
        remote_signing.confirm_code(link, f.code.data)
        if f.outcome.data == "accept":
            return acceptance_service.accept_work(ticket, None, signing_from(f), link=link)
        return acceptance_service.reject_work(ticket, None, signing_from(f), f.reason.data, link=link)

    def done(accepted):
        session.pop(SESSION_KEY, None)
        return render("sign/done.html", accepted=accepted is not None, number=ticket.number,
                      code=accepted.verification_code if accepted is not None else None, customer_facing=True)

    if request.method == "GET":
        return _page(form)
    return submit(form, answer, done=done,
                  again=lambda status, error: refused(form, status, lambda code: _page(form, code), error))


@bp.post("/code")
@public
@limiter.limit(TRIES, key_func=_link_key)
def send_code():
    """A one-time code to the contact's e-mail; htmx swaps the code panel, a plain post comes back to the page."""
    try:
        link, ticket = remote_signing.open_by_id(session.get(SESSION_KEY))
    except ServiceError as error:
        return _closed(error)
    form = ButtonForm()

    def panel(status: int):
        return render("sign/remote.html", "sign/_code.html", http_status=status, link=link, code_form=form,
                      customer_facing=True, **signing_context(ticket, RemoteAcceptanceForm(formdata=None)))

    return submit(form, lambda f: remote_signing.send_code(link, ticket),
                  done=lambda _r: saved(_("We sent a code to %(to)s. It works for 15 minutes.", to=link.sent_to),
                                        url_for("sign.remote"), fragment=lambda: panel(200)),
                  again=lambda status, error: refused(form, status, panel, error))
