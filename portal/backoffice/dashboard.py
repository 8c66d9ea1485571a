"""The dashboard (managers, supervisors, admins): filters in the URL, charts drawn on the server with their
numbers below, each row linking to the queue behind it; the tables as XLSX or CSV; the batch-defect flags and
their drill-down."""
from urllib.parse import urlencode

from flask import Response, abort, request, url_for
from flask_login import current_user

from portal import labels
from portal.backoffice.blueprint import bp
from portal.domain.roles import ANALYSTS, STAFF, SUPERVISORS
from portal.extensions import db
from portal.models import DefectFlag
from portal.services import charts, dashboard, defects, exports, queue, stats
from portal.services.localtime import local_today
from portal.web.access import roles_required
from portal.web.render import render


def _choices() -> dict:
    engineers, departments = queue.filter_choices()
    return {"engineers": engineers, "departments": departments, "models": sorted(stats.names()["model"].items(),
                                                                                  key=lambda kv: kv[1])}


@bp.get("/dashboard")
@roles_required(*ANALYSTS)
def dashboard_page():
    f = dashboard.parse_filters(request.args, local_today())
    board = dashboard.build(f)
    queue_base = url_for("backoffice.queue") if current_user.role in STAFF else None
    links = {t.key: [(queue_base + "?" + urlencode(link)) if queue_base and link else None for link in t.links]
             for t in board.tables}
    args = f.as_args()
    return render("backoffice/dashboard.html", None, http_status=422 if f.errors else 200, board=board, f=f,
                  links=links, args=args, choices=_choices(), names={
                      "category": labels.CATEGORY, "channel": labels.CHANNEL, "priority": labels.PRIORITY,
                      "mode": labels.MODE, "tier": dashboard.TIERS},
                  export_xlsx=url_for("backoffice.dashboard_export", fmt="xlsx", **args),
                  csv_args=args)


@bp.get("/dashboard/charts.css")
@roles_required(*ANALYSTS)
def chart_styles():
    """The rules pygal would inline into each SVG, served once from our origin (the CSP allows no inline style)."""
    response = Response(charts.stylesheet(), mimetype="text/css")
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/dashboard/export.<any(csv, xlsx):fmt>")
@roles_required(*ANALYSTS)
def dashboard_export(fmt: str):
    f = dashboard.parse_filters(request.args, local_today())
    board = dashboard.build(f)
    head = dashboard.filter_text(f)
    if fmt == "xlsx":
        data = exports.xlsx(head, [(t.title, t.columns, t.rows) for t in board.tables])
        name, mimetype = "dashboard.xlsx", exports.XLSX
    else:
        key = request.args.get("table", "volume")
        table = next((t for t in board.tables if t.key == key), None)
        if table is None:
            abort(404)
        data = exports.csv_bytes(head + [("", table.title)], table.columns, table.rows)
        name, mimetype = f"dashboard-{key}.csv", "text/csv; charset=utf-8"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/dashboard/defects/<int:flag_id>")
@roles_required(*ANALYSTS)
def defect_flag(flag_id: int):
    flag = db.session.get(DefectFlag, flag_id)
    if flag is None:
        abort(404)
    groups = defects.drill_down(flag)
    ticket_base = url_for("backoffice.queue") + "/" if current_user.role in STAFF else None
    return render("backoffice/defect_flag.html", None, flag=flag, groups=groups, ticket_base=ticket_base,
                  causes=labels.CAUSE, can_campaign=current_user.role in SUPERVISORS)
