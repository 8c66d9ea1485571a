// The engineer's outbox: takes over every form[data-outbox], stores the submission (photos shrunk) in
// IndexedDB before any network attempt, sends it when it can, and shows it all in the sync bar.
// Also registers the service worker, asks it to keep the open jobs on the phone, and guards sign-out.
import * as store from "./outbox-store.js";
import { events, replay } from "./outbox-send.js";
import * as syncBar from "./outbox-bar.js";
import { refreshJob, retryRefresh, sectionDone } from "./outbox-refresh.js";
import { downscale } from "./photos.js";

const TICK_MS = 20000;
const KEY_FIELD = "idempotency_key";
const TEXT_TYPES = new Set(["text", "textarea", "number", "tel", "email", "search", "url", "date", "time",
  "datetime-local"]);

const barElement = document.getElementById("sync-bar");
if (barElement) {
  store.setOwner(barElement.dataset.userId);
  store.claimPhone();  // the server drew this page for this engineer: they are the one signed in now
}
const bar = barElement ? syncBar.setup(barElement, { sendNow, resend, discard, discardConflicts }) : null;
const t = bar ? bar.texts : syncBar.texts(null);
const pageLoadedAt = Date.now();

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function render() {
  if (bar) bar.render().catch((err) => console.error("sync bar", err));
}

/** Send what is due, then plan the next try. */
function kick(options = {}) {
  return replay(t, { ...options, csrf: currentCsrfToken }).then(schedule)
    .catch((err) => console.error("outbox replay", err));
}

// ---- Forms --------------------------------------------------------------------------------------------

// A page may come from the service worker's cache with the key the server put in when it was cached:
// every form gets a key of its own when it appears, so two submissions never share one.
function prepareForms(root) {
  const fresh = [...root.querySelectorAll("form[data-outbox]")].filter((form) => !form.dataset.outboxReady);
  for (const form of fresh) {
    form.dataset.outboxReady = "1";
    renewKey(form);
  }
  // A page from the phone's cache predates what waits in the outbox: mark those steps as saved, so an
  // arrival queued before a reload is not tapped (and recorded) a second time.
  if (!fresh.length) return;
  store.all().then((entries) => {
    const waiting = new Set(entries.map((e) => e.url));
    for (const form of fresh) {
      if (waiting.has(new URL(form.action, location.href).pathname)) showSaved(form);
    }
  }).catch((err) => console.error("outbox", err));
}

function renewKey(form) {
  let input = form.querySelector(`input[name="${KEY_FIELD}"]`);
  if (!input) {
    input = Object.assign(document.createElement("input"), { type: "hidden", name: KEY_FIELD });
    form.append(input);
  }
  input.value = uuid();
}

// What is typed and not yet saved is carried over when the job is shown again after a background send.
document.addEventListener("input", (event) => {
  const form = event.target.form;
  if (form && form.matches("form[data-outbox]")) form.dataset.dirty = "1";
}, true);

function labelFor(form, control) {
  const label = (control.id && form.querySelector(`label[for="${CSS.escape(control.id)}"]`)) ||
    control.closest("label");
  const text = label ? label.textContent.replace(/\s*\*\s*$/, "").trim() : control.getAttribute("aria-label");
  // "Part 2 · Qty": a repeated group is told apart by its legend.
  const legend = control.closest("fieldset") && control.closest("fieldset").querySelector("legend");
  return [legend && legend.textContent.trim(), text || control.name].filter(Boolean).join(" · ");
}

/** The entry for a submitted form: text fields, files (photos shrunk), and what the bar needs to show it. */
async function capture(form, submitter) {
  let data;
  try {
    data = new FormData(form, submitter || undefined);
  } catch (err) {
    data = new FormData(form);  // browsers without the submitter argument
  }
  const fields = [];
  const files = [];
  for (const [name, value] of data) {
    if (typeof value === "string") {
      fields.push([name, value]);
    } else if (value.size > 0) {
      // Photos are shrunk; other files are copied into memory so the stored entry does not hang on the input.
      const photo = value.type.startsWith("image/") && value.type !== "image/svg+xml";
      const { blob, filename } = photo ? await downscale(value)
        : { blob: new Blob([await value.arrayBuffer()], { type: value.type }), filename: value.name };
      files.push([name, blob, filename]);
    }
  }
  // What "Edit and resend" offers: the text the engineer typed (not untouched defaults such as the
  // quantity of an unused part line); the server's field errors can add more when it refuses.
  const editable = [];
  const multiline = [];
  const labels = {};
  for (const control of form.elements) {
    const type = control.tagName === "TEXTAREA" ? "textarea" : control.type;
    if (!control.name || !TEXT_TYPES.has(type)) continue;
    labels[control.name] = labelFor(form, control);
    if (type === "textarea") multiline.push(control.name);
    if (control.value !== control.defaultValue) editable.push(control.name);
  }
  const key = (fields.find(([name]) => name === KEY_FIELD) || [])[1] || uuid();
  const job = form.closest("#job");
  const number = form.dataset.ticketNumber || (job && job.querySelector(".ticket-number")) || null;
  if (!fields.some(([name]) => name === KEY_FIELD)) fields.push([KEY_FIELD, key]);
  return {
    key, url: new URL(form.action, location.href).pathname, ticketId: form.dataset.ticketId || "",
    ticketNumber: typeof number === "string" ? number : number ? number.textContent.trim() : "",
    label: form.dataset.label || document.title, fields, files, editable, multiline, labels,
    createdAt: new Date().toISOString(), page: location.pathname, state: "waiting", error: "", attempts: 0,
  };
}

// Capture phase on document: runs before htmx's own listener on the form, which must not send it too.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.matches("form[data-signout]")) return signOut(event, form);
  if (!form.matches("form[data-outbox]")) return;
  event.preventDefault();
  event.stopImmediatePropagation();
  if (form.dataset.outboxBusy) return;  // a double tap while photos are shrinking
  // The forms are `novalidate` so the server's messages show; still, do not queue an empty required field.
  // A form's own script may refuse first (the signing screen checks that there is a signature).
  if (!form.dispatchEvent(new CustomEvent("outbox:before-queue", { cancelable: true }))) return;
  if (!form.checkValidity()) {
    form.reportValidity();
    return;
  }
  form.dataset.outboxBusy = "1";
  const started = performance.now();
  const buttons = [...form.querySelectorAll("button, input[type=submit]")];
  buttons.forEach((b) => { b.disabled = true; });
  try {
    const entry = await capture(form, event.submitter);
    await store.add(entry);  // on the phone before any network attempt
    performance.measure("outbox:stored", { start: started });  // photo shrinking + IndexedDB, for tests
    askPersistence();
    savedNote(form);
    kick();
  } catch (err) {
    console.error("outbox: could not store the submission", err);
    alert(err && err.name === "QuotaExceededError" ? t.storageFull : syncBar.fill(t.notSaved, { error: err }));
  } finally {
    delete form.dataset.outboxBusy;
    buttons.forEach((b) => { b.disabled = false; });
    retryRefresh();  // a refresh held back while the form was being stored
  }
}, true);

// Tell the engineer it is safe, and make the form ready for the next record with a key of its own.
function savedNote(form) {
  form.reset();
  delete form.dataset.dirty;
  sectionDone(form);
  renewKey(form);
  showSaved(form);
  if (bar) bar.notice(t.saved);
}

function showSaved(form) {
  let note = form.nextElementSibling;
  if (!note || !note.classList.contains("outbox-saved")) {
    note = Object.assign(document.createElement("p"), { className: "outbox-saved" });
    note.setAttribute("role", "status");
    form.after(note);
  }
  note.textContent = t.saved;
  // A step with no fields (arrival, hand-over), or one marked data-once (the customer's signature), is done
  // once queued: a second tap would record it twice.
  const hasInput = [...form.elements].some((c) => c.name && c.type !== "hidden" && c.type !== "submit" &&
    c.tagName !== "BUTTON");
  if (!hasInput || form.hasAttribute("data-once")) form.hidden = true;
}

// ---- The bar's actions ----------------------------------------------------------------------------------

function sendNow() {
  return kick({ force: true });
}

/** Resend a failed entry, with the engineer's edits if any, and the page's current CSRF token (the session
 *  may be new; the server's fingerprint leaves the token out). A changed body needs a new key, since the
 *  server refuses another body under the old one (422); an unchanged one keeps its key, so a request the
 *  server did apply after all (a 5xx after the commit) is answered from its record, not applied twice. */
async function resend(id, edits) {
  const entry = await store.get(id);
  if (!entry) return;
  const changed = entry.fields.some(([, value], index) => index in edits && edits[index] !== value);
  const key = changed ? uuid() : entry.key;
  const token = currentCsrfToken();
  const fields = entry.fields.map(([name, value], index) => {
    if (name === KEY_FIELD) return [name, key];
    if (name === "csrf_token" && token) return [name, token];
    return [name, index in edits ? edits[index] : value];
  });
  await store.update(id, { fields, key, state: "waiting", error: "", retryAt: 0, retryable: false });
  return sendNow();
}

async function discard(id) {
  await store.remove(id);
}

/** A job's conflicts, read together in the bar, leave the phone at once; the server keeps its own record of
 *  each. Only entries that are still conflicts go: anything else in the list was not what the engineer saw. */
async function discardConflicts(ids) {
  await store.removeAll(ids, (entry) => entry.state !== "conflict");
}

function currentCsrfToken() {
  const input = document.querySelector("form[data-signout] input[name=csrf_token], input[name=csrf_token]");
  return input ? input.value : "";
}

// ---- After a send ---------------------------------------------------------------------------------------

events.addEventListener("progress", (event) => {
  if (bar) bar.progress(event.detail.loaded, event.detail.total);
});
events.addEventListener("idle", () => { if (bar) bar.progress(0, null); });

events.addEventListener("sent", (event) => {
  const { entry, answer } = event.detail;
  if (bar && answer && answer.message) bar.notice(answer.message);
  // A step that leads to another screen (hand-over -> signing) goes there, but only if the engineer is
  // still on the page where it was submitted, during the same visit.
  if (answer && answer.redirect && entry.page === location.pathname && Date.parse(entry.createdAt) >= pageLoadedAt) {
    location.assign(answer.redirect);
    return;
  }
  refreshJob(entry.ticketId).catch(() => {});  // offline again: the page stays as it is
});

// ---- When to replay -------------------------------------------------------------------------------------

let retryTimer = null;

// After a round: come back when the earliest paused entry (409 Retry-After, server trouble) may go again.
async function schedule() {
  render();
  clearTimeout(retryTimer);
  const entries = await store.all();
  const next = Math.min(...entries.map((e) => e.retryAt || Infinity));
  if (next !== Infinity) {
    retryTimer = setTimeout(kick, Math.max(1000, Math.min(TICK_MS, next - Date.now())));
  }
}

function tick() {
  store.all().then((entries) => {
    if (entries.some((e) => e.state === "waiting" || e.state === "sending" || e.retryable)) kick();
  }).catch((err) => console.error("outbox", err));
}

function askPersistence() {
  // Safari may evict a site's storage after 7 days unused; a persisted site keeps it. Asked once.
  if (!navigator.storage || !navigator.storage.persist || localStorage.getItem("outbox:persistAsked")) return;
  localStorage.setItem("outbox:persistAsked", "1");
  navigator.storage.persist().catch(() => {});
}

// ---- Sign-out -------------------------------------------------------------------------------------------

async function signOut(event, form) {
  if (form.dataset.outboxChecked) return;  // second pass: let it go
  event.preventDefault();
  let waiting = 1;  // if the outbox cannot be read, keep everything and only warn
  try {
    waiting = (await store.all()).length;
  } catch (err) {
    console.error("outbox", err);
  }
  if (waiting && !confirm(t.confirmSignOut)) return;
  // The job pages and photos on the phone go in any case (the next person to sign in must not see them); the
  // outbox goes only when nothing in it waits, whoever's: unsent items stay for the engineer who made them.
  store.releasePhone();  // no tab sends anyone's items until an engineer page loads again
  await Promise.race([clearPhone().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 3000))]);
  form.dataset.outboxChecked = "1";
  form.submit();
}

async function clearPhone() {
  await store.dropIfEmpty().catch((err) => console.warn("outbox: not deleted", err));
  localStorage.removeItem(store.lastSyncKey());
  await tellWorker({ type: "clear" });
}

// ---- Service worker -------------------------------------------------------------------------------------

/** Post a message to the active worker and wait for its answer (null without a worker). */
async function tellWorker(message) {
  if (!("serviceWorker" in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration("/");
  const worker = registration && registration.active;
  if (!worker) return null;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    worker.postMessage(message, [channel.port2]);
  });
}

async function startWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  } catch (err) {
    console.warn("service worker not registered", err);
    return;
  }
  await navigator.serviceWorker.ready;
  const user = store.ownerId();
  const jobs = document.getElementById("offline-jobs");
  if (!jobs) {
    // Every engineer page says who is signed in: the worker keeps pages per engineer and drops anyone else's.
    if (user) await tellWorker({ type: "user", user });
    return;
  }
  const urls = [...jobs.querySelectorAll("[data-url]")].map((li) => li.dataset.url);
  // The page too: the worker stores it unless it already kept it on the way in.
  const answer = await tellWorker({ type: "cache-jobs", user, urls, page: location.pathname });
  if (answer) document.documentElement.dataset.offlineJobs = String(answer.cached);
}

// ---- Start ----------------------------------------------------------------------------------------------

function start() {
  prepareForms(document);
  document.body.addEventListener("htmx:afterSettle", () => prepareForms(document));
  store.onChange(render);
  window.addEventListener("online", () => kick());
  window.addEventListener("offline", render);
  setInterval(tick, TICK_MS);
  render();
  kick();  // app start: whatever waits from an earlier visit goes now
  startWorker();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
