// The customer's signature: signature_pad on a canvas that keeps its strokes through rotation and
// resizing, and writes the PNG and the phone's time into the form's hidden fields after every stroke.
(function () {
  "use strict";

  // The PNG sent is at most this large whatever the screen: a desktop at 3x would draw on a canvas 4000 px
  // wide, and the server refuses signatures over 2 megapixels.
  var MAX_WIDTH = 1600, MAX_HEIGHT = 600;

  function exportPng(canvas, pad) {
    var scale = Math.min(1, MAX_WIDTH / canvas.width, MAX_HEIGHT / canvas.height);
    if (scale === 1) return pad.toDataURL("image/png");
    var out = document.createElement("canvas");
    out.width = Math.max(1, Math.floor(canvas.width * scale));
    out.height = Math.max(1, Math.floor(canvas.height * scale));
    var ctx = out.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(canvas, 0, 0, out.width, out.height);
    return out.toDataURL("image/png");
  }

  function setup(canvas) {
    if (canvas.dataset.ready) return;
    canvas.dataset.ready = "1";
    var form = canvas.closest("form");
    var signatureInput = form.querySelector(canvas.dataset.signatureInput);
    var timeInput = form.querySelector(canvas.dataset.timeInput);
    var pad = new SignaturePad(canvas, { minWidth: 1, maxWidth: 3, penColor: "#111" });

    function store() {
      if (pad.isEmpty()) {
        signatureInput.value = "";
        return;
      }
      signatureInput.value = exportPng(canvas, pad);
      timeInput.value = new Date().toISOString();
    }

    function resize() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var data = pad.toData();
      var width = canvas.offsetWidth, height = canvas.offsetHeight;
      if (!width || !height) return;
      canvas.width = width * ratio;
      canvas.height = height * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      if (data.length) pad.fromData(data);
    }

    pad.addEventListener("endStroke", function () {
      store();
      var note = form.querySelector("[data-signature-error]");
      if (note && !pad.isEmpty()) note.hidden = true;
    });
    form.querySelector("[data-clear-signature]").addEventListener("click", function () {
      pad.clear();
      store();
    });
    window.addEventListener("resize", resize);
    window.addEventListener("orientationchange", resize);
    resize();
    // Re-rendered after a validation error: show the signature the form still carries.
    if (signatureInput.value.indexOf("data:image/png;base64,") === 0) {
      pad.fromDataURL(signatureInput.value, { width: canvas.offsetWidth, height: canvas.offsetHeight });
    }
  }

  // "Accept" asks for the signature, "not satisfied" for the reason: show what the choice needs.
  function showOutcome(form) {
    var checked = form.querySelector("input[data-outcome]:checked");
    var outcome = checked ? checked.value : "accept";
    form.dataset.outcome = outcome;
    // What each answer needs, so the phone asks before the answer is queued.
    ["functional_check", "customer_verification"].forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      if (input) input.required = outcome === "accept";
    });
    var reason = form.querySelector("[name=reason]");
    if (reason) reason.required = outcome === "reject";
  }

  function signatureMissing(form) {
    var input = form.querySelector("[name=signature]");
    return form.dataset.outcome !== "reject" && input && input.value.indexOf("data:image/png;base64,") !== 0;
  }

  function showSignatureError(form, show) {
    var note = form.querySelector("[data-signature-error]");
    if (!note) return;
    note.hidden = !show;
    if (show) note.scrollIntoView({ block: "center" });
  }

  function setupForm(form) {
    if (form.dataset.acceptanceReady) return;
    form.dataset.acceptanceReady = "1";
    showOutcome(form);
    // Queued through the outbox, or posted: either way not without a signature when accepting.
    form.addEventListener("outbox:before-queue", function (event) {
      if (signatureMissing(form)) {
        event.preventDefault();
        showSignatureError(form, true);
      }
    });
    form.addEventListener("submit", function (event) {
      if (form.matches("[data-outbox]")) return;  // the outbox asks through outbox:before-queue
      if (signatureMissing(form)) {
        event.preventDefault();
        event.stopImmediatePropagation();
        showSignatureError(form, true);
      }
    }, true);
    form.addEventListener("change", function (event) {
      if (event.target.matches("input[data-outcome]")) showOutcome(form);
      if (event.target.matches("input[data-share-location]") && event.target.checked) locate(form, event.target);
    });
  }

  // Only when the engineer ticks the box: the phone's position goes into hidden fields.
  function locate(form, box) {
    if (!navigator.geolocation) {
      box.checked = false;
      return;
    }
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      form.querySelector("[name=accuracy]").value = Math.round(position.coords.accuracy);
    }, function () {
      box.checked = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function init(root) {
    (root || document).querySelectorAll("canvas[data-signature-input]").forEach(setup);
    (root || document).querySelectorAll("#acceptance-form").forEach(setupForm);
    if (root && root.id === "acceptance-form") setupForm(root);
  }

  // The phone's clock as the answer leaves it (the outbox sends its own X-Client-Sent-At at replay time).
  document.addEventListener("submit", function (event) {
    var input = event.target.querySelector && event.target.querySelector("[name=client_sent_at]");
    if (input) input.value = new Date().toISOString();
  }, true);

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // A form re-rendered by htmx (for example with an error) brings a fresh canvas.
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
