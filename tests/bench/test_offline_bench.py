"""The engineer's phone, measured: replaying a day's outbox, the bytes a camera photo costs, and what a job
page transfers on first and repeat loads. Prints figures; run with `make bench`.

Served by the test app on Werkzeug's threaded server (SQLite), so the replay time is an upper bound of what
gunicorn would do; the byte counts are the same either way."""
import time
from collections import defaultdict

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_offline import (
    ENGINEER,
    READ_OUTBOX,
    expect_count,
    inspect,
    open_form,
    photo_file,
    ready_for_offline,
)
from tests.web.factories import make_ticket

pytestmark = pytest.mark.browser

TICKETS = 5
PHOTO_FORMS_PER_TICKET = 4      # 20 inspections with photos
TEXT_FORMS_PER_TICKET = 6       # 30 progress updates


@pytest.fixture
def wire(app):
    """Every request that reaches the server: method, path, bytes received, bytes sent (compressed body)."""
    seen = []
    inner = app.wsgi_app

    def record(environ, start_response):
        entry = {"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"],
                 "received": int(environ.get("CONTENT_LENGTH") or 0), "sent": 0}
        seen.append(entry)
        body = inner(environ, start_response)
        try:
            for chunk in body:
                entry["sent"] += len(chunk)
                yield chunk
        finally:
            if hasattr(body, "close"):
                body.close()

    app.wsgi_app = record
    yield seen
    app.wsgi_app = inner


def kind(path: str) -> str:
    if path.startswith("/static/"):
        return "css" if path.endswith(".css") else "js" if path.endswith(".js") else "static"
    return "photo" if path.startswith("/files/") else "html"


def test_replay_fifty_submissions_after_reconnect(app, phone, wire, tmp_path):
    ids = [make_ticket(app, status="in_progress") for _ in range(TICKETS)]
    context = phone()
    page = ready_for_offline(context, ids)
    context.set_offline(True)
    queued = 0
    started = time.perf_counter()
    for ticket_id in ids:
        page.goto(f"/m/jobs/{ticket_id}")  # from the service worker
        for n in range(PHOTO_FORMS_PER_TICKET):
            inspect(page, tmp_path, photo_name=f"p{n}.jpg", findings=f"第{n}次检查", grain=True)
            queued += 1
            expect_count(page, queued, timeout=20_000)
        for n in range(TEXT_FORMS_PER_TICKET):
            form = open_form(page, "progress")
            form.locator("[name=message]").fill(f"进度更新 {n}: 正在更换配件")
            form.locator("button[type=submit]").click()
            queued += 1
            expect_count(page, queued)
    queue_seconds = time.perf_counter() - started
    entries = page.evaluate(READ_OUTBOX)
    photo_bytes = sum(f["size"] for e in entries for f in e["files"])
    assert len(entries) == 50

    wire.clear()
    reconnected = time.perf_counter()
    context.set_offline(False)  # the `online` event starts the replay
    expect_count(page, 0, timeout=180_000)
    replay_seconds = time.perf_counter() - reconnected
    posts = [r for r in wire if r["method"] == "POST"]
    assert len(posts) == 50, len(posts)
    print(f"\n50 submissions (20 with photos, {photo_bytes / 1e6:.1f} MB of shrunk photos) queued offline in "
          f"{queue_seconds:.1f} s; from reconnect to an empty outbox: {replay_seconds:.2f} s "
          f"({50 / replay_seconds:.1f} submissions/s, {sum(r['received'] for r in posts) / 1e6:.1f} MB up)")


def test_one_camera_photo_costs_a_fraction_of_its_size(app, phone, wire, tmp_path):
    ticket_id = make_ticket(app, status="in_progress")
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    context.set_offline(True)
    page.goto(f"/m/jobs/{ticket_id}")
    # Only the photo of the findings: answer a photo item of the checklist, if any, with a tiny image.
    form = open_form(page, "inspection")
    for item in form.locator("fieldset.check-item").all():
        if item.locator("input[type=radio]").count():
            item.locator("input[type=radio][value=yes]").check()
        elif item.locator("input[type=file]").count():
            item.locator("input[type=file]").set_input_files(photo_file(tmp_path, "tiny.jpg", size=(64, 48)))
        else:
            item.locator("input").fill("220")
    form.locator("[name=findings]").fill("拍照一张")
    camera = photo_file(tmp_path, "camera.jpg", size=(4000, 3000), orientation=6, grain=True)
    form.locator("[name=photos]").set_input_files(camera)
    form.locator("button[type=submit]").click()
    expect_count(page, 1)
    shrunk = page.evaluate("performance.getEntriesByName('outbox:stored').at(-1).duration") / 1000
    stored = [f for e in page.evaluate(READ_OUTBOX) for f in e["files"] if f["name"] == "photos"][0]
    wire.clear()
    context.set_offline(False)
    expect_count(page, 0, timeout=30_000)
    request = [r for r in wire if r["method"] == "POST"][0]
    original = (tmp_path / "camera.jpg").stat().st_size
    print(f"\none 4000x3000 camera photo: {original / 1e3:.0f} kB as taken -> {stored['size'] / 1e3:.0f} kB "
          f"sent ({stored['width']}x{stored['height']}, shrunk and stored in {shrunk:.2f} s); "
          f"the whole inspection request: {request['received'] / 1e3:.0f} kB")


def test_job_page_transfer_first_and_repeat_loads(app, playwright, browser, live_server, wire, phone):
    ticket_id = make_ticket(app, status="in_progress")
    device = playwright.devices.get("Pixel 7") or playwright.devices["Pixel 5"]

    # First load: no service worker yet, an empty HTTP cache.
    cold = browser.new_context(**device, locale="zh-CN", base_url=live_server, service_workers="block")
    try:
        page = sign_in(cold, *ENGINEER)
        context_cdp = cold.new_cdp_session(page)
        context_cdp.send("Network.enable")
        context_cdp.send("Network.clearBrowserCache")
        wire.clear()
        page.goto(f"/m/jobs/{ticket_id}", wait_until="networkidle")
        first = defaultdict(int)
        for r in wire:
            first[kind(r["path"])] += r["sent"]
        total = sum(first.values())
        print(f"\njob page, first load (compressed bodies): {total / 1e3:.1f} kB = "
              + ", ".join(f"{k} {v / 1e3:.1f} kB" for k, v in sorted(first.items()))
              + f" over {len(wire)} requests")
    finally:
        cold.close()

    # Repeat loads: the service worker serves the shell; only the page itself is asked of the network.
    context = phone()
    page = ready_for_offline(context, [ticket_id])
    page.goto(f"/m/jobs/{ticket_id}", wait_until="networkidle")
    from_worker = []
    page.on("response", lambda response: from_worker.append(response.from_service_worker))
    wire.clear()
    loads = 5
    for _ in range(loads):
        page.reload(wait_until="networkidle")
    repeat = sum(r["sent"] for r in wire) / loads
    pages = sum(1 for r in wire if r["path"] == f"/m/jobs/{ticket_id}")
    checks = sum(1 for r in wire if r["path"].startswith("/static/") and not r["sent"])
    print(f"job page, repeat loads: {sum(from_worker)} of {len(from_worker)} responses from the service worker; "
          f"{repeat / 1e3:.1f} kB per load over the network: the page itself ({pages} of {loads} loads) and "
          f"{checks / loads:.0f} background freshness checks of the shell answered 304 with no body")

    context.set_offline(True)
    wire.clear()
    from_worker.clear()
    page.reload(wait_until="load")
    print(f"job page, offline load: {sum(from_worker)} of {len(from_worker)} responses from the service worker, "
          f"{len(wire)} requests reached the server")
    assert total < 60_000
