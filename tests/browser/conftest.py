"""Browser fixtures: the app served on a free port, one Chromium per session, a phone-sized context per user."""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "_artifacts"
PHONE_TIMEZONE = "Asia/Shanghai"  # the phone's clock reads like the server's pages (BABEL_DEFAULT_TIMEZONE)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items):
    """Chromium cancels requests it no longer needs (a thumbnail when the page moves on). The development
    server in a thread then drops the connection and leaves the streamed file to the garbage collector,
    which warns from outside any test. That warning is about the test server, not the portal: ignore it in
    browser tests only (elsewhere every warning is an error)."""
    browser_tests = Path(__file__).parent
    for item in items:
        if browser_tests in Path(item.fspath).parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))


@pytest.fixture(scope="session")
def playwright():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")
    with sync_api.sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package (we never run `playwright install`)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# Every page of every context reports what the Content-Security-Policy blocked: the browser's event (through
# a binding into Python, so nothing is lost when the page navigates on) and Chromium's console line.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    page: location.href, directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber, sample: event.sample,
  });
}, true);
"""


@pytest.fixture(autouse=True)
def csp_violations(playwright, browser, monkeypatch):
    """Fails the test (at teardown) on any CSP violation in any context it opens, whichever way it opens one:
    Browser.new_context and BrowserType.launch_persistent_context are watched for the test's duration."""
    found = []

    def watch(context):
        context.expose_binding("__reportCspViolation", lambda _source, detail: found.append(detail))
        context.add_init_script(CSP_LISTENER)
        context.on("console", lambda message: found.append({"console": message.text, "page": message.page.url
                                                            if message.page else None})
                   if "Content Security Policy" in message.text else None)
        return context

    new_context = browser.new_context
    launch_persistent_context = playwright.chromium.launch_persistent_context
    monkeypatch.setattr(browser, "new_context", lambda *args, **kw: watch(new_context(*args, **kw)))
    monkeypatch.setattr(playwright.chromium, "launch_persistent_context",
                        lambda *args, **kw: watch(launch_persistent_context(*args, **kw)))
    yield found
    assert not found, "the Content-Security-Policy blocked something:\n" + "\n".join(map(str, found))


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1:<free port>, serving requests from a daemon thread."""
    if not (ROOT / "static" / "vendor" / "htmx.min.js").exists():
        pytest.skip("static/vendor/htmx.min.js is missing: run `make deps` to build the vendored front-end files")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def phone(playwright, browser, live_server):
    """new_context() -> a fresh phone-sized context (own cookies) on the live server; all closed afterwards."""
    device = playwright.devices.get("Pixel 7") or playwright.devices["Pixel 5"]
    contexts = []

    def new_context():
        context = browser.new_context(**device, accept_downloads=True, locale="zh-CN", timezone_id=PHONE_TIMEZONE,
                                      base_url=live_server)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


@pytest.fixture
def server_log(app):
    """Every request that reaches the live server: (method, path, Idempotency-Key)."""
    seen = []
    inner = app.wsgi_app

    def record(environ, start_response):
        seen.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], environ.get("HTTP_IDEMPOTENCY_KEY")))
        return inner(environ, start_response)

    app.wsgi_app = record
    yield seen
    app.wsgi_app = inner


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def sign_in(context, email: str, password: str):
    """A new page in the context, signed in through the login form; returns the page on the user's home."""
    page = context.new_page()
    page.goto("/login")
    form = page.locator("main form").first  # the password form; the sign-in link form follows it
    form.locator("[name=email]").fill(email)
    form.locator("[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page
