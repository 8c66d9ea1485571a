"""Accessibility on a phone: axe-core finds no serious or critical violation, and no skipped heading level, on
any page of any role.

For each role one Chromium context (Pixel 7) signs in and visits every page the role may GET: the pages are
found by walking the app's URL map, so a new page without a visit here fails the test until it gets one (or a
reason in NOT_PAGES / FRAGMENTS). The data is brought into the states that show each page's panels first, and
every <details> is opened before axe runs, so what it hides is checked too."""
import functools
import json
import os
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pyotp
import pytest

from portal.extensions import db
from portal.models import (
    Asset,
    Bill,
    Campaign,
    ChecklistTemplate,
    Contact,
    Customer,
    CustomerAddress,
    CustomerTier,
    DefectFlag,
    Department,
    InvoiceRequest,
    KnowledgeArticle,
    MemberDay,
    OutgoingMail,
    Part,
    PriceList,
    ProductModel,
    QueuedTask,
    Reward,
    ServiceContract,
    ServicePoint,
    Ticket,
    User,
)
from portal.models import Visit as VisitRow
from portal.seed.prices import ensure_demo_contract
from portal.services import device_labels, points, preferences
from portal.web.access import ANYONE
from tests.browser.conftest import ROOT, sign_in
from tests.browser.test_golden_path_browser import VIP_COMPANY, draw_signature
from tests.conftest import WebClient
from tests.web.factories import ORDER, make_ticket
from tests.web.test_proactive import RECALL
from tests.web.test_resolution_link import link_of, resolve
from tests.web.test_two_factor import enrol

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = functools.cache(lambda: AXE.read_text(encoding="utf-8"))
BLOCKING = ("serious", "critical")
# Held whatever impact axe gives them (both "moderate"): headings step h1 → h2 → h3, and every page has an h1.
ALSO_HELD = ("heading-order", "page-has-heading-one")
ACCOUNTS = {
    "admin": ("admin@example.com", "admin-demo"),
    "supervisor": ("supervisor@example.com", "supervisor-demo"),
    "agent": ("agent@example.com", "agent-demo"),
    "backoffice": ("backoffice@example.com", "backoffice-demo"),
    "engineer": ("engineer@example.com", "engineer-demo"),
    "customer": ("customer@example.com", "customer-demo"),
}
DESK_ROLES = ("admin", "supervisor", "agent", "backoffice")
SUPERVISOR_ROLES = ("admin", "supervisor")
INVOICE = {"kind": "ordinary", "title_kind": "company", "title": "华东精密制造有限公司",
           "tax_number": "91320594MA1XYZ1234", "email": "finance@example.com"}

# GET routes that answer something other than an HTML page, so there is nothing for axe to check.
NOT_PAGES = {
    "static": "CSS, scripts, icons and the vendored libraries",
    "site.service_worker": "the service worker's JavaScript",
    "site.healthz": "JSON for the load balancer",
    "site.favicon": "the icon browsers ask for",
    "site.index": "only redirects to the role's home page, which is visited under its own route",
    "documents.attachment": "the uploaded photo or file itself",
    "documents.thumbnail": "a JPEG thumbnail",
    "documents.document": "the signed service confirmation (PDF)",
    "backoffice.intake_receipt": "a PDF",
    "backoffice.service_report": "a PDF",
    "backoffice.print_job_download": "the batch's PDF",
    "site.inbox_count": "the bell's count, a few words that every page's top bar polls",
    "customer.intake_receipt": "a PDF",
    "backoffice.master_export": "a CSV or XLSX file",
    "backoffice.queue_export": "a CSV or XLSX file",
    "backoffice.dashboard_export": "a CSV or XLSX file",
    "backoffice.chart_styles": "the charts' stylesheet",
    "backoffice.monthly_report_download": "the report's PDF",
    "backoffice.bill_pdf": "the bill's PDF",
    "customer.bill_pdf": "the bill's PDF",
    "backoffice.money_export": "an XLSX file",
    "backoffice.invoice_download": "the electronic invoice file (PDF, OFD or XML)",
    "customer.invoice_file": "the electronic invoice file (PDF, OFD or XML)",
    "customer.packing_note": "a PDF",
    "backoffice.label_sheet": "the label sheet's PDF",
    "site.wechat_callback": "WeChat's authorisation callback: records the openid and redirects",
    "site.wechat_inbound": "WeChat's server calls it with XML",
}
# Fragments htmx swaps into a page, never shown alone: checked inside their page once the input that loads
# them has been made (see the visit of the page named here).
FRAGMENTS = {
    "backoffice.intake_contacts": "backoffice.intake",
    "backoffice.intake_customers": "backoffice.intake",
    "backoffice.intake_serial": "backoffice.intake",
    "customer.request_warranty": "customer.new_request",
    "customer.ticket_entitlement": "customer.ticket_detail",
    "customer.ticket_parcels": "customer.ticket_detail",
}

# While axe reads the page no htmx request may swap a part of it (the print job polls every second): new ones
# are held back, and the ones under way are let finish first.
RUN_AXE = """async () => {
  const hold = event => event.preventDefault();
  document.addEventListener('htmx:beforeRequest', hold);
  try {
    while (document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')) {
      await new Promise(resolve => requestAnimationFrame(resolve));
    }
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({impact: n.impact, target: n.target.map(String),
                                summary: (n.failureSummary || '').split('\\n').slice(0, 3).join(' ')}))}));
  } finally {
    document.removeEventListener('htmx:beforeRequest', hold);
  }
}"""
SHOTS = os.environ.get("A11Y_SHOTS")  # set to keep a phone screenshot of every page checked, in tests/_artifacts/a11y
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


@dataclass
class Visit:
    """One page in one state: its route, its URL, the status it answers, and optionally what to do on it
    afterwards (`then`) to reach a further state that is checked again."""
    endpoint: str
    url: str
    state: str = ""
    status: int = 200
    then: list[tuple[str, Callable]] = field(default_factory=list)


@dataclass
class Report:
    role: str
    found: list = field(default_factory=list)  # (page, violation) for every violation axe reported
    visited: list = field(default_factory=list)

    def check(self, page, name: str):
        page.evaluate(OPEN_DETAILS)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated, not added as a <script>: the portal's Content-Security-Policy (rightly) refuses inline
            # scripts, and a DevTools evaluation is outside its reach.
            page.evaluate(AXE_SOURCE())
        self.visited.append(name)
        if SHOTS:
            folder = ROOT / "tests" / "_artifacts" / "a11y"
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=folder / f"{self.role}-{len(self.visited):02d}.png", full_page=True)
        for violation in page.evaluate(RUN_AXE):
            self.found.append((name, violation))

    def blocking(self):
        return [(name, v) for name, v in self.found if v["impact"] in BLOCKING or v["id"] in ALSO_HELD]

    def explain(self) -> str:
        lines = [f"{len(self.blocking())} serious or critical axe violation(s) (or of {ALSO_HELD}) for {self.role}:"]
        for name, v in self.blocking():
            lines.append(f"- {name}: {v['id']} ({v['impact']}) {v['help']} <{v['helpUrl']}>")
            for node in v["nodes"][:8]:
                lines.append(f"    {' '.join(node['target'])}: {node['summary']}")
            if len(v["nodes"]) > 8:
                lines.append(f"    … and {len(v['nodes']) - 8} more")
        return "\n".join(lines)


# --- the routes of a role ---------------------------------------------------------------------------------

def routes_for(app, role: str) -> set[str]:
    """Endpoints of the GET routes that `role` may open (for "public": the ones open to anyone). A view that
    declares no roles counts for every role, so that it is not left out unseen."""
    wanted = ANYONE if role == "public" else role
    endpoints = set()
    for rule in app.url_map.iter_rules():
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        if "GET" in rule.methods and (allowed is None or wanted in {str(getattr(r, "value", r)) for r in allowed}):
            endpoints.add(rule.endpoint)
    return endpoints


# --- data: helpers through the routes, as a user would make it --------------------------------------------

def _id_of(app, model, **where) -> int:
    with app.app_context():
        return db.session.scalar(db.select(model.id).filter_by(**where))


def tickets_in_every_status(app, **kw) -> dict[str, int]:
    return {status: make_ticket(app, status=status, **kw) for status in ORDER}


def ask_and_quote(web, ticket_id):
    """A question and a pending quote from the desk, shown on both sides."""
    assert web.post_form(f"/desk/tickets/{ticket_id}/ask-customer", {"question": "请问设备放在几楼?"}).status_code < 400
    assert web.post_form(f"/desk/tickets/{ticket_id}/quotes", {
        "item-0-description": "主控板", "item-0-quantity": "1", "item-0-unit_price": "850",
        "item-1-description": "人工费", "item-1-quantity": "1.5", "item-1-unit_price": "120",
        "note": "保修期外"}).status_code < 400


def last_mail(app, kind) -> str:
    with app.app_context():
        return db.session.scalar(db.select(OutgoingMail.body).where(OutgoingMail.kind == kind)
                                 .order_by(OutgoingMail.id.desc()).limit(1))


def signing_link(web, ticket_id) -> str:
    """The link e-mailed to the contact (kept on the page of unsent mail: no mail server in tests)."""
    assert web.post_form(f"/desk/tickets/{ticket_id}/signing-link", {}).status_code == 200
    url = re.search(r"(http\S+/sign/\S+)", last_mail(web.application, "signing_link")).group(1)
    return url[url.index("/sign/"):]


def verification_code(web, ticket_id) -> str:
    html = web.get(f"/desk/tickets/{ticket_id}/part/records").get_data(as_text=True)
    return re.search(r'href="/verify/([^"]+)"', html).group(1)


def a_conflict(app, login_as) -> int:
    """A job reassigned while the first engineer's phone was offline: its replayed arrival is a conflict."""
    ticket_id = make_ticket(app, status="assigned", priority="P3")  # P1 and P2 need a senior engineer
    engineer2 = _id_of(app, User, email="engineer2@example.com")
    assert login_as("supervisor").post_form(f"/desk/tickets/{ticket_id}/assign", {
        "engineer_id": engineer2, "reason": "工程师生病"}).status_code < 400
    response = login_as("engineer").post_form(
        f"/m/jobs/{ticket_id}/arrive", {"version": "3"},
        headers={"Accept": "application/json", "X-Requested-With": "outbox", "Idempotency-Key": "a11y-conflict-1"})
    assert response.status_code == 409, response.get_data(as_text=True)[:300]
    return ticket_id


def mailed_links(app, monkeypatch, send) -> list[str]:
    """The account links in the e-mails that `send()` makes go out (SMTP replaced by a list)."""
    sent = []

    class Outbox:
        def __init__(self, *args, **kwargs):
            pass

        def starttls(self):
            pass

        def login(self, *args):
            pass

        def send_message(self, message):
            sent.append(message.get_content())

        def quit(self):
            pass

    monkeypatch.setattr(smtplib, "SMTP", Outbox)
    app.config.update(MAIL_SERVER="smtp.test", MAIL_PORT=25, MAIL_FROM="service@example.com")
    send()
    app.config["MAIL_SERVER"] = None  # later mail is kept on the page of unsent mail again
    return [m.group(0) for body in sent for m in re.finditer(r"/account/(invite|login)/[A-Za-z0-9_\-]+", body)]


# --- what each role visits ----------------------------------------------------------------------------------

def weak_password(page):
    form = page.locator("#password-form")
    form.locator("[name=current_password]").fill("not-the-password")
    form.locator("[name=new_password]").fill("1234567890")
    form.locator("[name=confirm]").fill("1234567890")
    form.locator("button[type=submit]").click()
    expect(page.locator("#password-form small.error").first).to_be_visible()


def start_two_factor(page):
    page.locator("#start-form button[type=submit]").click()
    expect(page.locator("#confirm-form")).to_be_visible()


def confirm_two_factor(page):
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("#confirm-form [name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("#confirm-form button[type=submit]").click()
    expect(page.locator("#recovery-codes")).to_be_visible()


def account_visits() -> list[Visit]:
    """The account pages every role has; two-factor sign-in is turned on last, so the role's other pages come
    first."""
    return [Visit("site.inbox_page", "/inbox"),
            Visit("auth.account", "/account"),
            Visit("auth.change_password", "/account/password", then=[("weak password refused", weak_password)]),
            Visit("auth.two_factor_settings", "/account/two-factor", then=[
                ("setup started", start_two_factor), ("turned on, recovery codes shown", confirm_two_factor)])]


def fill_intake(page):
    """Customer found and picked from the hits: the contact list and the serial's facts (warranty, open ticket,
    history) load."""
    page.locator("#customer_q").fill("华东")
    expect(page.locator("#customer-hits button", has_text=VIP_COMPANY)).to_be_visible()
    page.locator("#customer-hits button", has_text=VIP_COMPANY).click()
    expect(page.locator("#contact_id option", has_text="孙工")).to_have_count(1)
    page.locator("[name=serial]").fill("ABC2000-SN0001")
    expect(page.locator("#serial-facts [data-warranty]")).to_be_visible()
    page.locator("[name=description]").fill("屏幕黑屏")
    expect(page.locator("#completeness [data-score]")).not_to_have_attribute("data-score", "0")


def offer_duplicate(page):
    """An unknown caller entered as a new customer whose name is on file: the likely duplicate is offered."""
    expect(page.locator("#new-customer")).to_have_attribute("open", "")
    page.locator("[name=new_customer_name]").fill(VIP_COMPANY)
    page.locator("[name=contact_name]").fill("李娜")
    page.locator("[name=product_model_id]").select_option(index=1)
    page.locator("[name=description]").fill("打印机卡纸，每次都卡")
    page.locator("#intake-form button[type=submit]").last.click()
    expect(page.locator("#duplicate-hits button", has_text=VIP_COMPANY)).to_be_visible()


def plan_a_visit(app, ticket_id) -> None:
    """A visit three days ahead for the ticket's engineer (the desk's planned-visits page shows its forms)."""
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        at = datetime.combine(date.today() + timedelta(days=3), time(9), tzinfo=ZoneInfo("Asia/Shanghai"))
        db.session.add(VisitRow(ticket_id=ticket_id, engineer_id=ticket.assignee_id, scheduled_at=at.astimezone(UTC)))
        db.session.commit()


def move_without_reason(page):
    """The desk's move form sent without a reason: the message is next to the field."""
    planned = page.locator("article[data-visit]").first  # its forms are open: the check opens every <details>
    planned.get_by_role("button", name="改期", exact=True).click()
    expect(page.locator("small.error").first).to_be_visible()


def book_without_choosing(page):
    """The customer's booking sent without a time chosen: the message is above the times."""
    page.locator("#visit-windows button[type=submit]").click()
    expect(page.locator("#slot-error")).to_be_visible()


def save_empty(page):
    """A master-data form saved without its name: the message is next to the field."""
    page.locator("[name=name]").fill("")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#name-error")).to_be_visible()


def quiet_without_end(page):
    """Own quiet hours chosen without their end: the message is next to the field."""
    page.locator("input[name=quiet][value=own]").check()
    page.locator("main form#message-preferences button[type=submit]").click()
    expect(page.locator("#quiet_until-error")).to_be_visible()


def bad_mapping(page):
    """A provider template mapped to a placeholder the message does not offer: the message is next to the field."""
    page.locator("[name=template_id]").fill("SMS_100")
    page.locator("[name=variables]").fill("thing1={nope}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#variables-error")).to_be_visible()


def preview_import(page):
    """A parts CSV with one bad row: the preview lists the row, its column and why."""
    data = ("备件编号,名称,类别,单价（元）,保修月数,按序列号管理\nFAN-9,风扇,散热,9.9,3,否\nBAD,坏,,abc,3,否\n")
    page.locator("[name=file]").set_input_files(files=[{"name": "parts.csv", "mimeType": "text/csv",
                                                        "buffer": data.encode("gb18030")}])
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#import-preview .import-errors")).to_be_visible()


def import_run_visits(app) -> list[Visit]:
    """A large import running (its progress bar, polled) and one done."""
    from portal.models import ImportRun
    from portal.services import import_runs
    with app.app_context():
        running = ImportRun(kind="parts", filename="备件.xlsx", storage_key="x/none.import", total=8000,
                            state="running")
        done = ImportRun(kind="customers", filename="客户.xlsx", storage_key="x/none.import", total=1200,
                         state="done", created=800, updated=400)
        db.session.add_all([running, done])
        db.session.commit()
        import_runs._write_progress(running.id, 3000, 8000)
        return [Visit("backoffice.import_run", f"/desk/admin/import/runs/{running.id}", "running"),
                Visit("backoffice.import_run", f"/desk/admin/import/runs/{done.id}", "done")]


def create_signing_link(page):
    page.locator("#remote-acceptance button[type=submit]").click()
    expect(page.locator("#signing-link-sent")).to_be_visible()


def analyst_visits(app, web) -> list[Visit]:
    """The dashboard with a defect flag, the monthly reports and one made."""
    with app.app_context():
        model = db.session.scalar(db.select(ProductModel.id).order_by(ProductModel.id))
        flag = DefectFlag(product_model_id=model, lot="2024Q3", day=date.today(), recent=9, expected=1.5,
                          p_value=0.0001)
        db.session.add(flag)
        db.session.commit()
        flag_id = flag.id
    made = web.post_form("/desk/reports", {"start": "2026-11-01", "end": "2026-11-30"}).headers["Location"]
    return [Visit("backoffice.dashboard_page", "/desk/dashboard", "figures and a flag"),
            Visit("backoffice.dashboard_page", "/desk/dashboard?start=nope", "a bad filter", status=422),
            Visit("backoffice.defect_flag", f"/desk/dashboard/defects/{flag_id}"),
            Visit("backoffice.campaign_new", f"/desk/campaigns/new?flag={flag_id}", "from a defect alarm"),
            Visit("backoffice.monthly_reports", "/desk/reports", "reports listed"),
            Visit("backoffice.monthly_report", made, "done")]


def desk_visits(app, role, login_as, tickets, extra) -> list[Visit]:
    web = login_as(role)
    visits = [Visit("backoffice.queue", "/desk/tickets", "open tickets"),
              Visit("backoffice.queue", "/desk/tickets?status=all", "all tickets")]
    for status, ticket_id in tickets.items():
        then = []
        if status == "resolved" and role != "backoffice":
            then.append(("signing link created", create_signing_link))
        visits.append(Visit("backoffice.ticket_detail", f"/desk/tickets/{ticket_id}", status, then=then))
    visits.append(Visit("backoffice.ticket_detail", f"/desk/tickets/{extra['conflict']}", "conflict"))
    # The deferred panels as pages of their own (what a browser without JavaScript opens).
    parts = ["sla", "records", "history"] + (["dialogue"] if role in ("admin", "supervisor", "agent") else [])
    for part in parts:
        visits.append(Visit("backoffice.ticket_part", f"/desk/tickets/{tickets['closed']}/part/{part}", part))
    if role in ("admin", "supervisor", "agent"):
        visits.append(Visit("backoffice.ticket_part", f"/desk/tickets/{tickets['assigned']}/part/assign", "assign"))
    visits.append(Visit("backoffice.ticket_detail", f"/desk/tickets/{extra['rated']}", "rated, low score"))
    for name in (VIP_COMPANY, "周敏"):
        visits.append(Visit("backoffice.customer_detail", f"/desk/customers/{_id_of(app, Customer, name=name)}", name))
    # A deferred panel of the ticket page opened as a page of its own (as without JavaScript).
    visits.append(Visit("backoffice.ticket_part", f"/desk/tickets/{tickets['closed']}/part/history", "history alone"))
    visits += [Visit("backoffice.customer_list", "/desk/customers", "all customers"),
               Visit("backoffice.unit_search", "/desk/units?q=ABC", "units by serial"),
               Visit("backoffice.customer_list", "/desk/customers?q=5678", "found by phone digits")]
    if role in ("admin", "supervisor", "agent"):
        company = _id_of(app, Customer, name=VIP_COMPANY)
        contact = _id_of(app, Contact, name="孙工")
        site = _id_of(app, CustomerAddress, customer_id=company)
        visits += [Visit("backoffice.customer_new", "/desk/customers/new", then=[("name missing", save_empty)]),
                   Visit("backoffice.customer_edit", f"/desk/customers/{company}/edit"),
                   Visit("backoffice.contact_new", f"/desk/customers/{company}/contacts/new",
                         then=[("name missing", save_empty)]),
                   Visit("backoffice.contact_edit", f"/desk/customers/{company}/contacts/{contact}/edit"),
                   Visit("backoffice.contact_preferences", f"/desk/customers/{company}/contacts/{contact}/messages",
                         then=[("own quiet hours without an end", quiet_without_end)]),
                   Visit("backoffice.site_new", f"/desk/customers/{company}/sites/new"),
                   Visit("backoffice.unit_new", f"/desk/customers/{company}/units/new"),
                   Visit("backoffice.unit_edit",
                         f"/desk/customers/{company}/units/{_id_of(app, Asset, serial='PX50-SN1001')}/edit"),
                   Visit("backoffice.site_edit", f"/desk/customers/{company}/sites/{site}/edit")]
    # Batches of reports (each user sees their own): one built, one still queued (its page polls).
    done = web.post_form("/desk/print", {"ids": str(tickets["closed"])}).headers["Location"]
    app.config["TASKS_HELD"] = True  # the task queue is held: this batch stays queued
    queued = web.post_form("/desk/print", {"ids": str(tickets["resolved"])}).headers["Location"]
    app.config["TASKS_HELD"] = False
    visits += [Visit("backoffice.print_batch", "/desk/print", "batches listed"),
               Visit("backoffice.print_batch", f"/desk/print?ids={tickets['closed']}", "tickets selected"),
               Visit("backoffice.print_job", done, "done"),
               Visit("backoffice.print_job", queued, "queued")]
    if role in ("admin", "supervisor", "agent"):
        visits += [Visit("backoffice.intake", "/desk/tickets/new", then=[("customer and serial typed", fill_intake)]),
                   Visit("backoffice.caller_intake", "/desk/intake?caller=13812345678", "caller found"),
                   Visit("backoffice.caller_intake", "/desk/intake?caller=02155509999", "unknown caller",
                         then=[("new customer who may be on file", offer_duplicate)]),
                   Visit("backoffice.dispatch_board", "/desk/dispatch")]
        plan_a_visit(app, tickets["assigned"])
        visits.append(Visit("backoffice.ticket_visits", f"/desk/tickets/{tickets['assigned']}/planned-visits",
                            "a visit planned", then=[("moved without a reason", move_without_reason)]))
    if role in ("admin", "supervisor"):
        visits.append(Visit("backoffice.tasks", "/desk/tasks"))
        visits += analyst_visits(app, web)
        part = _id_of(app, Part, code="PCB-ABC-MAIN")
        visits += [Visit("backoffice.catalogue_list", "/desk/admin/catalogue/models", "product models"),
                   Visit("backoffice.catalogue_list", "/desk/admin/catalogue/parts?q=PCB", "parts found"),
                   Visit("backoffice.catalogue_new", "/desk/admin/catalogue/parts/new",
                         then=[("name missing", save_empty)]),
                   Visit("backoffice.catalogue_edit", f"/desk/admin/catalogue/parts/{part}/edit"),
                   Visit("backoffice.organisation_page", "/desk/admin/organisation"),
                   Visit("backoffice.service_point_new", "/desk/admin/service-points/new",
                         then=[("name missing", save_empty)]),
                   Visit("backoffice.service_point_edit",
                         f"/desk/admin/service-points/{_id_of(app, ServicePoint, name='苏州服务中心')}/edit"),
                   Visit("backoffice.department_new", "/desk/admin/departments/new"),
                   Visit("backoffice.department_edit",
                         f"/desk/admin/departments/{_id_of(app, Department, code='repair')}/edit"),
                   Visit("backoffice.engineer_profile",
                         f"/desk/admin/engineers/{_id_of(app, User, email='engineer@example.com')}/edit"),
                   Visit("backoffice.master_import", "/desk/admin/import/parts",
                         then=[("file previewed", preview_import)]),
                   Visit("backoffice.master_import", "/desk/admin/import/customers", "customers"),
                   *import_run_visits(app),
                   Visit("backoffice.knowledge_list", "/desk/admin/knowledge"),
                   Visit("backoffice.article_new", "/desk/admin/knowledge/new"),
                   Visit("backoffice.article_edit", f"/desk/admin/knowledge/{_id_of(app, KnowledgeArticle, id=1)}/edit",
                         "with its preview"),
                   Visit("backoffice.checklist_list", "/desk/admin/checklists"),
                   Visit("backoffice.checklist_new", "/desk/admin/checklists/new", then=[("name missing", save_empty)]),
                   Visit("backoffice.checklist_edit",
                         f"/desk/admin/checklists/{_id_of(app, ChecklistTemplate, category='display')}/edit")]
    if role == "admin":
        with app.app_context():
            db.session.add(QueuedTask(kind="print_batch", ref_id=1, state="failed", attempts=5,
                                      last_error="OSError: [Errno 28] No space left on device"))
            db.session.commit()
        visits += [Visit("backoffice.failed_tasks", "/desk/admin/tasks", "one failed task"),
                   Visit("backoffice.sla_policies", "/desk/admin/sla"),
                   Visit("backoffice.routing_rules", "/desk/admin/routing"),
                   Visit("backoffice.unsent_mail", "/desk/admin/mail"),
                   Visit("backoffice.outbox", "/desk/admin/outbox", "text messages of the demo tickets"),
                   Visit("backoffice.security_log_page", "/desk/admin/security", "sign-ins and failures")]
    return visits + money_and_loyalty_visits(app, role, login_as) + account_visits()


def money_and_loyalty_visits(app, role, login_as) -> list[Visit]:
    """The pages of the second wave: bills and invoices, loyalty points, campaigns and maintenance plans, tiers,
    price lists and contracts, message texts."""
    billed = make_ticket(app, status="closed", serial="PX50-SN1001")
    customer = login_as("customer")
    assert customer.post_form(f"/my/tickets/{billed}/invoice", INVOICE).status_code == 302
    with app.app_context():
        bill = _id_of(app, Bill, ticket_id=billed)
        request_id = db.session.scalar(db.select(InvoiceRequest.id).order_by(InvoiceRequest.id.desc()))
        company = db.session.scalar(db.select(Customer).where(Customer.name == VIP_COMPANY))
        unit = db.session.scalar(db.select(Asset.id).where(Asset.customer_id == company.id))
        points.earn(company.id, 500, "adjustment", today=date.today())
        reward = Reward(name="原装遥控器", kind="accessory", points=300)
        day = MemberDay(name="会员日", starts_on=date.today(), ends_on=date.today(), tiers=["vip"], bonus_percent=100)
        db.session.add_all([reward, day])
        db.session.commit()
        company_id, reward_id, day_id = company.id, reward.id, day.id
    assert customer.post_form("/my/points/redeem", {"reward_id": reward_id}).status_code == 302
    visits = [Visit("backoffice.money_lists", "/desk/money", "an unpaid bill, an invoice requested"),
              Visit("backoffice.bill_detail", f"/desk/bills/{bill}", "signed"),
              Visit("backoffice.ticket_bill", f"/desk/tickets/{billed}/bill", "signed"),
              Visit("backoffice.invoice_issue", f"/desk/money/invoices/{request_id}/issue"),
              Visit("backoffice.customer_points", f"/desk/customers/{company_id}/points", "points and a reward"),
              Visit("backoffice.redemptions", "/desk/points/redemptions", "one to hand over"),
              Visit("backoffice.maintenance_list", "/desk/maintenance")]
    assert login_as("supervisor").post_form("/desk/campaigns/new", {**RECALL, "step": "create"}).status_code == 302
    with app.app_context():
        campaign = db.session.scalar(db.select(Campaign.id).order_by(Campaign.id.desc()))
    visits += [Visit("backoffice.campaign_list", "/desk/campaigns"),
               Visit("backoffice.campaign_detail", f"/desk/campaigns/{campaign}", "a recall made")]
    if role != "backoffice":
        visits += [Visit("backoffice.my_customers", "/desk/my-customers"),
                   Visit("backoffice.plan_new", f"/desk/customers/{company_id}/units/{unit}/plan")]
    if role in SUPERVISOR_ROLES:
        visits += [Visit("backoffice.campaign_new", "/desk/campaigns/new"),
                   Visit("backoffice.tier_list", "/desk/admin/tiers")]
    if role == "admin":
        with app.app_context():
            ensure_demo_contract()  # 华东精密's maintenance contract, as the demo has it
            db.session.commit()
            price_list = db.session.scalar(db.select(PriceList.id))
            contract = db.session.scalar(db.select(ServiceContract.id))
            tier = db.session.scalar(db.select(CustomerTier.id).where(CustomerTier.code == "gold"))
        visits += [Visit("backoffice.rewards", "/desk/admin/rewards"),
                   Visit("backoffice.reward_new", "/desk/admin/rewards/new", then=[("name missing", save_empty)]),
                   Visit("backoffice.reward_edit", f"/desk/admin/rewards/{reward_id}/edit"),
                   Visit("backoffice.member_day_new", "/desk/admin/member-days/new"),
                   Visit("backoffice.member_day_edit", f"/desk/admin/member-days/{day_id}/edit"),
                   Visit("backoffice.tier_new", "/desk/admin/tiers/new"),
                   Visit("backoffice.tier_edit", f"/desk/admin/tiers/{tier}/edit"),
                   Visit("backoffice.price_list_index", "/desk/admin/price-lists"),
                   Visit("backoffice.price_list_new", "/desk/admin/price-lists/new"),
                   Visit("backoffice.contract_new", "/desk/admin/contracts/new"),
                   Visit("backoffice.message_texts", "/desk/admin/message-texts"),
                   Visit("backoffice.message_text", "/desk/admin/message-texts/visit_booked"),
                   Visit("backoffice.provider_templates", "/desk/admin/provider-templates"),
                   Visit("backoffice.provider_template", "/desk/admin/provider-templates/sms/visit_booked",
                         then=[("unknown placeholder", bad_mapping)])]
        if price_list is not None:
            visits.append(Visit("backoffice.price_list_edit", f"/desk/admin/price-lists/{price_list}/edit"))
        if contract is not None:
            visits.append(Visit("backoffice.contract_edit", f"/desk/admin/contracts/{contract}/edit"))
    return visits


def desk_data(app, login_as) -> tuple[dict, dict]:
    tickets = tickets_in_every_status(app, serial="ABC2000-SN0001")
    ask_and_quote(login_as("agent"), tickets["in_progress"])
    customer = login_as("customer")
    rated = make_ticket(app, status="closed")
    assert customer.post_form(f"/my/tickets/{rated}/survey", {
        "speed": "2", "engineer": "1", "result": "2", "comment": "第一次没修好"}).status_code < 400
    assert customer.post_form(f"/my/tickets/{tickets['resolved']}/signing-link", {}).status_code < 400
    return tickets, {"conflict": a_conflict(app, login_as), "rated": rated}


def engineer_visits(app, login_as) -> list[Visit]:
    tickets = tickets_in_every_status(app, serial="ABC2000-SN0001")
    engineer = login_as("engineer")
    waiting = make_ticket(app, status="in_progress", priority="P1")
    for step, data in (("loaner", {"description": "备用显示终端", "serial": "LOAN-01"}),
                       ("wait", {"waiting_for": "parts", "reason": "主控板缺货"})):
        response = engineer.post_form(f"/m/jobs/{waiting}/{step}", data)
        assert response.status_code < 400, response.get_data(as_text=True)[:300]
    visits = [Visit("engineer.my_jobs", "/m/jobs"),
              Visit("engineer.my_jobs", "/m/jobs?q=SR", "earlier jobs searched")]
    for status in ("assigned", "in_progress", "resolved", "closed"):
        visits.append(Visit("engineer.job_detail", f"/m/jobs/{tickets[status]}", status))
    visits.append(Visit("engineer.job_detail", f"/m/jobs/{waiting}", "waiting for parts, loaner out"))
    billed = make_ticket(app, status="resolved", serial="PX50-SN1001")
    depot = make_ticket(app, status="assigned")
    with app.app_context():
        db.session.get(Ticket, depot).mode = "depot"
        db.session.commit()
    visits += [Visit("engineer.job_bill", f"/m/jobs/{billed}/bill", "to pay"),
               Visit("engineer.receive_unit", f"/m/jobs/{depot}/receive", "a unit sent in")]
    remote_job = make_ticket(app, status="assigned", serial="PX50-SN1001")
    with app.app_context():
        db.session.get(Ticket, remote_job).mode = "remote"
        db.session.commit()
    logged = engineer.post_form(f"/m/jobs/{remote_job}/remote/sessions", {
        "kind": "call", "started_at": "2026-11-30T09:00", "minutes": "15", "tried": "电话指导重启路由器",
        "result": "partly"})
    assert logged.status_code == 302, logged.get_data(as_text=True)[:300]
    visits.append(Visit("engineer.remote_page", f"/m/jobs/{remote_job}/remote", "a call logged"))
    for status in ("in_progress", "resolved"):
        visits += [Visit("engineer.acceptance", f"/m/jobs/{tickets[status]}/acceptance", status,
                         then=[("reject chosen", lambda page: page.locator("input[data-outcome=reject]").check())]),
                   Visit("engineer.acceptance_preview", f"/m/jobs/{tickets[status]}/acceptance/preview", status)]
    return visits + account_visits()


def fill_request(page):
    """A unit picked and the problem typed: its warranty and knowledge-base answers load."""
    page.select_option("#asset_id", label="ABC-2000 · ABC2000-SN0001")
    expect(page.locator("#request-warranty [data-warranty]")).to_be_visible()
    page.fill("#description", "早上开机以后屏幕一直黑屏，指示灯是亮的")
    expect(page.locator("#kb-suggestions details.kb-article").first).to_be_visible()


def customer_visits(app, login_as) -> list[Visit]:
    tickets = tickets_in_every_status(app)
    ask_and_quote(login_as("agent"), tickets["in_progress"])
    answered = make_ticket(app, status="in_progress")
    agent = login_as("agent")
    assert agent.post_form(f"/desk/tickets/{answered}/ask-customer", {"question": "几楼?"}).status_code < 400
    customer = login_as("customer")
    html = customer.get(f"/my/tickets/{answered}").get_data(as_text=True)
    question_id = re.search(r'name="question_id" value="(\d+)"', html).group(1)
    assert customer.post_form(f"/my/tickets/{answered}/answer", {
        "question_id": question_id, "answer": "三楼"}).status_code < 400
    rated = make_ticket(app, status="closed")
    assert customer.post_form(f"/my/tickets/{rated}/survey", {
        "speed": "4", "engineer": "5", "result": "5"}).status_code < 400
    profile = customer.get("/my/profile").get_data(as_text=True)
    address = re.search(r'href="/my/profile/addresses/(\d+)"', profile).group(1)
    visits = [Visit("customer.tickets", "/my/tickets")]
    for status, ticket_id in tickets.items():
        visits.append(Visit("customer.ticket_detail", f"/my/tickets/{ticket_id}", status))
    booked = make_ticket(app, status="assigned", priority="P3")
    windows = re.findall(r'name="slot" value="([^"]+)"', customer.get(f"/my/tickets/{booked}/visit").get_data(
        as_text=True))
    assert customer.post_form(f"/my/tickets/{booked}/visit/book", {"slot": windows[0]}).status_code == 302
    visits += [Visit("customer.ticket_visit", f"/my/tickets/{tickets['triaged']}/visit", "times to book",
                     then=[("none chosen", book_without_choosing)]),
               Visit("customer.ticket_visit", f"/my/tickets/{booked}/visit", "booked, times to move to")]
    visits += [Visit("customer.ticket_detail", f"/my/tickets/{answered}", "question answered"),
               Visit("customer.ticket_detail", f"/my/tickets/{rated}", "rated"),
               Visit("customer.new_request", "/my/requests/new", then=[("unit and problem given", fill_request)]),
               Visit("customer.profile", "/my/profile"),
               Visit("customer.edit_address", f"/my/profile/addresses/{address}")]
    billed = make_ticket(app, status="closed", serial="PX50-SN1001")
    visits += [Visit("customer.bill_page", f"/my/tickets/{billed}/bill", "signed, invoice to request"),
               Visit("customer.my_points", "/my/points"),
               Visit("customer.bill_points_page", f"/my/tickets/{tickets['resolved']}/points", "points to spend"),
               Visit("customer.message_preferences", "/my/messages"),
               Visit("customer.wechat_page", "/my/wechat")]
    return visits + account_visits()


def track(number, digits):
    def fill(page):
        page.locator("[name=number]").fill(number)
        page.locator("[name=phone_last4]").fill(digits)
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".track-result" if digits == "5678" else ".form-error")).to_be_visible()
    return fill


def compare_copy(path):
    def upload(page):
        page.locator("[name=pdf]").set_input_files(str(path))
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".verify-result.bad")).to_be_visible()
    return upload


def ask_signing_code(page):
    page.locator("#signing-code button[type=submit]").click()
    expect(page.locator("#signing-code [role=status]")).to_be_visible()


def sign_remotely(app):
    def sign(page):
        page.locator("[name=customer_verification]").fill("取回后试用一天,正常")
        page.locator("[name=signer_name]").fill("周敏")
        page.locator("[name=code]").fill(re.search(r"[:：]\s*(\d{6})", last_mail(app, "signing_code")).group(1))
        draw_signature(page)
        page.locator("#acceptance-form button[type=submit]").click()
        expect(page.locator("#sign-done")).to_be_visible()
    return sign


def wrong_password(page):
    form = page.locator("#login-form")
    form.locator("[name=email]").fill("agent@example.com")
    form.locator("[name=password]").fill("not-the-password")
    form.locator("button[type=submit]").click()
    expect(page.locator("#login-form small.error")).to_be_visible()


def password_of_a_two_factor_account(page):
    form = page.locator("#login-form")
    form.locator("[name=email]").fill("engineer2@example.com")
    form.locator("[name=password]").fill("engineer2-demo")
    form.locator("button[type=submit]").click()
    expect(page.locator("#second-step-form")).to_be_visible()


def not_solved_without_a_reason(page):
    page.locator("#not-solved").evaluate("details => { details.open = true; }")  # axe opened it already
    page.locator("#not-solved button[type=submit]").click()
    expect(page.locator("#reason-error")).to_be_visible()


def confirm_resolved(page):
    page.locator("#confirm-resolved button[type=submit]").click()
    expect(page.locator("#resolution-done")).to_be_visible()


def public_visits(app, login_as, monkeypatch, tmp_path) -> list[Visit]:
    agent = login_as("agent")
    changed_copy = tmp_path / "copy.pdf"
    changed_copy.write_bytes(b"%PDF-1.4 not the archived confirmation")
    closed = make_ticket(app, status="closed")
    resolved = make_ticket(app, status="resolved")
    with app.app_context():
        number = db.session.get(Ticket, closed).number
        company = db.session.scalar(db.select(Customer).where(Customer.name == VIP_COMPANY))
        contact = next(c for c in company.contacts if c.name == "孙工")
        invite_url = f"/desk/customers/{company.id}/contacts/{contact.id}/invite"

    def send():
        agent.post_form(invite_url, {}).close()  # the e-mail goes out once the response is closed
        WebClient(app.test_client()).post_form("/account/login-link", {"email": "customer@example.com"}).close()

    links = mailed_links(app, monkeypatch, send)
    invite = next(link for link in links if "/invite/" in link)
    login = next(link for link in links if "/login/" in link)
    enrol(login_as("engineer2"))  # an account whose sign-in has a second step
    resolution = link_of(app, resolve(app, login_as))
    with app.test_request_context():
        label = device_labels.label_url(db.session.scalar(db.select(Asset).where(Asset.customer_id == company.id)))
        label = label[label.index("/u/"):]
        contact_link = preferences.contact_link(contact.id)
        contact_link = contact_link[contact_link.index("/messages/"):]
    return [Visit("auth.login", "/login", then=[("wrong password", wrong_password)]),
            Visit("auth.second_step", "/login", "after the password",
                  then=[("password of a two-factor account typed", password_of_a_two_factor_account)]),
            Visit("auth.track", "/track", then=[("no match", track(number, "0000")),
                                                ("ticket found", track(number, "5678"))]),
            Visit("verify.start", "/verify"),
            Visit("verify.check", f"/verify/{verification_code(agent, closed)}", "genuine",
                  then=[("a changed copy compared", compare_copy(changed_copy))]),
            Visit("verify.check", "/verify/NOSUCHCODE", "unknown code", status=404),
            Visit("sign.open_link", signing_link(agent, resolved), "opened from the e-mail",
                  then=[("code asked", ask_signing_code)]),
            Visit("sign.remote", "/sign/", "the link opened before", then=[("signed", sign_remotely(app))]),
            Visit("sign.open_link", "/sign/no-such-token", "link gone", status=404),
            # The link in the message of a resolution without a visit.
            Visit("resolution_link.open_link", resolution, "opened from the text message",
                  then=[("not solved, no reason given", not_solved_without_a_reason)]),
            Visit("resolution_link.page", "/resolved/", "the link opened before",
                  then=[("confirmed", confirm_resolved)]),
            Visit("resolution_link.open_link", "/resolved/no-such-token", "link gone", status=404),
            # A link's first open moves on to a page without the token in its URL.
            Visit("auth.invite", invite, "redirected to the token-free page"),
            Visit("auth.invite_continue", "/account/invite/continue"),
            Visit("auth.link_login", login, "redirected to the token-free page"),
            Visit("auth.link_login_continue", "/account/login/continue"),
            Visit("auth.link_login", "/account/login/no-such-token", "link gone", status=410),
            Visit("device.label", label, "a unit's label scanned"),
            # A contact's preferences link from an e-mail: on to the token-free page.
            Visit("site.contact_preferences_link", contact_link, "redirected to the token-free page"),
            Visit("site.contact_preferences", "/messages/preferences",
                  then=[("own quiet hours without an end", quiet_without_end)]),
            Visit("site.contact_preferences_link", "/messages/p/no-such-token", "link gone", status=410),
            Visit("", "/no-such-page", "not found", status=404)]


# --- the test -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [*DESK_ROLES, "engineer", "customer", "public"])
def test_no_serious_or_critical_axe_violation_on_any_page(role, app, phone, login_as, monkeypatch, tmp_path,
                                                          artifacts):
    assert AXE.exists(), f"{AXE} is missing: run `make deps` (npm ci installs axe-core, a devDependency)"
    if role in DESK_ROLES:
        visits = desk_visits(app, role, login_as, *desk_data(app, login_as))
    elif role == "engineer":
        visits = engineer_visits(app, login_as)
    elif role == "customer":
        visits = customer_visits(app, login_as)
    else:
        visits = public_visits(app, login_as, monkeypatch, tmp_path)

    expected = routes_for(app, role) - set(NOT_PAGES)
    covered = {v.endpoint for v in visits} | {f for f, host in FRAGMENTS.items() if host in expected}
    assert expected <= covered, (f"pages of {role} that this test does not visit: {sorted(expected - covered)}; "
                                 "add a Visit (or a reason in NOT_PAGES or FRAGMENTS)")

    context = phone()
    page = sign_in(context, *ACCOUNTS[role]) if role in ACCOUNTS else context.new_page()
    report = Report(role)
    for visit in visits:
        name = f"{visit.endpoint or 'error'} {visit.url}" + (f" ({visit.state})" if visit.state else "")
        response = page.goto(visit.url)
        assert response.status == visit.status, f"{name}: HTTP {response.status}"
        if page.locator("#sync-bar").count():
            expect(page.locator("#sync-bar")).not_to_have_attribute("data-state", "loading")
        report.check(page, name)
        for state, act in visit.then:
            act(page)
            report.check(page, f"{name} → {state}")

    (artifacts / f"axe-{role}.json").write_text(json.dumps(
        {"visited": report.visited, "violations": [{"page": n, **v} for n, v in report.found]},
        ensure_ascii=False, indent=1))
    assert not report.blocking(), report.explain()
