// Service worker for the engineer's phone: keeps the app shell and the engineer's open jobs on the phone
// so job pages open with no signal. It never touches form posts: the outbox (outbox.js) owns those,
// because Workbox's own background-sync queue drops entries on any HTTP answer (see DESIGN.md).
// Served by Flask at /sw.js (scope "/"); Workbox is loaded from our own vendored copy, never the CDN.
/* global workbox */
importScripts("/static/vendor/workbox/workbox-sw.js");
workbox.setConfig({ modulePathPrefix: "/static/vendor/workbox/", debug: false });

// Touch every module now: importScripts is only allowed while the worker script is first evaluated.
const { registerRoute, setCatchHandler } = workbox.routing;
const { NetworkFirst, StaleWhileRevalidate, CacheFirst } = workbox.strategies;
const { ExpirationPlugin, CacheExpiration } = workbox.expiration;

// Bump when the shell changes; old shell caches are deleted on activate.
const SHELL_CACHE = "shell-v3";
// Customer data, kept per signed-in engineer: "job-pages-<user id>", "job-files-<user id>". Dropped at
// sign-out, and another engineer's are dropped as soon as a page says who is signed in now.
const PAGES_PREFIX = "job-pages-";
const FILES_PREFIX = "job-files-";
const LEGACY_CACHES = ["job-pages", "job-files"];  // before the caches were per user
// Who is signed in, as the pages last said; kept in a cache of its own, since the browser stops an idle
// worker and its variables with it. Unknown (""): pages and files go to the network only.
const USER_CACHE = "portal-user";
const USER_KEY = "/__portal/signed-in-user";

const SHELL = [
  "/static/vendor/htmx.min.js",
  "/static/vendor/pico.min.css",
  "/static/vendor/idb.js",
  "/static/vendor/signature_pad.umd.min.js",
  "/static/vendor/jsQR.js",
  "/static/css/app.css",
  "/static/js/outbox.js",
  "/static/js/outbox-store.js",
  "/static/js/outbox-send.js",
  "/static/js/outbox-bar.js",
  "/static/js/outbox-refresh.js",
  "/static/js/photos.js",
  "/static/js/signature.js",
  "/static/js/label-scan.js",
  "/static/manifest.webmanifest",
  "/static/icons/icon.svg",
  "/static/icons/icon-192.png",
];

const JOB_PATH = /^\/m\/jobs\/(\d+)(\/|$)/;
// The offline page says so under the portal's own policy (portal/web/headers.py): its styles come from app.css.
const POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";
const PAGE_MAX_AGE = 14 * 24 * 3600;

// Only a plain 200 of our own origin is worth keeping: not a login page reached by a redirect
// (an expired session), not an htmx fragment, not an error page.
const okOnly = {
  cacheWillUpdate: async ({ request, response }) =>
    response && response.status === 200 && response.type === "basic" && !response.redirected &&
    !request.headers.has("HX-Request") ? response : null,
};

// Shell: served from the phone at once, refreshed in the background so a deploy arrives on the next load.
registerRoute(
  ({ url, request }) => url.origin === self.location.origin && url.pathname.startsWith("/static/") &&
    !request.headers.has("HX-Request"),
  new StaleWhileRevalidate({ cacheName: SHELL_CACHE, plugins: [okOnly] }));

// ---- Who is signed in ---------------------------------------------------------------------------------

let user = null;  // null: not read yet from USER_CACHE

async function signedInUser() {
  if (user === null) {
    const stored = await (await caches.open(USER_CACHE)).match(USER_KEY);
    user = stored ? await stored.text() : "";
  }
  return user;
}

function isDataCache(name) {
  return name.startsWith(PAGES_PREFIX) || name.startsWith(FILES_PREFIX) || LEGACY_CACHES.includes(name);
}

/** A cache of job pages or photos, and what Workbox noted about it (each URL's time, in IndexedDB). */
async function dropCache(name) {
  await new CacheExpiration(name, { maxEntries: 1 }).delete().catch((err) => console.warn("expiration", err));
  await caches.delete(name);
}

/** A page of `id` says so: its caches are used from now on, anyone else's are deleted. */
async function setUser(id) {
  id = String(id || "");
  if (!/^\d+$/.test(id)) return;
  user = id;
  await (await caches.open(USER_CACHE)).put(USER_KEY, new Response(id));
  for (const name of await caches.keys()) {
    if (isDataCache(name) && name !== PAGES_PREFIX + id && name !== FILES_PREFIX + id) await dropCache(name);
  }
}

/** Nobody known: until an engineer page says who signed in, nothing is served from the phone. */
async function forgetUser() {
  user = "";
  await caches.delete(USER_CACHE);
}

/** Sign-out: every engineer's job pages and photos go, and who was signed in. The outbox is not touched. */
async function clearData() {
  await forgetUser();
  for (const name of await caches.keys()) {
    if (isDataCache(name)) await dropCache(name);
  }
}

// ---- Job pages and photos, per user ----------------------------------------------------------------------

const strategies = new Map();

// Engineer pages: the network when it answers within 3 s, else the copy on the phone. Vary (HX-Request,
// Cookie) is ignored on lookup: only whole-page navigations are ever stored here, in the cache of the
// engineer signed in.
function pagesFor(id) {
  const name = PAGES_PREFIX + id;
  if (!strategies.has(name)) {
    strategies.set(name, new NetworkFirst({
      cacheName: name,
      networkTimeoutSeconds: 3,
      matchOptions: { ignoreVary: true },
      plugins: [okOnly, new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: PAGE_MAX_AGE })],
    }));
  }
  return strategies.get(name);
}

// Photos on job pages never change under their id: keep the ones already seen.
function filesFor(id) {
  const name = FILES_PREFIX + id;
  if (!strategies.has(name)) {
    strategies.set(name, new CacheFirst({
      cacheName: name,
      plugins: [okOnly, new ExpirationPlugin({ maxEntries: 300, maxAgeSeconds: PAGE_MAX_AGE })],
    }));
  }
  return strategies.get(name);
}

/** The signed-in engineer's strategy; nobody known: the network only (and offline, the catch handler). */
function perUser(strategyFor) {
  return async ({ event, request }) => {
    const id = await signedInUser();
    return id ? strategyFor(id).handle({ event, request }) : fetch(request);
  };
}

registerRoute(
  ({ url, request }) => request.mode === "navigate" && url.origin === self.location.origin &&
    url.pathname.startsWith("/m/") && !request.headers.has("HX-Request"),
  perUser(pagesFor));
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith("/files/attachments/"),
  perUser(filesFor));

// Signing in or out, whichever way the page went there (the sign-out button also asks for "clear"): from
// now on the phone shows nobody's pages until an engineer page says who is signed in (every engineer page
// does, at once). This also covers a session that ended on the server and the next person who signs in on
// the same phone: the sign-in pages, sign-in links and account pages all lie under /login and /account/.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.mode !== "navigate" || url.origin !== self.location.origin) return;
  if (url.pathname === "/logout") event.waitUntil(stopCaching().then(clearData));
  else if (/^\/(login(\/|$)|account\/)/.test(url.pathname)) event.waitUntil(forgetUser());
});

// A navigation with no network and no copy: say so in words (both languages: no locale is known here)
// and link to the job list, which is on the phone once it has been opened online.
setCatchHandler(async ({ request }) => {
  if (request.destination !== "document") return Response.error();
  return new Response(
    "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>Offline</title><link rel=stylesheet href='/static/css/app.css'>" +
    "<p class=offline-page>离线：此页面不在手机上。<br>" +
    "Offline: this page is not stored on this phone. <a href='/m/jobs'>My jobs</a></p>",
    { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": POLICY } });
});

self.addEventListener("install", (event) => {
  // One missing file must not keep the whole worker from installing: add them one by one.
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) =>
    Promise.all(SHELL.map((url) => cache.add(url).catch((err) => console.warn("shell", url, err)))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("shell-") && name !== SHELL_CACHE) await caches.delete(name);
      else if (LEGACY_CACHES.includes(name)) await dropCache(name);
    }
    await self.clients.claim();
  })());
});

// Runs of cacheJobs under way. Sign-out stops them and waits before it clears: a page written after the
// clear would stay on the phone, and an answer arriving after the sign-out would set the old session
// cookie again.
const cachingRuns = new Set();

function startCaching(event, id, urls, page) {
  const controller = new AbortController();
  const done = cacheJobs(event, id, urls, page, controller.signal);
  const run = { controller, done: done.catch(() => 0) };
  cachingRuns.add(run);
  run.done.then(() => cachingRuns.delete(run));
  return done;
}

async function stopCaching() {
  const runs = [...cachingRuns];
  for (const run of runs) run.controller.abort();
  await Promise.all(runs.map((run) => run.done));
}

// Fetch each open job (and the photos it shows) so it opens offline; forget jobs no longer on the list,
// which keeps the customer data on the phone to what the engineer still needs. All of it into the caches
// of the engineer `id`, whose "My jobs" page asked; `signal` stops it (sign-out).
async function cacheJobs(event, id, urls, page, signal) {
  await setUser(id);
  if (!user || signal.aborted) return 0;
  const pages = pagesFor(user);
  const files = filesFor(user);
  const cache = await caches.open(PAGES_PREFIX + user);
  // The list itself, when this worker did not keep it on the way in (the first visit, before the worker
  // controlled the tab, or the first page after signing in).
  if (page && new URL(page, self.location.origin).pathname === "/m/jobs" &&
      !(await cache.match("/m/jobs", { ignoreVary: true }))) {
    const request = new Request("/m/jobs", { credentials: "same-origin", signal });
    const [, done] = pages.handleAll({ event, request });
    await done.catch(() => {});
  }
  // Job pages, and for jobs near the end their acceptance screen and print preview: /m/jobs/<id>[/...].
  const wanted = new Set();
  const paths = new Set();
  for (const raw of urls || []) {
    const url = new URL(raw, self.location.origin);
    const match = url.origin === self.location.origin && JOB_PATH.exec(url.pathname);
    if (match) {
      wanted.add(match[1]);
      paths.add(url.pathname);
    }
  }
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    const match = JOB_PATH.exec(path);
    if (match && (!wanted.has(match[1]) || !paths.has(path))) await cache.delete(request);
  }
  let cached = 0;
  for (const path of paths) {
    if (signal.aborted) break;
    const request = new Request(path, { credentials: "same-origin", signal });
    try {
      const [response, done] = pages.handleAll({ event, request });
      const answer = await response;
      await done;
      if (answer && answer.ok && !answer.redirected) {
        if (/^\/m\/jobs\/\d+$/.test(path)) {
          cached += 1;
          await cachePhotos(event, files, await answer.clone().text(), signal);
        }
      }
    } catch (err) {
      console.warn("cache-jobs", path, err);
    }
  }
  return cached;
}

async function cachePhotos(event, files, html, signal) {
  const seen = new Set(html.match(/\/files\/attachments\/\d+(?:\/thumb)?/g) || []);
  for (const path of seen) {
    if (signal.aborted) return;
    try {
      const request = new Request(path, { credentials: "same-origin", signal });
      const [response, done] = files.handleAll({ event, request });
      await response;
      await done;
    } catch (err) {
      console.warn("cache-photo", path, err);
    }
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (answer) => event.ports && event.ports[0] && event.ports[0].postMessage(answer);
  if (data.type === "cache-jobs") {
    event.waitUntil(startCaching(event, data.user, data.urls, data.page)
      .then((count) => reply({ type: "cache-jobs", cached: count })));
  } else if (data.type === "user") {
    event.waitUntil(setUser(data.user).then(() => reply({ type: "user", ok: true })));
  } else if (data.type === "clear") {
    event.waitUntil(stopCaching().then(clearData).then(() => reply({ type: "clear", ok: true })));
  }
});
