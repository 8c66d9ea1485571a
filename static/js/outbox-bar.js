// The sync bar: how many items wait, when the last sync succeeded, a "Send now" button, the upload
// progress and a list of what is on the phone with the server's words and what the engineer can do.
// A job's conflicts are shown together, with one button that discards them all from the phone (the
// server has kept each of them for the supervisor).
// Every text comes translated from the server in the bar's data-text-* attributes.
import * as store from "./outbox-store.js";

const OLD_MS = 3 * 24 * 3600 * 1000;
const HIDDEN_FIELDS = new Set(["csrf_token", "version", "idempotency_key"]);

const FALLBACK = {
  waiting: "%(n)s waiting", allSent: "All sent", lastSync: "last sync %(time)s", neverSynced: "not synced yet",
  attention: "%(n)s need you", offline: "Offline", saved: "Saved on this phone, will send.",
  stateWaiting: "Waiting", stateSending: "Sending", stateFailed: "Not accepted", stateConflict: "Conflict",
  stateRetry: "Will retry", resend: "Send again", editResend: "Edit and resend", saveResend: "Save and resend", cancel: "Cancel", discard: "Discard",
  confirmDiscard: "Discard this item? It will not be sent.", oldItems: "Some items have waited for more than 3 days.",
  conflicts: "%(n)s conflicts", conflictsKept: "The server has kept a copy of each for your supervisor.",
  discardConflicts: "Discard all %(n)s for %(number)s",
  confirmDiscardConflicts: "Remove %(n)s item(s) of %(number)s from this phone?",
  signedOut: "You were signed out. Sign in again, then resend.", unexpected: "The server gave an unexpected answer.",
  conflict: "The job changed meanwhile.", photos: "%(n)s photo(s)", tries: "%(n)s attempt(s)",
  confirmSignOut: "Items still wait to be sent. Sign out anyway?",
  storageFull: "This phone's storage is full: the form was not saved.", notSaved: "Not saved on this phone: %(error)s",
  others: "%(n)s item(s) on this phone belong to another engineer: they stay here and are sent only when that " +
    "engineer signs in again.",
};

/** The translated texts: from the bar when the page has one, English otherwise. */
export function texts(bar) {
  const out = { ...FALLBACK };
  if (!bar) return out;
  for (const key of Object.keys(FALLBACK)) {
    const attr = "text" + key[0].toUpperCase() + key.slice(1);
    if (bar.dataset[attr]) out[key] = bar.dataset[attr];
  }
  return out;
}

export function fill(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, name) => String(values[name] ?? ""));
}

function clock(iso) {
  if (!iso) return "";
  const when = new Date(iso);
  const lang = document.documentElement.lang || undefined;
  const time = when.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  if (when.toDateString() === new Date().toDateString()) return time;
  return when.toLocaleDateString(lang, { month: "2-digit", day: "2-digit" }) + " " + time;
}

function laneOf(entry) {
  return entry.ticketId || entry.url;
}

function jobName(entry) {
  return entry.ticketNumber || entry.label || entry.url;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c != null && c !== false));
  return node;
}

/**
 * Wire the bar. `actions` are callbacks into outbox.js: sendNow(), resend(id, edits), discard(id),
 * discardConflicts(ids).
 * Returns {render, notice, progress}.
 */
export function setup(bar, actions) {
  const t = texts(bar);
  const summary = bar.querySelector("[data-sync-summary]");
  const toggle = bar.querySelector("[data-sync-toggle]");
  const sendNow = bar.querySelector("[data-sync-send]");
  const meter = bar.querySelector("[data-sync-progress]");
  const noticeBox = bar.querySelector("[data-sync-notice]");
  const list = bar.querySelector("[data-sync-list]");
  let editing = null;  // the entry being edited: a re-render must not wipe what the engineer types
  let noticeTimer = null;

  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    list.hidden = !open;
  });
  sendNow.addEventListener("click", () => actions.sendNow());

  /** When it was made, its photos and how often it was tried. */
  function details(entry) {
    return [clock(entry.createdAt), entry.files.length ? fill(t.photos, { n: entry.files.length }) : null,
      entry.attempts ? fill(t.tries, { n: entry.attempts }) : null].filter(Boolean);
  }

  function itemView(entry) {
    const retrying = entry.state === "failed" && entry.retryable;
    const stateText = retrying ? t.stateRetry : { waiting: t.stateWaiting, sending: t.stateSending,
      failed: t.stateFailed, conflict: t.stateConflict }[entry.state] || entry.state;
    const question = entry.state === "conflict"
      ? `${fill(t.confirmDiscardConflicts, { n: 1, number: jobName(entry) })}\n${t.conflictsKept}` : t.confirmDiscard;
    const discard = el("button", { type: "button", class: "secondary outline", "data-action": "discard",
      onclick: () => { if (confirm(question)) actions.discard(entry.id); } }, t.discard);
    // Text fields can be corrected before resending; a step without any (arrival) is simply sent again.
    const canEdit = editableNames(entry).length > 0;
    const edit = entry.state !== "failed" ? null : canEdit
      ? el("button", { type: "button", "data-action": "edit", onclick: () => { editing = entry.id; render(); } },
        t.editResend)
      : el("button", { type: "button", "data-action": "resend", onclick: () => actions.resend(entry.id, {}) },
        t.resend);
    const title = [entry.ticketNumber, entry.label || entry.url].filter(Boolean).join(" · ");
    return el("li", { class: `sync-item state-${entry.state}${retrying ? " retrying" : ""}`,
      "data-entry-id": entry.id },
      el("div", { class: "sync-item-head" },
        el("strong", {}, title),
        el("span", { class: "sync-badge" }, stateText)),
      el("small", { class: "muted" }, details(entry).join(" · ")),
      entry.error ? el("p", { class: "sync-error", role: "alert" }, entry.error) : null,
      editing === entry.id ? editor(entry) : el("div", { class: "sync-actions" }, edit, discard));
  }

  /** All conflicts of one job, where its first one stands: read together, settled in one action. */
  function conflictGroupView(group) {
    const first = group[0];
    const reasons = new Set(group.map((e) => e.error));
    const shared = reasons.size === 1 ? first.error : "";
    const ids = group.map((e) => e.id);
    const number = jobName(first);
    const discardAll = el("button", { type: "button", class: "secondary outline", "data-action": "discard-conflicts",
      onclick: () => {
        const question = `${fill(t.confirmDiscardConflicts, { n: ids.length, number })}\n${t.conflictsKept}`;
        if (confirm(question)) actions.discardConflicts(ids);
      } }, fill(t.discardConflicts, { n: ids.length, number }));
    return el("li", { class: "sync-group state-conflict", "data-ticket-id": first.ticketId || null },
      el("div", { class: "sync-item-head" },
        el("strong", {}, number),
        el("span", { class: "sync-badge" }, fill(t.conflicts, { n: group.length }))),
      shared ? el("p", { class: "sync-error", role: "alert" }, shared) : null,
      el("ol", { class: "sync-items" }, ...group.map((entry) => el("li", {
        class: "sync-item state-conflict", "data-entry-id": entry.id },
        el("strong", {}, entry.label || entry.url),
        el("small", { class: "muted" }, " · " + details(entry).join(" · ")),
        shared ? null : el("p", { class: "sync-error" }, entry.error)))),
      el("p", { class: "muted sync-kept" }, t.conflictsKept),
      el("div", { class: "sync-actions" }, discardAll));
  }

  /** Items in creation order, except that a job's conflicts (two or more) come as one group. */
  function listView(entries) {
    const conflicts = new Map();
    for (const entry of entries.filter((e) => e.state === "conflict")) {
      const lane = laneOf(entry);
      conflicts.set(lane, [...(conflicts.get(lane) || []), entry]);
    }
    return entries.map((entry) => {
      const group = entry.state === "conflict" && conflicts.get(laneOf(entry));
      if (!group || group.length < 2) return itemView(entry);
      return group[0] === entry ? conflictGroupView(group) : null;
    }).filter(Boolean);
  }

  function editableNames(entry) {
    const names = new Set([...(entry.editable || []), ...Object.keys(entry.fieldErrors || {})]);
    return [...names].filter((name) => !HIDDEN_FIELDS.has(name) && entry.fields.some(([n]) => n === name) &&
      (!entry.labels || name in entry.labels));
  }

  function editor(entry) {
    const editable = editableNames(entry);
    const boxes = entry.fields.map(([name, value], index) => {
      if (HIDDEN_FIELDS.has(name) || !editable.includes(name)) return null;
      const id = `sync-edit-${entry.id}-${index}`;
      const errors = (entry.fieldErrors || {})[name] || [];
      const box = (entry.multiline || []).includes(name)
        ? el("textarea", { id, rows: 3, "data-index": index }, value)
        : el("input", { id, type: "text", value, "data-index": index, "aria-invalid": errors.length ? "true" : null });
      return el("div", {},
        el("label", { for: id }, (entry.labels && entry.labels[name]) || name),
        box,
        errors.length ? el("small", { class: "error" }, errors.join(" ")) : null);
    });
    const form = el("form", { class: "sync-edit", onsubmit: (event) => {
      event.preventDefault();
      const edits = {};
      for (const box of form.querySelectorAll("[data-index]")) edits[box.dataset.index] = box.value;
      editing = null;
      actions.resend(entry.id, edits);
    } }, ...boxes,
    el("div", { class: "sync-actions" },
      el("button", { type: "submit", "data-action": "save-resend" }, t.saveResend),
      el("button", { type: "button", class: "secondary outline", onclick: () => { editing = null; render(); } },
        t.cancel)));
    return form;
  }

  /** Redraw from IndexedDB: the bar always shows what is really stored on the phone. */
  async function render() {
    const { entries, others } = await store.overview();
    // Only what needs the engineer counts as stuck: server trouble (5xx) is retried on its own.
    const stuck = entries.filter((e) => e.state === "conflict" || (e.state === "failed" && !e.retryable)).length;
    const last = localStorage.getItem(store.lastSyncKey());
    const parts = [];
    if (navigator.onLine === false) parts.push(t.offline);
    parts.push(entries.length ? fill(t.waiting, { n: entries.length }) : t.allSent);
    if (stuck) parts.push(fill(t.attention, { n: stuck }));
    parts.push(last ? fill(t.lastSync, { time: clock(last) }) : t.neverSynced);
    summary.textContent = parts.join(" · ");
    bar.dataset.count = String(entries.length);
    bar.dataset.state = stuck ? "attention" : entries.length ? "waiting" : "clear";
    sendNow.disabled = entries.length === 0;
    toggle.disabled = entries.length === 0;
    if (!entries.length) {
      list.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    }
    const old = entries.some((e) => Date.now() - Date.parse(e.createdAt) > OLD_MS);
    bar.querySelector("[data-sync-old]").hidden = !old;
    // Another engineer's items are held, never listed or sent here: only how many there are is said.
    const othersBox = bar.querySelector("[data-sync-others]");
    othersBox.textContent = others ? fill(t.others, { n: others }) : "";
    othersBox.hidden = !others;
    bar.dataset.others = String(others);
    if (editing !== null && list.querySelector("form.sync-edit") && entries.some((e) => e.id === editing)) {
      return;  // keep the open editor (and what is typed in it) as it is
    }
    list.replaceChildren(el("ol", { class: "sync-items" }, ...listView(entries)));
  }

  function notice(text, ms = 6000) {
    noticeBox.textContent = text;
    noticeBox.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { noticeBox.hidden = true; }, ms);
  }

  function progress(loaded, total) {
    if (total === null) {
      meter.hidden = true;
      return;
    }
    meter.hidden = false;
    if (total) {
      meter.max = total;
      meter.value = loaded;
    } else {
      meter.removeAttribute("value");  // indeterminate
    }
  }

  return { render, notice, progress, texts: t };
}
