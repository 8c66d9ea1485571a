"""Rate-limit counters that hold with several workers: with RATELIMIT_STORAGE_URI=redis://… every app process
counts in the same place, where memory:// counts per process."""
import secrets

import pytest
import redis

from portal import config, create_app
from portal.extensions import db
from portal.web.ratelimit import limiter
from tests.conftest import WebClient

REDIS = "redis://127.0.0.1:6379"


@pytest.fixture
def redis_server():
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip("no Redis server answers at 127.0.0.1:6379")
    finally:
        client.close()
    return REDIS


@pytest.fixture
def worker(app):
    """worker(storage) -> a client of another app process on the same database, as a second gunicorn worker
    would be; its database connections are closed afterwards."""
    made = []

    def make(storage: str) -> WebClient:
        cfg = type("Worker", (config.TestConfig,), {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], "UPLOAD_DIR": app.config["UPLOAD_DIR"],
            "RATELIMIT_STORAGE_URI": storage})
        # The limiter is one object per process: making the app gives it a fresh store, as a new process has.
        made.append(create_app(cfg))
        return WebClient(made[-1].test_client())

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def track(web, number, ip):
    return web.post_form("/track", {"number": number, "phone_last4": "0000"}, environ_base={"REMOTE_ADDR": ip})


def tries_then_other_worker(worker, storage: str) -> int:
    """Five tries of one ticket number on a first worker, then one on a second worker from another address."""
    number = f"SR2099{secrets.randbelow(10**8):08d}"  # fresh keys: counters left in Redis by other runs never count
    first = worker(storage)
    assert [track(first, number, f"10.9.{secrets.randbelow(250)}.{i}").status_code for i in range(5)] == [404] * 5
    second = worker(storage)
    return track(second, number, f"10.8.{secrets.randbelow(250)}.1").status_code


def test_two_workers_share_the_counters_in_redis(worker, redis_server):
    try:
        assert tries_then_other_worker(worker, redis_server) == 429
    finally:
        limiter.storage.storage.close()


def test_with_memory_counters_each_worker_counts_alone(worker):
    assert tries_then_other_worker(worker, "memory://") == 404
