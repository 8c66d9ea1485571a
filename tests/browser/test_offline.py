"""The engineer's phone offline, in Chromium on a Pixel viewport: the outbox keeps every submission through
reloads and restarts, replays it once the network returns, and never loses or duplicates a record."""
import io
import re

import pytest
from PIL import Image

from portal.extensions import db
from portal.models import Attachment, Inspection, PartUsage, SyncConflict, Ticket, User, Visit, WorkRecord
from portal.services import tickets
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE_TIMEZONE, sign_in
from tests.conftest import jpeg_bytes
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser

expect = pytest.importorskip("playwright.sync_api").expect
ENGINEER = ("engineer@example.com", "engineer-demo")
SYNC_WAIT = 30_000  # the replay after reconnecting, photos included

# The outbox as stored in IndexedDB, read through the page's own module (same database connection rules).
READ_OUTBOX = """async () => {
  const store = await import('/static/js/outbox-store.js');
  const out = [];
  for (const e of await store.all()) {
    const files = [];
    for (const [name, blob, filename] of e.files) {
      const bitmap = await createImageBitmap(blob);
      files.push({name, filename, size: blob.size, type: blob.type, width: bitmap.width, height: bitmap.height});
      bitmap.close();
    }
    out.push({id: e.id, key: e.key, url: e.url, ticketId: e.ticketId, label: e.label, state: e.state,
              error: e.error, fields: e.fields, files});
  }
  return out;
}"""


# The job pages the service worker keeps, in every engineer's cache (job-pages-<user id>): {cache: [paths]}.
CACHED_PAGES_BY_CACHE = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    if (!name.startsWith('job-pages-')) continue;
    out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
  }
  return out;
}"""
CACHED_PAGES = f"async () => Object.values(await ({CACHED_PAGES_BY_CACHE})()).flat()"


def posts(log, suffix=""):
    return [entry for entry in log if entry[0] == "POST" and entry[1].endswith(suffix)]


def ready_for_offline(context, ticket_ids=()):
    """Sign in, open My jobs and wait until the service worker controls the page and holds the job pages."""
    page = sign_in(context, *ENGINEER)
    page.goto("/m/jobs")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => document.documentElement.dataset.offlineJobs !== undefined", timeout=20_000)
    cached = page.evaluate(CACHED_PAGES)
    for ticket_id in ticket_ids:
        assert f"/m/jobs/{ticket_id}" in cached, cached
    return page


def outbox(page):
    return page.evaluate(READ_OUTBOX)


def expect_count(page, n, timeout=10_000):
    expect(page.locator("#sync-bar")).to_have_attribute("data-count", str(n), timeout=timeout)


def open_form(page, action):
    """The form posting to .../<action>, with its <details> opened."""
    form = page.locator(f'#job form[data-outbox][action$="/{action}"]').first
    form.evaluate("f => { const d = f.closest('details'); if (d) d.open = true; }")
    return form


def photo_file(tmp_path, name, size=(4000, 3000), orientation=None, grain=False) -> str:
    """A camera-sized JPEG; orientation=6 is a phone held upright (pixels stored sideways plus an EXIF tag);
    grain=True adds sensor-like noise, so the file weighs what a real 12 MP shot does."""
    path = tmp_path / name
    if orientation is None and not grain:
        path.write_bytes(jpeg_bytes(size=size))
    else:
        image = Image.open(io.BytesIO(jpeg_bytes(size=size)))
        if grain:
            noise = Image.effect_noise(size, 40).convert("RGB")
            image = Image.blend(image, noise, 0.35)
        exif = Image.Exif()
        if orientation:
            exif[0x0112] = orientation
        out = io.BytesIO()
        image.save(out, "JPEG", exif=exif, quality=92)
        path.write_bytes(out.getvalue())
    return str(path)


def arrive(page):
    open_form(page, "arrive").locator("button[type=submit]").click()
    expect(page.locator("#job .outbox-saved").first).to_be_visible()


def inspect(page, tmp_path, photo_name="board.jpg", findings="主控板电容鼓包,已拍照", grain=False) -> int:
    """Fill the checklist (whatever the product's template asks), the findings and one photo; submit.
    Returns how many photos went into the form."""
    form = open_form(page, "inspection")
    photos = 1
    for item in form.locator("fieldset.check-item").all():
        if item.locator("input[type=radio]").count():
            item.locator("input[type=radio][value=yes]").check()
        elif item.locator("input[type=file]").count():
            item.locator("input[type=file]").set_input_files(photo_file(tmp_path, "check-" + photo_name))
            photos += 1
        else:
            item.locator("input").fill("220")
    form.locator("[name=findings]").fill(findings)
    form.locator("[name=photos]").set_input_files(photo_file(tmp_path, photo_name, orientation=6, grain=grain))
    form.locator("button[type=submit]").click()
    return photos


def record_work(page):
    form = open_form(page, "work")
    form.locator("[name=work_done]").fill("更换主控板,开机测试正常")
    form.locator("[name=labour_minutes]").fill("45")
    form.locator("[name=parts-0-part_id]").select_option(index=1)
    form.locator("[name=parts-0-removed_serial]").fill("OLD-1")
    form.locator("[name=parts-0-installed_serial]").fill("NEW-1")
    form.locator("button[type=submit]").click()


def counts(app, ticket_id) -> dict:
    with app.app_context():
        def n(model, *where):
            return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))
        return {
            "arrivals": n(Visit, Visit.ticket_id == ticket_id, Visit.arrived_at.is_not(None)),
            "inspections": n(Inspection, Inspection.ticket_id == ticket_id),
            "work": n(WorkRecord, WorkRecord.ticket_id == ticket_id),
            "parts": n(PartUsage, PartUsage.work_record_id.in_(
                db.select(WorkRecord.id).where(WorkRecord.ticket_id == ticket_id))),
            "photos": n(Attachment, Attachment.ticket_id == ticket_id, Attachment.purpose == "inspection"),
        }


def test_a_whole_visit_offline_lands_once(app, phone, server_log, tmp_path, artifacts):
    ticket_id = make_ticket(app, status="assigned")
    context = phone()
    page = ready_for_offline(context, [ticket_id])

    context.set_offline(True)
    server_log.clear()
    page.goto(f"/m/jobs/{ticket_id}")  # from the service worker: no network
    expect(page.locator("#job .ticket-number")).to_be_visible()
    arrive(page)
    expect_count(page, 1)
    photos = inspect(page, tmp_path)
    expect_count(page, 2)
    record_work(page)
    expect_count(page, 3)
    expect(page.locator("#sync-bar [data-sync-summary]")).to_contain_text("3")
    page.screenshot(path=artifacts / "offline-1-three-waiting.png")
    page.locator("#sync-bar [data-sync-toggle]").click()
    expect(page.locator("#sync-bar .sync-item")).to_have_count(3)
    page.screenshot(path=artifacts / "offline-2-list-open.png")
    # Offline emulation holds for the service worker's own fetches too: no page, photo or form got through.
    # (Chromium's update check of the worker script, /sw.js and its importScripts, does not obey it.)
    app_traffic = [r for r in server_log if r[1] != "/sw.js" and not r[1].startswith("/static/vendor/workbox/")]
    assert app_traffic == [], "nothing may reach the server while offline"

    entries = outbox(page)
    assert [e["url"].rsplit("/", 1)[1] for e in entries] == ["arrive", "inspection", "work"]
    assert len({e["key"] for e in entries}) == 3
    assert all(e["state"] == "waiting" and e["ticketId"] == str(ticket_id) for e in entries)

    context.set_offline(False)  # the `online` event starts the replay
    expect_count(page, 0, timeout=SYNC_WAIT)
    expect(page.locator("#sync-bar")).to_have_attribute("data-state", "clear")
    page.screenshot(path=artifacts / "offline-3-all-sent.png")
    assert counts(app, ticket_id) == {"arrivals": 1, "inspections": 1, "work": 1, "parts": 1,
                                      "photos": photos}, counts(app, ticket_id)
    # Each submission went out once, with its own key, in the order it was made.
    sent = posts(server_log, "")
    assert [p[1].rsplit("/", 1)[1] for p in sent] == ["arrive", "inspection", "work"], sent
    assert [p[2] for p in sent] == [e["key"] for e in entries]
    # The job on screen is refreshed from the server after the replay.
    expect(page.locator("#job ul.parts")).to_contain_text("NEW-1")

    # Going through the outbox once more (app start, "Send now") sends nothing again.
    page.reload()
    page.locator("#sync-bar [data-sync-send]").evaluate("b => b.disabled || b.click()")
    page.wait_for_timeout(500)
    assert len(posts(server_log)) == 3
    assert counts(app, ticket_id)["inspections"] == 1


def test_photos_are_shrunk_on_the_phone_and_the_outbox_survives_a_reload(app, phone, server_log, tmp_path, artifacts):
    ticket_id = make_ticket(app, status="assigned")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    context.set_offline(True)
    server_log.clear()
    page.goto(f"/m/jobs/{ticket_id}")
    arrive(page)
    inspect(page, tmp_path, grain=True)
    expect_count(page, 2)
    stored_after = page.evaluate("performance.getEntriesByName('outbox:stored').at(-1).duration") / 1000

    photos = [f for e in outbox(page) for f in e["files"] if f["name"] == "photos"]
    assert len(photos) == 1
    shot = photos[0]
    # 4000x3000 stored sideways with EXIF orientation 6: upright and at most 1600 px on the long edge.
    assert (shot["width"], shot["height"]) == (1200, 1600), shot
    assert shot["type"] == "image/jpeg" and shot["filename"] == "board.jpg"
    original = (tmp_path / "board.jpg").stat().st_size
    print(f"\nphoto: {original} bytes as taken (4000x3000) -> {shot['size']} bytes stored (1200x1600); "
          f"shrunk and stored on the phone in {stored_after:.2f} s")
    assert shot["size"] < original / 4

    before = outbox(page)
    page.reload()  # offline: the page comes from the service worker, the outbox from IndexedDB
    expect_count(page, 2)
    assert outbox(page) == before
    # The cached page predates the queued arrival: the step shows as saved instead of asking again.
    expect(page.locator('#job form[action$="/arrive"]')).to_be_hidden()
    expect(page.locator("#job .outbox-saved").first).to_be_visible()
    # A required field left empty is not queued: the phone asks for it first.
    open_form(page, "work").locator("button[type=submit]").click()
    expect(page.locator("#job form[action$='/work'] [name=work_done]:invalid")).to_have_count(1)
    page.wait_for_timeout(300)
    expect_count(page, 2)
    # A fresh key on every form when the page opens: a cached page must not reuse the key it was cached with.
    keys = page.locator("#job form[data-outbox] input[name=idempotency_key]").evaluate_all("l => l.map(i => i.value)")
    assert len(set(keys)) == len(keys) and not {e["key"] for e in before} & set(keys)
    assert posts(server_log) == []

    # Back on a slow uplink (about 3G): the upload progress shows while the photo goes out.
    cdp = context.new_cdp_session(page)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 150,
                                                  "downloadThroughput": 200_000, "uploadThroughput": 60_000})
    context.set_offline(False)
    meter = page.locator("#sync-bar progress")
    expect(meter).to_be_visible(timeout=SYNC_WAIT)
    page.wait_for_function("() => document.querySelector('#sync-bar progress').value > 0")
    page.screenshot(path=artifacts / "offline-7-uploading.png")
    expect_count(page, 0, timeout=SYNC_WAIT)
    expect(meter).to_be_hidden()
    sent = [p for p in posts(server_log)]
    assert [p[1].rsplit("/", 1)[1] for p in sent] == ["arrive", "inspection"]


def test_the_outbox_survives_a_browser_restart(app, playwright, live_server, server_log, tmp_path):
    ticket_id = make_ticket(app, status="assigned")
    profile = tmp_path / "profile"
    device = playwright.devices.get("Pixel 7") or playwright.devices["Pixel 5"]
    device = {k: v for k, v in device.items() if k != "default_browser_type"}

    def launch(offline=False):
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, locale="zh-CN", base_url=live_server,
            timezone_id=PHONE_TIMEZONE, offline=offline, **device)
        context.set_default_timeout(10_000)
        return context

    context = launch()
    try:
        page = ready_for_offline(context, [ticket_id])
        # With a real profile Chrome may install the portal: manifest, icons and worker all qualify.
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        context.set_offline(True)
        server_log.clear()
        page.goto(f"/m/jobs/{ticket_id}")
        arrive(page)
        expect_count(page, 1)
        assert posts(server_log) == []
        # Leave the page before closing: Playwright lifts the offline emulation while it shuts the browser
        # down, and the page would take that `online` event as a cue to send.
        page.goto("about:blank")
    finally:
        context.close()

    context = launch(offline=True)  # the browser comes back up with no signal
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"/m/jobs/{ticket_id}")
        expect(page.locator("#job .ticket-number")).to_be_visible()
        expect_count(page, 1)
        assert posts(server_log) == []
        context.set_offline(False)
        expect_count(page, 0, timeout=SYNC_WAIT)
        assert counts(app, ticket_id)["arrivals"] == 1
    finally:
        context.close()


def test_a_replay_answered_500_stays_then_lands_once(app, phone, server_log, artifacts):
    ticket_id = make_ticket(app, status="assigned")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    page.goto(f"/m/jobs/{ticket_id}")
    answered = []

    def first_fails(route):
        answered.append(route.request.header_value("idempotency-key"))
        if len(answered) == 1:
            route.fulfill(status=500, json={"ok": False, "error": "服务器暂时故障 (test)"})
        else:
            route.continue_()

    context.route(re.compile(r".*/arrive$"), first_fails)
    arrive(page)
    item = page.locator("#sync-bar .sync-item.state-failed")
    expect(item).to_have_count(1)
    # Server trouble is retried on its own (same key, growing pause): shown, but not as needing the engineer.
    expect(page.locator("#sync-bar")).to_have_attribute("data-state", "waiting")
    page.locator("#sync-bar [data-sync-toggle]").click()
    expect(item).to_contain_text("服务器暂时故障 (test)")
    page.screenshot(path=artifacts / "offline-4-failed-500.png")
    assert counts(app, ticket_id)["arrivals"] == 0
    assert posts(server_log, "/arrive") == []  # the 500 never reached the server

    page.locator("#sync-bar [data-sync-send]").click()
    expect_count(page, 0, timeout=SYNC_WAIT)
    assert len(answered) == 2 and answered[0] == answered[1], "a retry keeps the key"
    assert counts(app, ticket_id)["arrivals"] == 1
    expect(page.locator("#job .done").first).to_be_visible()


def test_the_same_key_sent_twice_at_once_makes_one_record(app, phone):
    ticket_id = make_ticket(app, status="in_progress")
    page = sign_in(phone(), *ENGINEER)
    page.goto(f"/m/jobs/{ticket_id}")
    before = counts(app, ticket_id)["inspections"]
    answers = page.evaluate("""async ({url}) => {
      const form = document.querySelector(`form[action$="${url}"]`);
      const value = (name) => form.querySelector(`[name=${name}]`)?.value || "";
      const key = crypto.randomUUID();
      const canvas = new OffscreenCanvas(64, 48);
      canvas.getContext("2d").fillRect(0, 0, 32, 24);
      const jpeg = await canvas.convertToBlob({type: "image/jpeg"});
      const send = () => {
        const body = new FormData();
        for (const name of ["csrf_token", "version"]) body.append(name, value(name));
        body.append("idempotency_key", key);
        body.append("findings", "同一个键,两次同时发送");
        for (const box of form.querySelectorAll("fieldset.check-item input[type=radio][value=yes]")) {
          body.append(box.name, "yes");
        }
        for (const box of form.querySelectorAll("fieldset.check-item input[type=text]")) body.append(box.name, "220");
        for (const box of form.querySelectorAll("fieldset.check-item input[type=file]")) {
          body.append(box.name, jpeg, "x.jpg");
        }
        return fetch(form.action, {method: "POST", body, headers: {
          "Idempotency-Key": key, "Accept": "application/json", "X-CSRFToken": value("csrf_token"),
          "X-Requested-With": "outbox"}}).then(async (r) => ({status: r.status, body: await r.json()}));
      };
      const both = await Promise.all([send(), send()]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return [...both, await send()];
    }""", {"url": f"/m/jobs/{ticket_id}/inspection"})
    statuses = [a["status"] for a in answers]
    print(f"\nsame key twice at once, then once more: {statuses}")
    assert all(a["status"] == 200 or (a["status"] == 409 and a["body"].get("retry")) for a in answers[:2]), answers
    assert 200 in statuses[:2], answers
    assert answers[2]["status"] == 200 and answers[2]["body"] == next(a for a in answers if a["status"] == 200)["body"]
    assert counts(app, ticket_id)["inspections"] == before + 1


def test_a_job_reassigned_meanwhile_shows_as_a_conflict(app, phone, server_log, artifacts):
    ticket_id = make_ticket(app, status="assigned", priority="P3")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    context.set_offline(True)
    server_log.clear()
    page.goto(f"/m/jobs/{ticket_id}")
    arrive(page)
    expect_count(page, 1)

    with app.test_request_context():  # the supervisor gives the job to someone else meanwhile
        ticket = db.session.get(Ticket, ticket_id)
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        other = db.session.scalar(db.select(User).where(User.email == "engineer2@example.com"))
        tickets.assign(ticket, agent, engineer=other, version=None, reason="engineer ill")
        db.session.commit()

    context.set_offline(False)
    conflict = page.locator("#sync-bar .sync-item.state-conflict")
    expect(conflict).to_have_count(1, timeout=SYNC_WAIT)
    page.locator("#sync-bar [data-sync-toggle]").click()
    expect(conflict.locator(".sync-error")).not_to_be_empty()
    expect_count(page, 1)  # kept, not lost
    page.screenshot(path=artifacts / "offline-5-conflict.png")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SyncConflict)
                                 .where(SyncConflict.ticket_id == ticket_id)) == 1
    assert counts(app, ticket_id)["arrivals"] == 0

    # Discarding asks first; cancelling keeps it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    conflict.locator("[data-action=discard]").click()
    expect_count(page, 1)
    page.once("dialog", lambda dialog: dialog.accept())
    conflict.locator("[data-action=discard]").click()
    expect_count(page, 0)


def test_a_refused_item_can_be_edited_and_resent(app, phone, server_log, artifacts):
    ticket_id = make_ticket(app, status="in_progress")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    page.goto(f"/m/jobs/{ticket_id}")
    refused = []

    def refuse_once(route):
        refused.append(route.request.header_value("idempotency-key"))
        if len(refused) == 1:
            route.fulfill(status=422, json={"ok": False, "error": "工作内容太短 (test)"})
        else:
            route.continue_()

    context.route(re.compile(r".*/work$"), refuse_once)
    record_work(page)
    failed = page.locator("#sync-bar .sync-item.state-failed")
    page.locator("#sync-bar [data-sync-toggle]").click()
    expect(failed).to_contain_text("工作内容太短 (test)")
    # A refused (4xx) item is not retried on its own.
    page.locator("#sync-bar [data-sync-send]").click()
    page.wait_for_timeout(500)
    assert len(refused) == 1
    failed.locator("[data-action=edit]").click()
    box = failed.locator("textarea").first
    expect(box).to_have_value("更换主控板,开机测试正常")
    box.fill("更换主控板,开机测试正常,已清洁风扇")
    page.screenshot(path=artifacts / "offline-6-edit-and-resend.png")
    failed.locator("[data-action=save-resend]").click()
    expect_count(page, 0, timeout=SYNC_WAIT)
    assert len(refused) == 2 and refused[0] != refused[1], "an edited body goes under a new key"
    with app.app_context():
        texts = db.session.scalars(db.select(WorkRecord.work_done).where(WorkRecord.ticket_id == ticket_id)).all()
    assert texts.count("更换主控板,开机测试正常,已清洁风扇") == 1


def test_sign_out_warns_while_items_wait_and_clears_the_phone_when_empty(app, phone, server_log):
    ticket_id = make_ticket(app, status="assigned")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    context.set_offline(True)
    server_log.clear()
    page.goto(f"/m/jobs/{ticket_id}")
    arrive(page)
    expect_count(page, 1)
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("form[data-signout] button").click()
    page.wait_for_timeout(300)
    assert messages and page.url.endswith(f"/m/jobs/{ticket_id}"), "cancelled: still signed in, on the job"
    expect_count(page, 1)

    context.set_offline(False)
    expect_count(page, 0, timeout=SYNC_WAIT)
    page.locator("form[data-signout] button").click()  # nothing waits: no question
    page.wait_for_url(re.compile(r"/login"))
    leftovers = page.evaluate("""async () => ({
      databases: (await indexedDB.databases()).map(d => d.name),
      caches: await caches.keys(),
    })""")
    assert "outbox" not in leftovers["databases"], leftovers
    assert not [name for name in leftovers["caches"] if name.startswith(("job-pages", "job-files"))], leftovers


def test_a_replay_still_running_elsewhere_is_retried_after_retry_after(app, phone, server_log):
    ticket_id = make_ticket(app, status="assigned")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    page.goto(f"/m/jobs/{ticket_id}")
    keys = []

    def busy_once(route):
        keys.append(route.request.header_value("idempotency-key"))
        if len(keys) == 1:
            route.fulfill(status=409, headers={"Retry-After": "1"}, json={"ok": False, "retry": True, "error": "busy"})
        else:
            route.continue_()

    context.route(re.compile(r".*/arrive$"), busy_once)
    arrive(page)
    expect_count(page, 0, timeout=SYNC_WAIT)  # no button pressed: the Retry-After timer sent it again
    assert len(keys) == 2 and keys[0] == keys[1]
    assert counts(app, ticket_id)["arrivals"] == 1


def test_items_older_than_three_days_are_pointed_out(app, phone, artifacts):
    page = ready_for_offline(phone())
    page.context.set_offline(True)
    page.evaluate("""async () => {
      const store = await import('/static/js/outbox-store.js');
      await store.add({key: crypto.randomUUID(), url: '/m/jobs/999/arrive', ticketId: '999',
        ticketNumber: 'SR202601010001', label: 'Arrival', fields: [['csrf_token', 'x']], files: [],
        createdAt: new Date(Date.now() - 4 * 86400e3).toISOString(), state: 'waiting', error: '', attempts: 0});
    }""")
    expect(page.locator("#sync-bar [data-sync-old]")).to_be_visible()
    expect_count(page, 1)
    page.screenshot(path=artifacts / "offline-8-old-items.png")


def test_an_entry_from_an_earlier_session_is_sent_with_the_current_token(app, phone, server_log):
    """Signing out clears the session; what was queued before goes out after the next sign-in all the same."""
    ticket_id = make_ticket(app, status="assigned")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    context.set_offline(True)
    page.goto(f"/m/jobs/{ticket_id}")
    arrive(page)
    expect_count(page, 1)
    page.evaluate("""async () => {  // the token the earlier session signed, no longer valid
      const store = await import('/static/js/outbox-store.js');
      const [entry] = await store.all();
      await store.update(entry.id, {fields: entry.fields.map(([n, v]) => [n, n === 'csrf_token' ? 'stale' + v : v])});
    }""")
    server_log.clear()
    context.set_offline(False)
    expect_count(page, 0, timeout=SYNC_WAIT)
    sent = posts(server_log, "/arrive")
    assert len(sent) == 2 and sent[0][2] == sent[1][2], "refused once (400), then accepted under the same key"
    assert counts(app, ticket_id)["arrivals"] == 1
