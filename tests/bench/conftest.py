"""Benchmarks reuse the browser fixtures: the app on a free port and Debian's Chromium."""
from tests.browser.conftest import browser, live_server, phone, playwright  # noqa: F401
