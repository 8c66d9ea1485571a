// The outbox in IndexedDB: every engineer submission is written here before any network attempt and
// removed only after the server has confirmed it. Other tabs hear about changes on a BroadcastChannel.
import { deleteDB, openDB } from "../vendor/idb.js";

const DB_NAME = "outbox";
const STORE = "entries";
const channel = "BroadcastChannel" in self ? new BroadcastChannel("outbox") : null;
const listeners = new Set();
let dbPromise = null;
let owner = "";
let dropped = false;

/** The signed-in engineer: all() shows and replays only their entries; others wait for their owner. */
export function setOwner(userId) { owner = String(userId || ""); }
export function ownerId() { return owner; }
/** Where the time of the owner's last successful send is kept (each engineer has their own). */
export function lastSyncKey() { return `outbox:lastSync:${owner}`; }

// Who is signed in on this phone now, as the newest engineer page or the sign-out button said, for every tab:
// a tab still showing an engineer's page after they signed out (and someone else signed in) sends nothing.
const SIGNED_IN = "outbox:signedIn";
/** This page's engineer is the one signed in now (a page loaded while signed in says so). */
export function claimPhone() { localStorage.setItem(SIGNED_IN, owner); }
/** Signed out: nobody's items go from any tab until an engineer page loads again. */
export function releasePhone() { localStorage.setItem(SIGNED_IN, ""); }
/** Whether this page's engineer is still the one signed in. */
export function stillSignedIn() { return Boolean(owner) && localStorage.getItem(SIGNED_IN) === owner; }

function mine(entry) {
  return !owner || !entry.userId || entry.userId === owner;
}

function db() {
  // Signing out deleted it: nothing may open (and so create) it again before the page is gone.
  if (dropped) return Promise.reject(new Error("outbox: deleted at sign-out"));
  if (!dbPromise) {
    dbPromise = openDB(DB_NAME, 1, {
      upgrade(database) {
        // Auto-increment ids are the creation order, which is the replay order.
        database.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      },
      // Another tab wants to delete the database (sign-out): let it.
      blocking() { close(); },
      terminated() { dbPromise = null; },
    });
  }
  return dbPromise;
}

function close() {
  if (dbPromise) dbPromise.then((database) => database.close()).catch(() => {});
  dbPromise = null;
}

function changed(local = true) {
  for (const listener of listeners) listener();
  if (local && channel) channel.postMessage("changed");
}
if (channel) channel.onmessage = () => changed(false);

/** Call `listener()` whenever the outbox changes, in this tab or another. */
export function onChange(listener) { listeners.add(listener); }

/** The owner's entries, oldest first. */
export async function all() {
  return (await (await db()).getAll(STORE)).filter(mine);
}

/** The owner's entries, and how many of other engineers wait on this phone (never shown, never sent here). */
export async function overview() {
  const entries = await (await db()).getAll(STORE);
  return { entries: entries.filter(mine), others: entries.filter((entry) => !mine(entry)).length };
}

export async function get(id) {
  return (await db()).get(STORE, id);
}

/** Store a new entry; resolves to its id once it is safely on the phone. */
export async function add(entry) {
  const id = await (await db()).add(STORE, { ...entry, userId: owner });
  changed();
  return id;
}

/** Merge `patch` into the stored entry (if it is still there). */
export async function update(id, patch) {
  const database = await db();
  const tx = database.transaction(STORE, "readwrite");
  const entry = await tx.store.get(id);
  if (entry) await tx.store.put({ ...entry, ...patch });
  await tx.done;
  changed();
  return entry ? { ...entry, ...patch } : null;
}

export async function remove(id) {
  await (await db()).delete(STORE, id);
  changed();
}

/** Delete those of `ids` that `keep(entry)` does not protect, in one transaction with one change notice. */
export async function removeAll(ids, keep = () => false) {
  const tx = (await db()).transaction(STORE, "readwrite");
  for (const id of ids) {
    const entry = await tx.store.get(id);
    if (entry && !keep(entry)) await tx.store.delete(id);
  }
  await tx.done;
  changed();
}

/** Delete the whole database, but only when it holds nothing, whoever's: unsent work is never lost here. */
export async function dropIfEmpty() {
  if ((await (await db()).count(STORE)) > 0) return false;
  dropped = true;
  close();
  // No change notice: a listener re-reading the outbox would create the database again.
  await deleteDB(DB_NAME, { blocked() { console.warn("outbox: another tab keeps the database open"); } });
  return true;
}
