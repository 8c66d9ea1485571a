"""The outbox when the server settles an item without applying it (a conflict, a refusal): the job's later
items are still sent, in order, and the engineer reads a job's conflicts together and settles them at once."""
import re

import pytest

from portal.extensions import db
from portal.models import SyncConflict, Ticket, TicketEvent, User
from portal.services import tickets
from tests.browser.conftest import sign_in
from tests.browser.test_offline import (
    ENGINEER,
    SYNC_WAIT,
    arrive,
    counts,
    expect_count,
    open_form,
    outbox,
    posts,
    ready_for_offline,
    record_work,
)
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect


def diagnose(page, cause="电源模块老化,输出电压偏低"):
    form = open_form(page, "diagnosis")
    form.locator("[name=cause]").fill(cause)
    form.locator("[name=permanent_fix]").fill("更换电源模块")
    form.locator("button[type=submit]").click()


def update_customer(page, message):
    form = open_form(page, "progress")
    form.locator("[name=message]").fill(message)
    form.locator("button[type=submit]").click()


def reassign(app, ticket_id):
    """The supervisor gives the job to another engineer while the phone is offline."""
    with app.test_request_context():
        ticket = db.session.get(Ticket, ticket_id)
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        other = db.session.scalar(db.select(User).where(User.email == "engineer2@example.com"))
        tickets.assign(ticket, agent, engineer=other, version=None, reason="engineer ill")
        db.session.commit()


def sync_conflicts(app, ticket_id) -> list[str]:
    with app.app_context():
        return db.session.scalars(db.select(SyncConflict.action).where(SyncConflict.ticket_id == ticket_id)
                                  .order_by(SyncConflict.id)).all()


def progress_messages(app, ticket_id) -> list[str]:
    with app.app_context():
        return db.session.scalars(db.select(TicketEvent.body).where(
            TicketEvent.ticket_id == ticket_id, TicketEvent.kind == "customer_updated").order_by(TicketEvent.id)).all()


def test_items_behind_a_conflict_are_all_sent_and_settled_in_one_action(app, phone, server_log, artifacts):
    reassigned = make_ticket(app, status="assigned", priority="P3")
    mine = make_ticket(app, status="assigned")
    context = phone()
    page = ready_for_offline(context, [reassigned, mine])
    context.set_offline(True)
    server_log.clear()
    page.goto(f"/m/jobs/{reassigned}")
    arrive(page)
    diagnose(page)
    record_work(page)
    for n in range(1, 4):
        update_customer(page, f"第{n}次进度更新:备件已订购")
    expect_count(page, 6)
    page.goto(f"/m/jobs/{mine}")  # another job, queued after them: its own lane
    arrive(page)
    expect_count(page, 7)
    queued = [e for e in outbox(page) if e["ticketId"] == str(reassigned)]
    reassign(app, reassigned)

    context.set_offline(False)
    expect_count(page, 6, timeout=SYNC_WAIT)
    conflicts = page.locator("#sync-bar .sync-item.state-conflict")
    expect(conflicts).to_have_count(6, timeout=SYNC_WAIT)
    # Every item reached the server, in the order it was made, and the server kept each as a conflict.
    sent = posts(server_log, "")
    assert [p[1] for p in sent if f"/jobs/{reassigned}/" in p[1]] == [e["url"] for e in queued], sent
    assert [p[2] for p in sent if f"/jobs/{reassigned}/" in p[1]] == [e["key"] for e in queued]
    assert sync_conflicts(app, reassigned) == ["arrive", "diagnosis", "work", "progress", "progress", "progress"]
    assert counts(app, reassigned)["arrivals"] == 0 and counts(app, mine)["arrivals"] == 1
    assert all(e["state"] == "conflict" for e in outbox(page))

    # The engineer reads them together: one group for the job, with the server's reason once.
    page.locator("#sync-bar [data-sync-toggle]").click()
    group = page.locator("#sync-bar .sync-group")
    expect(group).to_have_count(1)
    with app.app_context():
        number = db.session.get(Ticket, reassigned).number
    expect(group.locator(".sync-item-head")).to_contain_text(number)
    expect(group.locator(".sync-item")).to_have_count(6)
    expect(group.locator(".sync-error")).to_have_count(1)
    expect(group.locator(".sync-error")).to_have_text(outbox(page)[0]["error"])
    discard_all = group.locator("[data-action=discard-conflicts]")
    expect(discard_all).to_contain_text("6")
    expect(discard_all).to_contain_text(number)
    expect(group.locator("[data-action=discard]")).to_have_count(0)
    page.screenshot(path=artifacts / "offline-9-conflicts-of-a-job.png")

    # One question for the lot; cancelling keeps them all.
    questions = []

    def answer(accept):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    page.once("dialog", answer(False))
    discard_all.click()
    expect(page.locator("#sync-bar")).to_have_attribute("data-count", "6")
    assert len(questions) == 1 and "6" in questions[0] and number in questions[0], questions
    page.once("dialog", answer(True))
    discard_all.click()
    expect_count(page, 0)
    assert len(questions) == 2
    # The phone let go of its copies; the server's record for the supervisor stays.
    assert len(sync_conflicts(app, reassigned)) == 6


def test_a_refused_item_does_not_hold_back_the_rest_of_its_job(app, phone, server_log):
    ticket_id = make_ticket(app, status="in_progress")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    refused = []

    def refuse(route):
        refused.append(route.request.header_value("idempotency-key"))
        route.fulfill(status=422, json={"ok": False, "error": "诊断内容不完整 (test)"})

    context.route(re.compile(r".*/diagnosis$"), refuse)
    context.set_offline(True)
    page.goto(f"/m/jobs/{ticket_id}")
    diagnose(page)
    update_customer(page, "诊断后的进度更新")
    expect_count(page, 2)
    server_log.clear()

    context.set_offline(False)
    expect_count(page, 1, timeout=SYNC_WAIT)  # the update went; the refused diagnosis stays, marked
    [left] = outbox(page)
    assert left["url"].endswith("/diagnosis") and left["state"] == "failed", left
    assert len(refused) == 1
    assert progress_messages(app, ticket_id) == ["诊断后的进度更新"]
    assert [p[1].rsplit("/", 1)[1] for p in posts(server_log)] == ["progress"]  # the 422 was the route's
    page.locator("#sync-bar [data-sync-toggle]").click()
    expect(page.locator("#sync-bar .sync-item.state-failed")).to_contain_text("诊断内容不完整 (test)")


def test_server_trouble_still_holds_back_the_rest_of_its_job(app, phone, server_log):
    """A 500 may pass: the item is retried with its key, and the job's later items wait for it."""
    ticket_id = make_ticket(app, status="in_progress")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    tries = []

    def fail_once(route):
        tries.append(route.request.header_value("idempotency-key"))
        if len(tries) == 1:
            route.fulfill(status=500, json={"ok": False, "error": "服务器暂时故障 (test)"})
        else:
            route.continue_()

    context.route(re.compile(r".*/work$"), fail_once)
    context.set_offline(True)
    page.goto(f"/m/jobs/{ticket_id}")
    record_work(page)
    update_customer(page, "工作记录之后的进度更新")
    expect_count(page, 2)
    server_log.clear()

    context.set_offline(False)
    expect(page.locator("#sync-bar .sync-item.retrying")).to_have_count(1, timeout=SYNC_WAIT)
    page.wait_for_function("""async () => {
      const entries = await (await import('/static/js/outbox-store.js')).all();
      return entries.length === 2 && entries[0].retryAt > 0 && entries[1].state === 'waiting';
    }""")
    assert posts(server_log) == [], "the update must not overtake the work record"
    page.locator("#sync-bar [data-sync-send]").click()
    expect_count(page, 0, timeout=SYNC_WAIT)
    assert [p[1].rsplit("/", 1)[1] for p in posts(server_log)] == ["work", "progress"]
    assert len(tries) == 2 and tries[0] == tries[1]


def test_what_may_go_next_per_job(app, phone):
    """The replay order rules of outbox-send.js, on made-up entries: a settled entry (conflict, refusal)
    lets the job's next one go; a paused one (Retry-After, server trouble) holds its job's later ones back."""
    page = sign_in(phone(), *ENGINEER)
    ids = page.evaluate("""async () => {
      const { due } = await import('/static/js/outbox-send.js');
      const now = Date.now();
      const e = (id, ticketId, state, more = {}) => ({ id, ticketId, state, url: `/m/jobs/${ticketId}/x`, ...more });
      const entries = [
        e(1, 'A', 'conflict'), e(2, 'A', 'conflict'), e(3, 'A', 'waiting'), e(4, 'A', 'waiting'),
        e(5, 'B', 'failed', { retryable: false }), e(6, 'B', 'waiting'),
        e(7, 'C', 'failed', { retryable: true, retryAt: now + 60000 }), e(8, 'C', 'waiting'),
        e(9, 'D', 'waiting', { retryAt: now + 5000 }), e(10, 'D', 'waiting'),
        e(11, 'E', 'failed', { retryable: true, retryAt: now - 1 }), e(12, 'E', 'waiting'),
      ];
      const ids = (options) => due(entries, { now, ...options }).map((x) => x.id);
      return { normal: ids({}), forced: ids({ force: true }) };
    }""")
    assert ids == {"normal": [3, 6, 11], "forced": [3, 6, 7, 9, 11]}, ids
