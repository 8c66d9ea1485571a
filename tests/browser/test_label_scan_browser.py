"""The engineer scans a unit's QR label with the phone's camera on the job page: Chromium's fake camera plays a
video of the printed label, the vendored jsQR reads it under the strict CSP, and the serial is confirmed."""
import re

import segno
from PIL import Image
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Asset
from portal.services import device_labels
from tests.browser.conftest import CHROMIUM_ARGS, PHONE_TIMEZONE
from tests.web.factories import make_ticket

WIDTH, HEIGHT = 640, 480


def label_video(url: str, path) -> None:
    """A Y4M video (what Chromium's fake camera plays) of the label's QR code, black on white."""
    qr = segno.make(url, error="m")
    scale = max(1, 360 // qr.symbol_size(border=4)[0])
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    code = Image.open(_png(qr, scale)).convert("L")
    image.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    luma, chroma = image.tobytes(), bytes([128]) * (WIDTH * HEIGHT // 4)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + luma + chroma + chroma)


def _png(qr, scale):
    import io
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    return buffer


def test_scan_the_label_on_the_job_page(app, playwright, live_server, tmp_path):
    ticket_id = make_ticket(app, status="in_progress", serial="ABC2000-SN0001")
    with app.test_request_context():
        asset = db.session.scalar(db.select(Asset).where(Asset.serial == "ABC2000-SN0001"))
        url = device_labels.label_url(asset)
    video = tmp_path / "label.y4m"
    label_video(url, video)
    device = {k: v for k, v in (playwright.devices.get("Pixel 7") or playwright.devices["Pixel 5"]).items()
              if k != "default_browser_type"}
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path="/usr/bin/chromium", base_url=live_server, **device,
        locale="zh-CN", timezone_id=PHONE_TIMEZONE, permissions=["camera"],
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"])
    try:
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto("/login")
        form = page.locator("main form").first
        form.locator("[name=email]").fill("engineer@example.com")
        form.locator("[name=password]").fill("engineer-demo")
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda u: "/login" not in u)
        page.goto(f"/m/jobs/{ticket_id}")
        page.locator("details.serial-check summary").click()
        scan = page.locator("[data-label-scan]")
        expect(scan).to_be_visible()
        scan.click()
        # The form goes through the phone's outbox like every step: its answer is shown on the sync bar.
        expect(page.get_by_text(re.compile("序列号已核对|Serial number confirmed")).first).to_be_visible(
            timeout=15_000)
    finally:
        context.close()
    with app.app_context():
        from portal.models import TicketEvent
        event = db.session.scalar(db.select(TicketEvent).where(TicketEvent.ticket_id == ticket_id,
                                                               TicketEvent.kind == "serial_confirmed"))
        assert event is not None and event.data == {"serial": "ABC2000-SN0001", "method": "label"}
