"""One phone, two engineers: job pages are kept per signed-in engineer and leave at sign-out; an item still in
the outbox stays on the phone, is never sent while another engineer is signed in (from any tab), and goes once
its own engineer signs in again."""
import re

import pytest

from portal.extensions import db
from portal.models import User, Visit
from tests.browser.conftest import sign_in
from tests.browser.test_offline import (
    CACHED_PAGES,
    CACHED_PAGES_BY_CACHE,
    ENGINEER,
    SYNC_WAIT,
    arrive,
    counts,
    expect_count,
    posts,
    ready_for_offline,
)
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect
ENGINEER2 = ("engineer2@example.com", "engineer2-demo")

# Everything in the outbox's database, whoever's, read without the page's owner filter.
RAW_OUTBOX = """async () => {
  const { openDB } = await import('/static/vendor/idb.js');
  const database = await openDB('outbox');
  const entries = await database.getAll('entries');
  database.close();
  return entries.map((e) => ({ userId: e.userId, url: e.url }));
}"""

# The caches whose URLs Workbox still keeps times for (in IndexedDB): none of a signed-out engineer's.
EXPIRATION_CACHES = """async () => {
  if (!(await indexedDB.databases()).some((d) => d.name === 'workbox-expiration')) return [];
  const { openDB } = await import('/static/vendor/idb.js');
  const database = await openDB('workbox-expiration');
  const names = (await database.getAll('cache-entries')).map((e) => e.cacheName);
  database.close();
  return [...new Set(names)];
}"""

# Nudge this tab's outbox (the `online` event replays) and wait until that replay round is over: it holds the
# Web Lock, and a lock asked for afterwards is granted only once it is released.
NUDGE_AND_SETTLE = """async () => {
  window.dispatchEvent(new Event('online'));
  await navigator.locks.request('outbox-replay', async () => {});
}"""


def user_id(app, email):
    with app.app_context():
        return str(db.session.scalar(db.select(User.id).where(User.email == email)))


def sign_out(page, expect_question):
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.locator("form[data-signout] button").click()
    page.wait_for_url(re.compile(r"/login"))
    assert bool(questions) == expect_question, questions


def test_the_next_engineer_sees_none_of_the_first_ones_pages_and_never_sends_their_items(
        app, phone, server_log, artifacts):
    mine = make_ticket(app, status="assigned")
    theirs = make_ticket(app, status="assigned", priority="P3", engineer="engineer2@example.com")
    first, second = user_id(app, ENGINEER[0]), user_id(app, ENGINEER2[0])
    context = phone()
    page = ready_for_offline(context, [mine])
    # The arrival waits on the phone: pages load, but the outbox's posts do not get through.
    tried = []

    def unreachable(route):
        tried.append(route.request.url)
        route.abort("internetdisconnected")

    context.route(re.compile(r".*/arrive$"), unreachable)
    page.goto(f"/m/jobs/{mine}")
    arrive(page)
    expect_count(page, 1)
    expect(page.locator("#sync-bar .sync-item")).to_have_count(1)
    # A second tab is left on the job, as happens on a phone: it must not send the item under the next account.
    left_open = context.new_page()
    left_open.goto(f"/m/jobs/{mine}")
    expect_count(left_open, 1)

    sign_out(page, expect_question=True)  # the item waits: asked first
    # From here on no tab may try to send it (the route events of earlier tries were all handled while
    # sign_out waited for the sign-in page, which came after them).
    tried.clear()
    server_log.clear()
    assert [(e["userId"], e["url"]) for e in page.evaluate(RAW_OUTBOX)] == [(first, f"/m/jobs/{mine}/arrive")]
    assert page.evaluate(CACHED_PAGES) == [], "job pages stay on the phone after sign-out"
    assert not [c for c in page.evaluate("caches.keys()") if c.startswith("job-files")]
    assert page.evaluate(EXPIRATION_CACHES) == []

    page = sign_in(context, *ENGINEER2)
    page.wait_for_function("() => document.documentElement.dataset.offlineJobs !== undefined", timeout=20_000)
    # Only the second engineer's pages are kept, in their own cache; the first one's item is held, with a word.
    kept = page.evaluate(CACHED_PAGES_BY_CACHE)
    assert set(kept) == {f"job-pages-{second}"}, kept
    assert set(kept[f"job-pages-{second}"]) == {"/m/jobs", f"/m/jobs/{theirs}"}, kept
    expect_count(page, 0)
    others = page.locator("#sync-bar [data-sync-others]")
    expect(others).to_be_visible()
    expect(others).to_contain_text("1")
    expect(page.locator("#sync-bar .sync-item")).to_have_count(0)
    page.screenshot(path=artifacts / "shared-phone-1-next-engineer.png")
    page.evaluate(NUDGE_AND_SETTLE)
    left_open.evaluate(NUDGE_AND_SETTLE)  # the first engineer's old tab
    assert tried == [] and posts(server_log, "/arrive") == [], "an item was sent under another engineer's session"

    # With no signal the first engineer's job is not on the phone for the second; the second's own job is.
    context.set_offline(True)
    response = page.goto(f"/m/jobs/{mine}")
    assert response.status == 503
    expect(page.locator(".offline-page")).to_be_visible()
    expect(page.locator("#job")).to_have_count(0)
    page.goto(f"/m/jobs/{theirs}")
    expect(page.locator("#job .ticket-number")).to_be_visible()
    context.set_offline(False)
    page.goto("/m/jobs")
    expect_count(page, 0)

    sign_out(page, expect_question=False)  # nothing of theirs waits; the first engineer's item stays
    assert len(page.evaluate(RAW_OUTBOX)) == 1
    context.unroute(re.compile(r".*/arrive$"))
    left_open.close()
    page = sign_in(context, *ENGINEER)
    expect_count(page, 0, timeout=SYNC_WAIT)  # sent by itself once its engineer is back
    assert counts(app, mine)["arrivals"] == 1
    with app.app_context():
        visit = db.session.scalar(db.select(Visit).where(Visit.ticket_id == mine))
        assert str(visit.engineer_id) == first
    expect(page.locator("#sync-bar [data-sync-others]")).to_be_hidden()


def test_a_session_that_ended_without_signing_out_leaves_nothing_for_the_next_engineer(app, phone):
    mine = make_ticket(app, status="assigned")
    second = user_id(app, ENGINEER2[0])
    context = phone()
    page = ready_for_offline(context, [mine])
    # The session ends on the server side (expired, or ended from another device): no sign-out button.
    context.clear_cookies()
    page.goto(f"/m/jobs/{mine}")
    page.wait_for_url(re.compile(r"/login"))
    page.close()
    page = sign_in(context, *ENGINEER2)
    page.wait_for_function("() => document.documentElement.dataset.offlineJobs !== undefined", timeout=20_000)
    kept = page.evaluate(CACHED_PAGES_BY_CACHE)
    assert set(kept) == {f"job-pages-{second}"} and f"/m/jobs/{mine}" not in kept[f"job-pages-{second}"], kept
    context.set_offline(True)
    assert page.goto(f"/m/jobs/{mine}").status == 503
    expect(page.locator("#job")).to_have_count(0)
