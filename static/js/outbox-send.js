// Sending the outbox: one entry at a time, oldest first, and never past an entry of the same ticket that
// may still go (a later step of a job must not overtake an earlier one). An entry the server has settled
// (a conflict it recorded, a refusal that changed nothing) waits for the engineer but holds nothing back:
// the job's later entries are still sent, and the server applies or records each of them. An entry is
// deleted only after a 2xx answer whose JSON says ok; every other answer keeps it, marked, with the
// server's words.
import * as store from "./outbox-store.js";

// Answers that may pass by themselves (server trouble, a lost optimistic-lock race): retried with the same key.
const RETRY_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504]);
const SEND_TIMEOUT_MS = 180000;  // a photo over a slow rural link takes a while; the key makes a retry safe
const events = new EventTarget();
let running = null;
let again = false;

/** "progress" ({loaded, total}), "sent" ({entry, answer}), "idle": for the sync bar and the page. */
export { events };

/** POST one entry; resolves to {status, data, retryAfter}. Status 0 means the network did not answer. */
export function send(entry) {
  return new Promise((resolve) => {
    const body = new FormData();
    for (const [name, value] of entry.fields) body.append(name, value);
    for (const [name, blob, filename] of entry.files) body.append(name, blob, filename);
    const csrf = (entry.fields.find(([name]) => name === "csrf_token") || [])[1] || "";
    const xhr = new XMLHttpRequest();
    xhr.open("POST", entry.url);
    xhr.timeout = SEND_TIMEOUT_MS;
    xhr.setRequestHeader("Idempotency-Key", entry.key);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("X-Requested-With", "outbox");
    // The phone's clock as this request leaves it: the server compares it with its own (clock skew).
    xhr.setRequestHeader("X-Client-Sent-At", new Date().toISOString());
    xhr.upload.onprogress = (e) => events.dispatchEvent(new CustomEvent("progress", {
      detail: { id: entry.id, loaded: e.loaded, total: e.lengthComputable ? e.total : 0 } }));
    const offline = () => resolve({ status: 0, data: null });
    xhr.onerror = offline;
    xhr.ontimeout = offline;
    xhr.onabort = offline;
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (err) { /* an HTML error page */ }
      resolve({
        status: xhr.status, data, statusText: xhr.statusText, url: xhr.responseURL,
        retryAfter: parseInt(xhr.getResponseHeader("Retry-After") || "", 10),
      });
    };
    xhr.send(body);
  });
}

/** What an answer means for the entry: a patch to store, or null when it is done (delete it). */
export function judge(answer, entry, texts) {
  const now = Date.now();
  const base = { attempts: (entry.attempts || 0) + 1, lastTriedAt: now };
  const { status, data } = answer;
  if (status === 0) {
    return { ...base, state: "waiting", error: "", retryAt: 0, offline: true };
  }
  if (status >= 200 && status < 300 && data && data.ok === true) return null;
  // Signed out (401, or the sign-in page reached by a redirect): nothing was saved and nothing is wrong with
  // the entry. It waits, and goes by itself once the engineer has signed in again.
  if (status === 401 || (status >= 200 && status < 300 && /\/login\b/.test(answer.url || ""))) {
    return { ...base, state: "waiting", error: texts.signedOut, retryAt: 0, halt: true };
  }
  if (status >= 200 && status < 300) {
    return { ...base, state: "failed", retryable: false, error: texts.unexpected };
  }
  if (status === 409 && data && data.retry) {
    const seconds = Number.isFinite(answer.retryAfter) ? answer.retryAfter : 5;
    return { ...base, state: "waiting", error: "", retryAt: now + seconds * 1000 };
  }
  if (status === 409 && data && data.conflict) {
    return { ...base, state: "conflict", error: data.error || data.message || texts.conflict };
  }
  const message = (data && (data.error || data.message)) || `${status} ${answer.statusText || ""}`.trim();
  // Server trouble may pass: retried with the same key (safe), with a growing pause; shown meanwhile.
  const retryable = RETRY_STATUSES.has(status);
  const pause = Math.min(300, 20 * 2 ** Math.min(base.attempts - 1, 4)) * 1000;
  return { ...base, state: "failed", retryable, error: message,
    fieldErrors: (data && data.fields) || {}, retryAt: retryable ? now + pause : 0 };
}

/** Settled by the server: nothing more happens to it until the engineer edits, resends or discards it. */
export function settled(entry) {
  return entry.state === "conflict" || (entry.state === "failed" && !entry.retryable);
}

/** Entries that may go now, in order: the first unsettled entry of each ticket, unless it is paused. */
export function due(entries, { force = false, now = Date.now() } = {}) {
  const blocked = new Set();
  const ready = [];
  for (const entry of entries) {
    const lane = entry.ticketId || entry.url;
    if (blocked.has(lane) || settled(entry)) continue;
    // Only one entry per ticket per round: the next one waits to see how this one ends. A paused one
    // (409 Retry-After, server trouble) holds its ticket's later entries back until it has gone.
    blocked.add(lane);
    const paused = entry.retryAt && entry.retryAt > now && !force;
    if (!paused) ready.push(entry);
  }
  return ready;
}

/**
 * Send what is due, round after round, until nothing more can go. Calls made while a replay runs
 * schedule one more round instead of starting a second sender; other tabs are kept out by a Web Lock.
 * `csrf()` gives the page's current CSRF token, for entries made before the engineer signed in again.
 */
export function replay(texts, { force = false, csrf = () => "" } = {}) {
  if (running) {
    again = true;
    return running;
  }
  const work = async () => {
    do {
      again = false;
      await rounds(texts, force, csrf);
    } while (again);
  };
  const locked = navigator.locks ? navigator.locks.request("outbox-replay", work) : work();
  running = locked.finally(() => {
    running = null;
    events.dispatchEvent(new Event("idle"));
  });
  return running;
}

async function rounds(texts, force, csrf) {
  for (;;) {
    if (navigator.onLine === false) return;
    // Another account signed in on this phone since this page was loaded (or nobody is): its session must
    // never carry this engineer's items. They wait until this engineer signs in again.
    if (!store.stillSignedIn()) return;
    const batch = due(await store.all(), { force });
    if (!batch.length) return;
    let progressed = false;
    for (const entry of batch) {
      if (!store.stillSignedIn()) return;
      const current = await store.get(entry.id);
      if (!current) continue;  // discarded meanwhile
      await store.update(entry.id, { state: "sending" });
      let answer = await send(current);
      const fresh = csrf();
      const token = (current.fields.find(([name]) => name === "csrf_token") || [])[1];
      if (answer.status === 400 && fresh && token !== undefined && fresh !== token) {
        // Signing out clears the session, and with it what the stored token was signed with: retry once
        // with this page's token (the server leaves the token out of the request's fingerprint).
        current.fields = current.fields.map(([name, value]) => [name, name === "csrf_token" ? fresh : value]);
        await store.update(entry.id, { fields: current.fields });
        answer = await send(current);
      }
      const patch = judge(answer, current, texts);
      if (patch === null) {
        await store.remove(entry.id);
        localStorage.setItem(store.lastSyncKey(), new Date().toISOString());
        events.dispatchEvent(new CustomEvent("sent", { detail: { entry: current, answer: answer.data } }));
        progressed = true;
      } else {
        const stored = await store.update(entry.id, patch);
        if (patch.offline || patch.halt) return;  // no network, or signed out: the next trigger tries again
        // Settled (or discarded meanwhile): the ticket's next entry may go in the next round.
        if (!stored || settled(stored)) progressed = true;
      }
    }
    // Forced rounds retry paused entries once, not in a tight loop.
    force = false;
    if (!progressed) return;
  }
}
