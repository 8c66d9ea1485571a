"""Stale edits of master data on the desk's forms: the fingerprint a form is opened with, and the refusal that
lists what someone else saved meanwhile beside what was typed (which stays in the form)."""
from flask_babel import gettext as _

from portal.domain import stale
from portal.domain.money import fen_to_yuan
from portal.services import StaleEdit
from portal.web.forms import refused


def open_on(form, record, fields) -> None:
    """Remember the record as the form shows it (a new record has no fingerprint)."""
    if record is not None:
        form.seen.data = stale.fingerprint({f: getattr(record, f) for f in fields})


def _shown(form, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(form, '', v)}" for k, v in value.items())
    if isinstance(value, list | tuple):  # checklist items show their labels; others their values
        return " · ".join(str(v.get("label", {}).get("zh_CN") or v.get("key", "")) if isinstance(v, dict)
                          else _shown(form, "", v) for v in value)
    if name.endswith("_fen"):
        return "¥" + fen_to_yuan(value)
    choices = getattr(form[name], "choices", None) if name else None
    if choices:
        return str(next((c.label for c in choices if str(c.value) == str(value)), value))
    return str(value)


def show_changes(form, error) -> None:
    """On a StaleEdit: list their values where they differ from what was typed, and take the record as it is
    now as seen, so that sending the form again applies it."""
    if isinstance(error, StaleEdit):
        form.changes_meanwhile = [{"what": form[name].label.text, "body": _shown(form, name, value)}
                                  for name, value in error.current.items() if value != form[name].data]
        form.seen.data = stale.fingerprint(error.current)


def refusal(form, page):
    """The `again` of a master-data form: the stale edit's changes listed, then the form again as typed."""
    def again(status, error):
        show_changes(form, error)
        return refused(form, status, page, error)
    return again
