"""The security log for admins: sign-ins, failures, lockouts, sign-outs, account changes and admin edits."""
from flask import request
from flask_babel import gettext as _

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain.roles import ADMINS
from portal.services import security_log
from portal.web.access import roles_required
from portal.web.render import render

PAGE_SIZE = 100


def describe(detail, path: str = "") -> list[str]:
    """An event's detail as short lines: "P1 · response_minutes: 15 → 20", "method: password"."""
    if not isinstance(detail, dict):
        return []
    lines = []
    for key, value in detail.items():
        name = f"{path} · {key}" if path else str(key)
        if isinstance(value, dict):
            lines += describe(value, name)
        elif isinstance(value, list) and len(value) == 2:
            before, after = ("—" if v in (None, "") else v for v in value)
            lines.append(f"{name}: {before} → {after}")
        else:
            lines.append(f"{name}: {value}")
    return lines


@bp.get("/admin/security")
@roles_required(*ADMINS)
def security_log_page():
    kind = request.args.get("kind") or None
    error = None
    if kind is not None and kind not in security_log.KINDS:
        error, kind = _("Unknown kind of event: showing all."), None
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and len(before) < 12 else None
    events = security_log.recent(kind, before_id, PAGE_SIZE)
    rows = [{"event": e, "label": labels.SECURITY_EVENT.get(e.kind, e.kind), "lines": describe(e.detail)}
            for e in events]
    older = events[-1].id if len(events) == PAGE_SIZE else None
    return render("backoffice/security_log.html", rows=rows, kind=kind, kinds=labels.SECURITY_EVENT, older=older,
                  error=error, http_status=422 if error else 200)
