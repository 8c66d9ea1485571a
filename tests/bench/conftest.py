"""Benchmarks reuse the browser fixtures: the app on a free port and Debian's Chromium."""
from tests.bench.test_desk_bench import bench_app, database  # noqa: F401  (the big databases, for every bench)
from tests.browser.conftest import browser, live_server, phone, playwright  # noqa: F401
