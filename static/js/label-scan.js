// The engineer scans the QR label of the unit on site with the phone's camera (jsQR, vendored from npm): what
// it reads goes into the serial form's hidden "scanned" field and the form is sent like any step (online, or
// through the phone's outbox). Typing the serial stays possible; the button shows only where a camera can be
// asked for. Delegated from the document, so it keeps working after htmx swaps the job.
(function () {
  "use strict";
  let running = null;

  function reveal(root) {
    const usable = !!(window.jsQR && navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
    root.querySelectorAll("[data-label-scan]").forEach((button) => { button.hidden = !usable; });
  }

  function stop() {
    if (!running) return;
    running.stream.getTracks().forEach((track) => track.stop());
    running.panel.hidden = true;
    running.video.srcObject = null;
    running = null;
  }

  function frame() {
    if (!running) return;
    const { video, canvas, context, form } = running;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
      if (code && code.data) {
        form.querySelector("input[name=scanned]").value = code.data;
        stop();
        form.requestSubmit();
        return;
      }
    }
    requestAnimationFrame(frame);
  }

  async function start(button) {
    stop();
    const form = button.closest("form");
    const panel = form.querySelector(".label-scanner");
    const status = panel.querySelector("[data-scan-status]");
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      const video = panel.querySelector("video");
      const canvas = document.createElement("canvas");
      running = { stream, video, canvas, context: canvas.getContext("2d", { willReadFrequently: true }), form, panel };
      panel.hidden = false;
      video.srcObject = stream;
      await video.play();
      requestAnimationFrame(frame);
    } catch (error) {
      panel.hidden = false;
      status.textContent = button.dataset.noCamera || String(error && error.name);
    }
  }

  document.addEventListener("click", (event) => {
    const scan = event.target.closest("[data-label-scan]");
    if (scan) { event.preventDefault(); start(scan); return; }
    if (event.target.closest("[data-scan-stop]")) { event.preventDefault(); stop(); }
  });
  document.addEventListener("htmx:beforeSwap", stop);
  document.addEventListener("htmx:afterSettle", () => reveal(document));
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => reveal(document));
  else reveal(document);
})();
