"""The monthly service report: asked for any period (or made on the 1st for the month before), built in the
background with its progress on the row, stored as a PDF in the documents' style (cover, summary against the
previous period and the targets, the dashboard's charts, top faults per model, defect flags, worst SLA
breaches), and announced by e-mail to the subscribers."""
import base64
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import labels, pdf
from portal.domain.time import utcnow
from portal.extensions import db
from portal.models import MonthlyReport, ProductModel, ReportSubscriber, Ticket, TicketFact, User
from portal.services import ServiceError, charts, dashboard, defects, jobs, mailer, stats
from portal.services.documents import company_block, generated_at
from portal.services.localtime import local_today

STEPS = 5
MAX_DAYS = 366


def request_report(user: User | None, start: date, end: date, scheduled: bool = False) -> MonthlyReport:
    if start > end:
        raise ServiceError(_l("The start comes after the end."), status=422, field="start")
    if (end - start).days >= MAX_DAYS:
        raise ServiceError(_l("At most a year per report."), status=422, field="start")
    report = MonthlyReport(start=start, end=end, scheduled=scheduled, requested_by_id=user.id if user else None,
                           state="queued", done=0, total=STEPS)
    db.session.add(report)
    db.session.flush()
    jobs.add("monthly_report", report.id)
    return report


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def schedule_last_month(today: date | None = None) -> MonthlyReport | None:
    """The 1st-of-the-month report for the month before, once (a second run finds it and does nothing)."""
    start, end = last_month(today or local_today())
    exists = db.session.scalar(db.select(MonthlyReport.id).where(
        MonthlyReport.start == start, MonthlyReport.end == end, MonthlyReport.scheduled.is_(True)))
    return None if exists else request_report(None, start, end, scheduled=True)


def _svg_uri(svg) -> str:
    """A chart as an image for the PDF, carrying the rules the page gets from its stylesheet."""
    text = str(svg).replace(">", f"><style>{charts.stylesheet()}</style>", 1)
    return "data:image/svg+xml;base64," + base64.b64encode(text.encode()).decode()


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _top_faults(f: stats.Filters, limit: int = 10) -> list[dict]:
    rows = db.session.execute(
        db.select(ProductModel.code, ProductModel.name, TicketFact.cause_category, db.func.count())
        .join(ProductModel, ProductModel.id == TicketFact.product_model_id)
        .where(TicketFact.created_at >= f.since, TicketFact.created_at < f.until,
               TicketFact.category.in_(defects.FAULT_CATEGORIES), TicketFact.status != "cancelled")
        .group_by(ProductModel.code, ProductModel.name, TicketFact.cause_category)
        .order_by(db.func.count().desc(), ProductModel.code).limit(limit)).all()
    return [{"model": f"{code} {name}", "cause": str(labels.CAUSE.get(cause, cause)) if cause else "—", "count": n}
            for code, name, cause, n in rows]


def _worst_breaches(f: stats.Filters, limit: int = 10) -> list[dict]:
    rows = db.session.execute(
        db.select(Ticket.number, TicketFact.priority, TicketFact.response_met, TicketFact.resolution_met,
                  TicketFact.resolution_seconds, TicketFact.response_seconds)
        .join(Ticket, Ticket.id == TicketFact.ticket_id)
        .where(TicketFact.created_at >= f.since, TicketFact.created_at < f.until, TicketFact.status != "cancelled",
               db.or_(TicketFact.response_met.is_(False), TicketFact.resolution_met.is_(False)))
        .order_by(db.func.coalesce(TicketFact.resolution_seconds, TicketFact.response_seconds, 0).desc())
        .limit(limit)).all()
    return [{"number": r.number, "priority": r.priority or "—",
             "missed": "、".join(w for w, missed in (("响应 response", r.response_met is False),
                                                    ("解决 resolution", r.resolution_met is False)) if missed),
             "hours": "—" if (r.resolution_seconds or r.response_seconds) is None
             else f"{(r.resolution_seconds or r.response_seconds) / 3600:.1f}"} for r in rows]


def context(report: MonthlyReport, progress=lambda step: None) -> dict:
    f = stats.Filters(start=report.start, end=report.end)
    board = dashboard.build(f)
    progress(1)
    length = (report.end - report.start).days + 1
    before = stats.Filters(start=report.start - timedelta(days=length), end=report.start - timedelta(days=1))
    previous = dashboard.summary(before)
    progress(2)
    targets = current_app.config["REPORT_TARGETS"]
    now, was = board.summary, previous
    summary = [
        ("新建工单 Tickets registered", now.created, was.created, "—"),
        ("已关闭 Closed", now.closed, was.closed, "—"),
        ("SLA 达标率 SLA compliance", _pct(now.compliance.rate), _pct(was.compliance.rate),
         f"{targets['compliance']:.0f}%"),
        ("一次修复率 First-time fix", _pct(now.first_time_fix), _pct(was.first_time_fix),
         f"{targets['first_time_fix']:.0f}%"),
        ("满意度 Satisfaction (CSAT)", f"{_pct(now.csat.rate)} ({now.csat.answers})",
         f"{_pct(was.csat.rate)} ({was.csat.answers})", f"{targets['csat']:.0f}%"),
        ("返修率 Reopen rate", _pct(now.reopen), _pct(was.reopen), "—"),
        ("重复故障率 Repeat faults (90 d)", _pct(now.repeat), _pct(was.repeat), "—"),
        ("平均响应 (h) Average first response", dashboard._hours(now.response.average),
         dashboard._hours(was.response.average), "—"),
        ("平均解决 (h) Average resolution", dashboard._hours(now.resolution.average),
         dashboard._hours(was.resolution.average), "—"),
    ]
    figures = [{"title": t.title, "chart": _svg_uri(t.chart), "columns": t.columns, "rows": t.rows}
               for t in board.tables]
    progress(3)
    flags = [{"model": f"{x.product_model.code} {x.product_model.name}", "lot": x.lot or "—", "count": x.recent,
              "expected": f"{x.expected:.1f}", "p": f"{x.p_value:.1e}", "day": x.day.isoformat()}
             for x in defects.recent_flags(report.start) if x.day <= report.end]
    return {"company": company_block(), "generated_at": generated_at(utcnow()),
            "period": f"{report.start.isoformat()} – {report.end.isoformat()}",
            "previous": f"{before.start.isoformat()} – {before.end.isoformat()}", "summary": summary,
            "figures": figures, "top_faults": _top_faults(f), "flags": flags, "breaches": _worst_breaches(f),
            "font_family": current_app.config.get("PDF_FONT_FAMILY")}


def render(report: MonthlyReport, progress=lambda step: None) -> bytes:
    ctx = context(report, progress)
    data = pdf.render_pdf("monthly_report.html", ctx)
    progress(4)
    return data


def tell_subscribers(report: MonthlyReport) -> int:
    """An e-mail to each subscriber with an address: the report is ready, and where to download it."""
    if report.mailed_at is not None:
        return 0
    base = current_app.config["PUBLIC_BASE_URL"]
    people = db.session.scalars(db.select(User).join(ReportSubscriber, ReportSubscriber.user_id == User.id)
                                .where(User.active.is_(True), User.email.is_not(None))).all()
    body = (f"服务报告（{report.start.isoformat()} – {report.end.isoformat()}）已生成，请登录下载：\n"
            f"The service report for {report.start.isoformat()} – {report.end.isoformat()} is ready:\n"
            f"{base}/desk/reports/{report.id}\n")
    for person in people:
        mailer.queue_mail("monthly_report", person.email, body)
    report.mailed_at = utcnow()
    return len(people)


def subscribed(user: User) -> bool:
    return db.session.get(ReportSubscriber, user.id) is not None


def set_subscription(user: User, on: bool) -> None:
    row = db.session.get(ReportSubscriber, user.id)
    if on and row is None:
        db.session.add(ReportSubscriber(user_id=user.id))
    elif not on and row is not None:
        db.session.delete(row)


def recent(limit: int = 24) -> list[MonthlyReport]:
    return db.session.scalars(db.select(MonthlyReport).order_by(MonthlyReport.id.desc()).limit(limit)).all()
