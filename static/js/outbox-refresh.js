// Showing the job as the server has it after a background send, without undoing what the engineer is doing:
// the server's #job fragment knows nothing of the sections opened on the phone or of text typed and not yet
// saved, so both are carried over into the new fragment; while the engineer types, the refresh waits.
// (htmx's own swap keeps only the focus, and only for elements with an id.)

// What a section or a form is called in both the old and the new fragment: its form's address (and which
// of the forms with that address), else its class and place among the sections without a form.
function keyed(root, selector, formOf) {
  const seen = new Map();
  const out = new Map();
  for (const node of root.querySelectorAll(selector)) {
    const form = formOf(node);
    // The attribute, not form.action: a form in a parsed <template> has no base address to resolve against.
    const base = form ? new URL(form.getAttribute("action") || "", location.href).pathname : node.className;
    const n = seen.get(base) || 0;
    seen.set(base, n + 1);
    out.set(`${base}#${n}`, node);
  }
  return out;
}

const sectionsOf = (job) => keyed(job, "details", (details) => details.querySelector("form[data-outbox]"));
const formsOf = (job) => keyed(job, "form[data-outbox]", (form) => form);
const KEEP_TYPES = new Set(["hidden", "submit", "button", "reset", "image"]);

function jobOnScreen(ticketId) {
  return document.querySelector(`#job[data-ticket-id="${CSS.escape(String(ticketId))}"]`);
}

// Swapping the element under the engineer's thumb would drop keys and an input method's composition; a
// form being stored (photos shrinking) is about to be reset, and its values must not be carried over.
function held(job) {
  const active = document.activeElement;
  return Boolean((active && job.contains(active) && active.matches("input, textarea, select")) ||
    job.querySelector("form[data-outbox-busy]"));
}

// A section the engineer opened or closed keeps that state; the others follow the server, which opens
// the next step by itself (work and parts after an inspection).
document.addEventListener("click", (event) => {
  const summary = event.target.closest && event.target.closest("#job details > summary");
  if (summary) summary.parentElement.dataset.touched = "1";
});

/** The engineer is done with the section of this form (it was saved): the server decides again. */
export function sectionDone(form) {
  const details = form.closest("details");
  if (details) delete details.dataset.touched;
}

/** What the engineer has on screen: sections set by hand, typed values, where the focus and view are. */
function snapshot(job) {
  const all = [...sectionsOf(job)];
  const sections = new Map(all.filter(([, details]) => details.dataset.touched ||
    details.querySelector("form[data-dirty]")).map(([key, details]) => [key, details.open]));
  const forms = new Map();
  for (const [key, form] of formsOf(job)) {
    if (!form.dataset.dirty) continue;
    forms.set(key, [...form.elements].filter((c) => c.name && !KEEP_TYPES.has(c.type)).map((c) => ({
      name: c.name, type: c.type, value: c.value, checked: c.checked, files: c.files })));
  }
  // The open section in view stays where it is on the screen when records above it grow.
  const anchor = all.find(([key, details]) => sections.get(key) && inView(details));
  const active = document.activeElement;
  const focused = all.find(([, details]) => active && active.parentElement === details && active.matches("summary"));
  return { sections, forms, anchor: anchor && [anchor[0], anchor[1].getBoundingClientRect().top],
    focus: focused && focused[0] };
}

function inView(node) {
  const box = node.getBoundingClientRect();
  return box.bottom > 0 && box.top < window.innerHeight;
}

function restoreForm(form, controls) {
  const seen = new Map();
  for (const saved of controls) {
    const choice = saved.type === "radio" || saved.type === "checkbox";
    const n = seen.get(saved.name) || 0;
    seen.set(saved.name, n + 1);
    const matches = [...form.elements].filter((c) => c.name === saved.name && c.type === saved.type);
    const control = choice ? matches.find((c) => c.value === saved.value) : matches[n];
    if (!control) continue;
    if (choice) control.checked = saved.checked;
    else if (saved.type === "file") control.files = saved.files;
    else control.value = saved.value;
  }
  form.dataset.dirty = "1";
}

function restore(job, state) {
  const sections = sectionsOf(job);
  for (const [key, open] of state.sections) {
    const details = sections.get(key);
    if (!details) continue;
    details.open = open;
    details.dataset.touched = "1";
  }
  const forms = formsOf(job);
  for (const [key, controls] of state.forms) restoreForm(forms.get(key), controls);
  const focus = state.focus && sections.get(state.focus);
  if (focus) focus.querySelector(":scope > summary").focus({ preventScroll: true });
  const anchor = state.anchor && sections.get(state.anchor[0]);
  if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - state.anchor[1]);
}

let pending = null;  // the ticket to show again once nothing holds the refresh back
let latest = 0;  // only the newest answer is swapped in

/** Show the job as the server now has it (the #job fragment that htmx GETs receive), keeping what the
 *  engineer has opened and typed. A form with typed text and no place in the new fragment (the job was
 *  closed meanwhile) keeps the page as it is: the text is not thrown away. */
export async function refreshJob(ticketId) {
  pending = null;
  const job = jobOnScreen(ticketId);
  if (!window.htmx || !job) return;
  if (held(job)) {
    pending = ticketId;
    return;
  }
  const request = ++latest;
  const response = await fetch(location.pathname, { headers: { "HX-Request": "true" } });
  if (!response.ok || response.redirected) return;
  const html = await response.text();
  const current = jobOnScreen(ticketId);
  if (request !== latest || !current) return;
  if (held(current)) {
    pending = ticketId;
    return;
  }
  const state = snapshot(current);
  const incoming = document.createElement("template");
  incoming.innerHTML = html;
  const fits = formsOf(incoming.content);
  if ([...state.forms.keys()].some((key) => !fits.has(key))) return;
  window.htmx.swap(current, html, { swapStyle: "outerHTML" });  // synchronous: nothing is painted between
  const swapped = jobOnScreen(ticketId);
  if (swapped) restore(swapped, state);
}

/** Show the job now if a refresh was held back (the engineer typed, or a form was being stored). */
export function retryRefresh() {
  if (pending !== null) refreshJob(pending).catch(() => {});  // offline again: the page stays as it is
}

// The engineer left the field (focus has moved on once this runs): now the job may be shown again.
document.addEventListener("focusout", () => setTimeout(retryRefresh, 0));
