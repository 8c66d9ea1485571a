"""One path per service mode in Chromium (phone viewport): a remote fix confirmed by the customer, a depot repair
from the customer's parcel to the signed return, a 7-day return refunded."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Notification, Parcel, Rma, ServicePoint, Ticket, User
from portal.services.localtime import local_today
from tests.browser.conftest import sign_in
from tests.browser.test_acceptance_browser import last_mail
from tests.browser.test_golden_path_browser import draw_signature, photo
from tests.web.factories import make_ticket
from tests.web.test_resolution_link import link_of


def _triage(login_as, ticket_id, category, mode):
    login_as("agent").post_form(f"/desk/tickets/{ticket_id}/triage", {
        "category": category, "priority": "P3", "reason": "x", "mode": mode, "version": "1"})


def _status(app, ticket_id):
    with app.app_context():
        return db.session.get(Ticket, ticket_id).status


def test_a_remote_fix_confirmed_by_the_customer(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="new", description="显示终端无法连接 Wi-Fi,提示认证失败")
    _triage(login_as, ticket_id, "fault_repair", "remote")
    desk = sign_in(phone(), "agent@example.com", "agent-demo")
    desk.goto(f"/desk/tickets/{ticket_id}")
    form = desk.locator("#part-remote form").first
    form.locator("[name=minutes]").fill("20")
    form.locator("[name=tried]").fill("远程重新导入认证证书")
    form.locator("button[type=submit]").click()
    desk.wait_for_selector("#part-remote tr[data-result=fixed]")
    # One resolution path: the desk's "resolve without a visit", as for a consultation.
    desk.locator("#desk-resolve summary").click()
    desk.locator("#desk-resolve [name=summary]").fill("已远程更新证书,终端已联网")
    desk.screenshot(path=artifacts / "modes-remote-desk.png", full_page=True)
    desk.locator("#desk-resolve button[type=submit]").click()
    desk.wait_for_selector("#desk-resolve", state="detached")
    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.wait_for_selector("#confirm-resolution")
    customer.screenshot(path=artifacts / "modes-remote-customer.png", full_page=True)
    customer.locator("#confirm-resolution form").first.locator("button").click()
    customer.wait_for_url(f"**/my/tickets/{ticket_id}**")
    assert _status(app, ticket_id) == "closed"


def test_a_depot_repair_from_the_customers_parcel_to_the_signed_return(app, phone, login_as, artifacts, tmp_path):
    """The issue's "Done when": the customer's parcel (a misfit number questioned), the workshop's receipt with
    the serial checked (a wrong one flagged), the bench repair with the on-site forms, the way back waiting at a
    service point, the pick-up code checked at the hand-over (a wrong one refused), the customer's signature."""
    ticket_id = make_ticket(app, status="new", serial="BR-0001")
    _triage(login_as, ticket_id, "fault_repair", "depot")
    with app.app_context():
        point = ServicePoint(name="上海浦东服务中心", address="上海市浦东新区张江路 100 号", phone="021-5000 0000")
        db.session.add(point)
        db.session.commit()
        point_id = point.id
    # 1. The customer sends the unit in.
    customer = sign_in(phone(), "customer@example.com", "customer-demo")
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.wait_for_selector("#customer-depot form")
    customer.locator("#customer-depot [name=carrier]").select_option("SF")
    customer.locator("#customer-depot [name=tracking_number]").fill("12345")
    customer.locator("#customer-depot button[type=submit]").click()
    customer.wait_for_selector("#customer-depot [name=confirm_misfit], [name=confirm_misfit]")
    customer.screenshot(path=artifacts / "modes-depot-questioned.png", full_page=True)
    customer.locator("[name=tracking_number]").fill("SF1234567890123")
    customer.locator("form:has([name=tracking_number]) button[type=submit]").click()
    customer.wait_for_url(f"**/my/tickets/{ticket_id}**")
    with app.app_context():
        assert db.session.scalar(db.select(Parcel.tracking_number)) == "SF1234567890123"
        engineer_id = db.session.scalar(db.select(User.id).where(User.email == "engineer@example.com"))
        version = db.session.get(Ticket, ticket_id).version
    customer.goto(f"/my/tickets/{ticket_id}")
    customer.wait_for_selector("#customer-depot [data-parcel=in-parcel]")
    customer.screenshot(path=artifacts / "modes-depot-customer.png", full_page=True)
    login_as("agent").post_form(f"/desk/tickets/{ticket_id}/assign", {"engineer_id": engineer_id,
                                                                      "version": version})
    # 2. The workshop receives it: a serial that does not match is flagged, never silently accepted.
    bench = sign_in(phone(), "engineer@example.com", "engineer-demo")
    bench.goto(f"/m/jobs/{ticket_id}/receive")
    receive = bench.locator("#receive-form")
    receive.locator("[name=serial]").fill("BR-9999")
    receive.locator("[name=condition]").fill("外壳完好,附电源适配器")
    receive.locator("button[type=submit]").click()
    expect(bench.locator("#receive-form [name=mismatch_note]")).to_be_visible()
    assert _status(app, ticket_id) == "assigned"
    bench.locator("#receive-form [name=serial]").fill("br-0001")
    bench.locator("#receive-form [name=photos]").set_input_files(photo(tmp_path, "unit.jpg"))
    bench.locator("#receive-form button[type=submit]").click()
    bench.wait_for_url(re.compile(rf"/m/jobs/{ticket_id}$"))
    assert _status(app, ticket_id) == "in_progress"
    # 3. The bench repair with the on-site forms.
    inspection = bench.locator('form[action$="/inspection"]')
    inspection.locator("[name=check_power_on][value=no]").check()
    inspection.locator("[name=check_image][value=no]").check()
    inspection.locator("[name=check_supply_voltage]").fill("220")
    inspection.locator("[name=check_label_photo]").set_input_files(photo(tmp_path, "label.jpg"))
    inspection.locator("[name=findings]").fill("电源板保险丝熔断")
    inspection.locator("button[type=submit]").click()
    expect(bench.locator("#job .record .pre", has_text="电源板保险丝熔断")).to_be_visible()
    work = bench.locator('form[action$="/work"]')
    work.locator("[name=work_done]").fill("更换保险丝,通电测试正常")
    work.locator("[name=labour_minutes]").fill("30")
    work.locator("button[type=submit]").click()
    handover = bench.locator('form[action$="/handover"] button')
    expect(handover).to_be_visible()
    bench.screenshot(path=artifacts / "modes-depot-bench.png", full_page=True)
    handover.click()
    bench.wait_for_url(re.compile(r"/m/jobs/\d+/acceptance$"))
    assert _status(app, ticket_id) == "resolved"
    # 4. The way back waits at the service point; the customer's code is checked at the hand-over.
    desk = sign_in(phone(), "agent@example.com", "agent-demo")
    desk.goto(f"/desk/tickets/{ticket_id}")
    way_back = desk.locator('#part-depot form[data-direction="out"]')
    way_back.locator("[name=method]").select_option("service_point")
    way_back.locator("[name=service_point_id]").select_option(str(point_id))
    way_back.locator("button[type=submit]").click()
    desk.wait_for_selector("#pickup-form")
    with app.app_context():
        code = db.session.scalar(db.select(Parcel.pickup_code).where(Parcel.direction == "out"))
    assert code and code in last_mail_or_notice(app, ticket_id)
    desk.locator("#pickup-form [name=code]").fill("000000" if code != "000000" else "111111")
    desk.locator("#pickup-form button[type=submit]").click()
    expect(desk.locator("#pickup-form")).to_contain_text("取件码不匹配")  # the phone reads Chinese
    with app.app_context():
        assert db.session.scalar(db.select(Parcel.received_at).where(Parcel.direction == "out")) is None
    desk.locator("#pickup-form [name=code]").fill(code)
    desk.locator("#part-depot").screenshot(path=artifacts / "modes-depot-pickup.png")
    desk.locator("#pickup-form button[type=submit]").click()
    desk.wait_for_selector("[data-pickup=done]")
    # 5. The customer signs the acceptance on their own phone at the counter, through the signing link.
    desk.locator("#remote-acceptance button[type=submit]").click()
    desk.wait_for_selector("#signing-link-sent")
    url = re.search(r"(http\S+/sign/\S+)", last_mail(app, "signing_link")).group(1)
    signer = phone().new_page()
    signer.goto(url[url.index("/sign/"):])
    signer.wait_for_url(re.compile(r"/sign/$"))
    signer.locator("#signing-code button[type=submit]").click()
    expect(signer.locator("#signing-code [role=status]")).to_be_visible()
    signing_code = re.search(r"[:：]\s*(\d{6})", last_mail(app, "signing_code")).group(1)
    signer.locator("[name=customer_verification]").fill("取件时当场开机,正常")
    signer.locator("[name=signer_name]").fill("张经理")
    signer.locator("[name=code]").fill(signing_code)
    draw_signature(signer)
    signer.locator("#acceptance-form button[type=submit]").click()
    expect(signer.locator("#sign-done")).to_be_visible()
    signer.screenshot(path=artifacts / "modes-depot-signed.png", full_page=True)
    assert _status(app, ticket_id) == "closed"


def last_mail_or_notice(app, ticket_id) -> str:
    """Every message the customer was sent about the ticket, in one text."""
    with app.app_context():
        return " ".join(db.session.scalars(db.select(Notification.body).where(Notification.ticket_id == ticket_id)))


def test_a_seven_day_return_refunded(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="new", serial="BR-0002")
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket.asset.purchase_date = local_today() - timedelta(days=4)
        ticket.asset.price_paid_fen = 259_900
        db.session.commit()
    _triage(login_as, ticket_id, "return", "depot")
    desk = sign_in(phone(), "agent@example.com", "agent-demo")
    desk.goto(f"/desk/tickets/{ticket_id}")
    desk.wait_for_selector("#part-rma form")
    assert "4" in desk.locator("#part-rma .entitlement").inner_text()
    desk.locator("#part-rma [name=reason]").fill("客户第4天要求退货")
    desk.locator("#part-rma button[type=submit]").click()
    desk.wait_for_selector("#part-rma [data-rma=requested]")
    login_as("supervisor").post_form(f"/desk/tickets/{ticket_id}/rma/approve", {})
    login_as("agent").post_form(f"/desk/tickets/{ticket_id}/rma/receive", {})
    desk.goto(f"/desk/tickets/{ticket_id}")
    desk.wait_for_selector("#part-rma [name=refund]")
    desk.locator("#part-rma [name=refund]").fill("2599")
    desk.screenshot(path=artifacts / "modes-rma-refund.png", full_page=True)
    desk.locator("#part-rma button[type=submit]").click()
    desk.wait_for_selector("#part-rma [data-refund='259900']")
    with app.app_context():
        assert db.session.scalar(db.select(Rma.refund_fen)) == 259_900
    assert _status(app, ticket_id) == "closed"


def test_the_engineer_logs_a_remote_session_and_resolves_on_the_phone(app, phone, login_as, artifacts):
    ticket_id = make_ticket(app, status="assigned", description="显示终端无法连接 Wi-Fi")
    with app.app_context():
        db.session.get(Ticket, ticket_id).mode = "remote"
        db.session.commit()
    page = sign_in(phone(), "engineer@example.com", "engineer-demo")
    page.goto(f"/m/jobs/{ticket_id}")
    page.locator("#remote-job a").click()
    page.wait_for_url(re.compile(rf"/m/jobs/{ticket_id}/remote$"))
    log = page.locator("#remote-log")
    log.locator("[name=minutes]").fill("20")
    log.locator("[name=tried]").fill("远程重新导入认证证书")
    log.locator("button[type=submit]").click()
    expect(page.locator(".remote-log [data-result=fixed]")).to_be_visible()
    page.locator("#remote-resolve [name=summary]").fill("已远程更新证书,终端已联网")
    page.screenshot(path=artifacts / "modes-remote-engineer.png", full_page=True)
    page.locator("#remote-resolve button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/m/jobs/{ticket_id}$"))
    assert _status(app, ticket_id) == "resolved"
    # The customer confirms from the link in the text message, on their own phone, without an account.
    customer = phone().new_page()
    customer.goto(link_of(app, ticket_id))
    expect(customer.locator("#resolution-text")).to_contain_text("已远程更新证书")
    customer.screenshot(path=artifacts / "modes-remote-link.png", full_page=True)
    customer.locator("#confirm-resolved button[type=submit]").click()
    expect(customer.locator("#resolution-done")).to_be_visible()
    assert _status(app, ticket_id) == "closed"
