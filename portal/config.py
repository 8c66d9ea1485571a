"""Configuration classes; every setting a deployment changes comes from the environment."""
import json
import os
import secrets
import string
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
ENVIRONMENTS = ("production", "development")
# 32 random bytes: 64 hex digits, or 43 characters of URL-safe base64 (secrets.token_urlsafe(32)).
KEY_HINT = "python3 -c 'import secrets; print(secrets.token_hex(32))'"
PLACEHOLDERS = ("change", "secret", "example", "placeholder", "replace", "dev-only", "password")


class ConfigError(RuntimeError):
    """A setting the portal refuses to start with; the message is one line saying what to set."""


def check_secret_key(key: str | None) -> str:
    """The key when it can hold 32 random bytes; ConfigError (never echoing the key) when missing, short or a
    placeholder."""
    if not key:
        raise ConfigError(f"SECRET_KEY is not set; outside development it is required: generate one with {KEY_HINT}")
    hexadecimal = all(ch in string.hexdigits for ch in key)
    long_enough = len(key) >= (64 if hexadecimal else 43)
    # Random keys of that length use many different characters; "aaaa…" or "changeme-changeme-…" do not.
    varied = len(set(key)) >= (10 if hexadecimal else 16)
    if not long_enough or not varied or any(word in key.lower() for word in PLACEHOLDERS):
        raise ConfigError(f"SECRET_KEY is too short or a placeholder ({len(key)} characters); use 32 random bytes "
                          f"or more, e.g. {KEY_HINT}")
    return key


def check_rate_limit_storage(uri: str, single_worker: bool) -> str:
    """Production counts in a store that every worker shares; memory:// only when one process serves."""
    if uri.startswith("memory://") and not single_worker:
        raise ConfigError("RATELIMIT_STORAGE_URI=memory:// counts per process, so several workers multiply every "
                          "limit: set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379, or PORTAL_SINGLE_WORKER=1 "
                          "when a single process serves the portal")
    return uri


def development_key(path: Path) -> str:
    """A random key made once per checkout and kept in `path`: development never signs with a published key."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    tmp.write_text(secrets.token_hex(32))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # atomic: two processes starting at once end up with the same key
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Accept the plain scheme most hosts hand out and use psycopg 3 for it.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


SANBAO_FIELDS = ("return_days", "exchange_days", "unit_months", "main_parts_months", "repairs_before_exchange",
                 "repair_days_limit", "part_wait_days_limit")
SANBAO_DEFAULTS = {"display": {"unit_months": 12, "main_parts_months": 36},
                   "appliance": {"unit_months": 12, "main_parts_months": 36},
                   "equipment": {"unit_months": 12, "main_parts_months": 24}}


def sanbao_policies(text: str | None) -> dict:
    """The per-category 三包 periods: the defaults, overridden by a JSON object of categories."""
    if not text:
        return SANBAO_DEFAULTS
    try:
        given = json.loads(text)
    except ValueError:
        given = None
    if not (isinstance(given, dict) and all(isinstance(v, dict) for v in given.values())
            and all(k in SANBAO_FIELDS and type(n) is int and 0 <= n <= 3650
                    for v in given.values() for k, n in v.items())):
        raise ConfigError("PORTAL_SANBAO_POLICIES must be a JSON object of categories, each an object of "
                          f"whole numbers 0-3650 named {', '.join(SANBAO_FIELDS)}")
    return {**SANBAO_DEFAULTS, **given}


class Config:
    ENV_NAME = "development"
    # Development: SECRET_KEY from the environment, else a random key kept in instance/ (see __init__).
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = _database_url(_sqlite_url(INSTANCE / "portal.db"))
    # PostgreSQL's pooled connections are pinged when they were idle (portal.models.postgres), not at every use.
    SQLALCHEMY_ENGINE_OPTIONS = {}
    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE / "uploads"))
    # A request may carry several phone photos; each file is checked again on its own.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "25")) * 1024 * 1024
    MAX_IMAGE_BYTES = 10 * 1024 * 1024
    # Files the desk adds to notes and replies (checked by content: an mp4's ftyp box, a PDF that pypdf reads).
    MAX_VIDEO_BYTES = int(os.environ.get("MAX_VIDEO_MB", "20")) * 1024 * 1024
    MAX_PDF_BYTES = 10 * 1024 * 1024
    # Master-data files with more valid rows than this are imported on the task queue, with a progress bar.
    IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "500"))
    # Files in one submission: each is decoded and re-encoded, so their number is capped too.
    MAX_UPLOAD_FILES = int(os.environ.get("MAX_UPLOAD_FILES", "10"))
    MAX_IMAGE_EDGE = 1600
    # Engineers work offline for a day: the CSRF token lives as long as the session does.
    WTF_CSRF_TIME_LIMIT = None
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)
    # The cookie is written when the session changes, not on every page: the sign-in record's expiry is fixed at
    # sign-in (portal.domain.sessions.expiry), so a cookie slid forward on each page kept nothing longer, and
    # signing it cost a tenth of a page.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Sign-in sessions the server can end (portal.services.sessions): remember-me keeps one for at most 30 days;
    # desk roles are signed out after SESSION_IDLE_HOURS without a request (engineers keep their working week).
    REMEMBER_COOKIE_DURATION = timedelta(days=min(30, int(os.environ.get("REMEMBER_DAYS", "30"))))
    SESSION_IDLE_HOURS = float(os.environ.get("SESSION_IDLE_HOURS", "12"))
    # Failed sign-ins (portal.web.throttle): per account, then a lock of LOGIN_LOCK_MINUTES; per client address.
    LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "10"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
    LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
    # Two-factor sign-in: required for admins and supervisors when 1 (production's default), offered to everyone.
    TWO_FACTOR_REQUIRED = os.environ.get("TWO_FACTOR_REQUIRED", "0") == "1"
    TWO_FACTOR_ISSUER = os.environ.get("TWO_FACTOR_ISSUER", "Service portal")
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("PORTAL_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh_CN", "en")
    COMPANY_NAME = os.environ.get("COMPANY_NAME", "示例电子售后服务有限公司 / Demo Electronics Service Co.")
    COMPANY_ADDRESS = os.environ.get("COMPANY_ADDRESS", "上海市浦东新区示例路 88 号 / 88 Example Rd, Shanghai")
    COMPANY_PHONE = os.environ.get("COMPANY_PHONE", "400-000-0000")
    PDF_FONT_FAMILY = os.environ.get("PDF_FONT_FAMILY", "WenQuanYi Micro Hei")
    COMPANY_LOGO = os.environ.get("COMPANY_LOGO", str(ROOT / "static" / "icons" / "icon-192.png"))
    # Printed in the QR code of every confirmation: where customers check a document.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    # The company seal (PAdES) applied to stored confirmations: PEM key and certificate. In development the
    # demo's self-signed pair under instance/seal/ is used when present (`flask demo seed` makes it).
    PDF_SEAL_KEY = os.environ.get("PDF_SEAL_KEY", str(INSTANCE / "seal" / "seal-key.pem"))
    PDF_SEAL_CERT = os.environ.get("PDF_SEAL_CERT", str(INSTANCE / "seal" / "seal-cert.pem"))
    # The task queue (Huey): Redis when REDIS_URL is set, else its SQLite storage in instance/. The consumer runs
    # as `flask tasks worker`; TASKS_IN_PROCESS=1 (the default without Redis) starts it inside `flask run` instead.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    TASKS_DB = os.environ.get("TASKS_DB", str(INSTANCE / "tasks.db"))
    TASKS_QUEUE_NAME = os.environ.get("TASKS_QUEUE_NAME", "portal")  # Redis keys: several portals on one Redis
    TASKS_IN_PROCESS = os.environ.get("TASKS_IN_PROCESS", "0" if os.environ.get("REDIS_URL") else "1") == "1"
    TASKS_IMMEDIATE = False  # tests: tasks run in the caller as soon as their row is committed
    TASKS_WORKERS = int(os.environ.get("TASKS_WORKERS", "2"))
    # Attempts before a task lands on the admin's page of failed tasks; retries wait 30 s, 2 min, 8 min, ...
    TASKS_MAX_ATTEMPTS = int(os.environ.get("TASKS_MAX_ATTEMPTS", "5"))
    TASKS_RETRY_SECONDS = int(os.environ.get("TASKS_RETRY_SECONDS", "30"))
    # A task row left running this long (its worker was killed) or pending past its time is queued again.
    TASKS_STALE_MINUTES = int(os.environ.get("TASKS_STALE_MINUTES", "15"))
    # Progress updates (seed 000: every 12 h for P1-P2, 24 h for P3-P4, the SLA policy's update target): when the
    # update clock runs out the assignee is reminded; this many minutes later, still without an update, the desk.
    PROGRESS_DESK_AFTER_MINUTES = int(os.environ.get("PROGRESS_DESK_AFTER_MINUTES", "120"))
    # Customers' quiet hours unless they chose their own (local time): text and e-mail messages written then wait
    # for the end, except for P1 and safety tickets and the engineer's "On my way". Empty: none.
    QUIET_HOURS = os.environ.get("QUIET_HOURS", "22:00-08:00")
    # Loyalty points earned for an answered survey and for a referral (a paid service earns per yuan).
    POINTS_PER_SURVEY = int(os.environ.get("POINTS_PER_SURVEY", "20"))
    POINTS_PER_REFERRAL = int(os.environ.get("POINTS_PER_REFERRAL", "100"))
    # Points spent as a discount on a bill: this many points take one yuan off (100: a point is a fen).
    POINTS_DISCOUNT_PER_YUAN = int(os.environ.get("POINTS_DISCOUNT_PER_YUAN", "100"))
    # Batch-defect alarms (portal.domain.defects): at least this many faults of a model or lot in 30 days, and a
    # Poisson tail below this probability against the model's 180-day rate.
    DEFECT_MIN_COUNT = int(os.environ.get("DEFECT_MIN_COUNT", "5"))
    DEFECT_P_THRESHOLD = float(os.environ.get("DEFECT_P_THRESHOLD", "0.01"))
    # The monthly report's targets, in per cent: SLA compliance, first-time fix, satisfaction.
    REPORT_TARGETS = {"compliance": float(os.environ.get("TARGET_SLA_COMPLIANCE", "95")),
                      "first_time_fix": float(os.environ.get("TARGET_FIRST_TIME_FIX", "85")),
                      "csat": float(os.environ.get("TARGET_CSAT", "90"))}
    # How long a remote acceptance link stays valid.
    REMOTE_ACCEPTANCE_HOURS = int(os.environ.get("REMOTE_ACCEPTANCE_HOURS", "72"))
    # A resolution without a visit (a consultation or a remote fix) the customer neither confirms nor rejects
    # closes by itself after this many days (REMOTE_CONFIRM_DAYS is read as before); the customer may reopen it
    # within RESOLUTION_REOPEN_DAYS of closing.
    RESOLUTION_CONFIRM_DAYS = int(os.environ.get("RESOLUTION_CONFIRM_DAYS")
                                  or os.environ.get("REMOTE_CONFIRM_DAYS") or "7")
    RESOLUTION_REOPEN_DAYS = int(os.environ.get("RESOLUTION_REOPEN_DAYS", "14"))
    # Wrong pick-up codes at the service point: this many within PICKUP_LOCK_MINUTES lock that unit's hand-over.
    PICKUP_CODE_TRIES = int(os.environ.get("PICKUP_CODE_TRIES", "5"))
    PICKUP_LOCK_MINUTES = int(os.environ.get("PICKUP_LOCK_MINUTES", "60"))
    # A customer books a visit up to this many days ahead, and moves it up to this many hours before it starts
    # (the first window offered is that far ahead too, so that a booking can still be moved).
    BOOKING_DAYS = int(os.environ.get("BOOKING_DAYS", "14"))
    VISIT_CHANGE_HOURS = int(os.environ.get("VISIT_CHANGE_HOURS", "24"))
    # Parcel carriers: a JSON list of {code, name, pattern, link_template}; empty: SF, JD, EMS, ZTO, YTO, STO, Yunda.
    CARRIERS = json.loads(os.environ.get("PORTAL_CARRIERS") or "[]")
    # 三包 periods per product category (portal.domain.entitlement.Policy), e.g.
    # PORTAL_SANBAO_POLICIES='{"appliance": {"unit_months": 12, "main_parts_months": 36}}'; the rest keep defaults.
    SANBAO_POLICIES = sanbao_policies(os.environ.get("PORTAL_SANBAO_POLICIES"))
    # Outgoing e-mail (invitations, sign-in links, queued notices); without MAIL_SERVER nothing is sent.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "service@example.com")
    # E-mail replies: customer e-mails about a ticket carry a reply address of their own made from this one
    # (replies@example.com -> replies+t42-<hash>@example.com in Reply-To); unset: no Reply-To.
    REPLY_ADDRESS = os.environ.get("REPLY_ADDRESS")
    # The mailbox those replies arrive in, read over IMAP every minute; unset IMAP_HOST: not read.
    IMAP_HOST = os.environ.get("IMAP_HOST")
    IMAP_SSL = os.environ.get("IMAP_SSL", "1") == "1"
    IMAP_PORT = int(os.environ.get("IMAP_PORT") or (993 if IMAP_SSL else 143))
    IMAP_USER = os.environ.get("IMAP_USER")
    IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD")
    IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")
    IMAP_TIMEOUT = float(os.environ.get("IMAP_TIMEOUT", "30"))
    # Text messages and WeChat: "log" (development default: kept on the admin's outbox page, nothing sent), "http"
    # (a generic provider: URL, bearer token, template ids per message kind), or unset (production: not sent).
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "log")
    SMS_URL = os.environ.get("SMS_URL")
    SMS_TOKEN = os.environ.get("SMS_TOKEN")
    SMS_TEMPLATES = os.environ.get("SMS_TEMPLATES")  # "ticket_registered=SMS_001,engineer_assigned=SMS_002"
    WECHAT_PROVIDER = os.environ.get("WECHAT_PROVIDER", "log")
    WECHAT_URL = os.environ.get("WECHAT_URL")
    WECHAT_TOKEN = os.environ.get("WECHAT_TOKEN")
    WECHAT_TEMPLATES = os.environ.get("WECHAT_TEMPLATES")
    # Linking a customer's WeChat (the official account's web authorisation, scope snsapi_base): the app id and
    # secret, where the QR code sends the customer, and where the callback's code is exchanged for the openid.
    WECHAT_APP_ID = os.environ.get("WECHAT_APP_ID")
    WECHAT_APP_SECRET = os.environ.get("WECHAT_APP_SECRET")
    WECHAT_AUTHORIZE_URL = os.environ.get("WECHAT_AUTHORIZE_URL", "https://open.weixin.qq.com/connect/oauth2/authorize")
    # The token the official account's server configuration signs its calls to /wechat/inbound with.
    WECHAT_CALLBACK_TOKEN = os.environ.get("WECHAT_CALLBACK_TOKEN")
    WECHAT_OPENID_URL = os.environ.get("WECHAT_OPENID_URL", "https://api.weixin.qq.com/sns/oauth2/access_token")
    CHANNEL_TIMEOUT = float(os.environ.get("CHANNEL_TIMEOUT", "10"))
    # Rate limits (ticket tracking, sign-in links, the verify page): in memory per process by default;
    # production points every worker at the same store, e.g. redis://127.0.0.1:6379 (see ProductionConfig).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: each process counts on its own meanwhile (Flask-Limiter logs it) rather than answering 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Reverse proxies in front that append X-Forwarded-For: rate limits count the client's address, not theirs.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                          "application/json", "application/manifest+json", "image/svg+xml"]
    # Brotli first, pages and streamed static files alike (Flask-Compress would pick zstd for static files,
    # 20 % larger); level 5 costs about 1 ms more per file than 4 and saves 7 %. Together they keep a job
    # page's first load under 60 KB (tests/bench/test_offline_bench.py prints it).
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]
    COMPRESS_BR_LEVEL = 5

    def __init__(self):
        if self.SECRET_KEY is None:
            self.SECRET_KEY = os.environ.get("SECRET_KEY") or development_key(INSTANCE / "dev-secret-key")


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    # Fast hashes keep the suite quick; production keeps Werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a hash method, not a password
    PDF_SEAL_KEY = PDF_SEAL_CERT = None  # tests that want a seal configure their own
    TASKS_IMMEDIATE = True  # huey's immediate mode: a task runs once its row is committed
    TASKS_IN_PROCESS = False
    MAIL_SERVER = None  # tests that send mail configure a fake server
    IMAP_HOST = REPLY_ADDRESS = None  # tests that read replies configure a fake mailbox
    RATELIMIT_STORAGE_URI = "memory://"
    QUIET_HOURS = ""  # messages go at once whatever the hour the suite runs; quiet-hour tests set their own


class ProductionConfig(Config):
    ENV_NAME = "production"
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "")
    WECHAT_PROVIDER = os.environ.get("WECHAT_PROVIDER", "")
    PDF_SEAL_KEY = os.environ.get("PDF_SEAL_KEY")
    PDF_SEAL_CERT = os.environ.get("PDF_SEAL_CERT")
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Any other Host is refused (400). Links are built from PUBLIC_BASE_URL, never from the request's Host;
    # TRUSTED_HOSTS adds names (comma-separated), e.g. an internal one for health checks.
    TRUSTED_HOSTS = [urlsplit(Config.PUBLIC_BASE_URL).hostname, "localhost", "127.0.0.1",
                     *filter(None, (h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",")))]
    TWO_FACTOR_REQUIRED = os.environ.get("TWO_FACTOR_REQUIRED", "1") == "1"

    def __init__(self):
        # Read when the app is made (not at import), so that what is checked is what the process runs with.
        self.SECRET_KEY = check_secret_key(os.environ.get("SECRET_KEY"))
        self.RATELIMIT_STORAGE_URI = check_rate_limit_storage(
            os.environ.get("RATELIMIT_STORAGE_URI", "memory://"), os.environ.get("PORTAL_SINGLE_WORKER") == "1")


def config_from_env():
    """The configuration PORTAL_ENV names (unset: development); any other value refuses to start."""
    name = os.environ.get("PORTAL_ENV", "development")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV={name[:40]!r} is not known: set PORTAL_ENV=production on a server, "
                          "or development (the default when unset)")
    return {"production": ProductionConfig, "development": Config}[name]
