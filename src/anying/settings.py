"""Settings come from environment variables (12-factor, as Healthchecks does).

ANYING_DATA_DIR      where the SQLite database and uploads live (default ./data)
ANYING_DATABASE_URL  e.g. postgres://user:pass@host/db; default sqlite in the data dir
ANYING_SECRET_KEY    required in production (ANYING_DEBUG unset)
ANYING_DEBUG         "1" for development
ANYING_ALLOWED_HOSTS comma separated, default localhost,127.0.0.1
ANYING_SECURE_COOKIES "1" behind HTTPS (sets Secure on session and CSRF cookies)
ANYING_TRUST_X_FORWARDED_FOR "1" behind a reverse proxy that sets X-Forwarded-For/-Proto
ANYING_PUBLIC_URL    e.g. https://anying.example.gov.cn: the address in QR codes and printed links
ANYING_MAP_TILES     the map's base layer: empty (none: points and region outlines only), "tianditu"
                     (with ANYING_TIANDITU_KEY), an XYZ URL template, or "mbtiles" (ANYING_MAP_MBTILES,
                     an offline tile file the product serves itself)
ANYING_MAP_CRS       "wgs84" (CGCS2000, 天地图; default) or "gcj02" when the base map is GCJ-02

A file `anying.env` in the data directory (KEY=value lines, ANYING_* only) supplies defaults for
variables the environment does not set: `anying demo` writes one, so every `anying` command run
in the demo's folder finds the demo's database and key (anying/envfile.py, docs/operations.md).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from anying import envfile

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = envfile.data_dir()
ENV_FILE = DATA_DIR / envfile.NAME
envfile.apply(ENV_FILE)  # the demo's key and database, for commands run in its folder


def _flag(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("ANYING_DEBUG")
SECRET_KEY = os.environ.get("ANYING_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not _flag("ANYING_INSECURE_DEV_KEY"):
        # The CLI sets ANYING_INSECURE_DEV_KEY for `anying demo`; a real deployment must set a key.
        raise RuntimeError("ANYING_SECRET_KEY must be set (or ANYING_DEBUG=1 for development)")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ANYING_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("ANYING_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# The address outside users reach: every QR code and printed link uses it (core/links.py).
ANYING_PUBLIC_URL = os.environ.get("ANYING_PUBLIC_URL", "").strip().rstrip("/")
if ANYING_PUBLIC_URL and not re.fullmatch(r"https?://[^/\s?#]+", ANYING_PUBLIC_URL):
    raise RuntimeError("ANYING_PUBLIC_URL must be a scheme and host, e.g. https://anying.example.gov.cn")
if ANYING_PUBLIC_URL:  # the site answers at its own public address
    _public_host = urlsplit(ANYING_PUBLIC_URL).hostname or ""
    _public_host = f"[{_public_host}]" if ":" in _public_host else _public_host  # IPv6, as Django writes it
    if _public_host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS.append(_public_host)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN (offline sites)
    "anying.core",
    "anying.standards",
    "anying.registry",
    "anying.campaigns",
    "anying.hazards",
    "anying.inspections",
    "anying.tips",
    "anying.oversight",
    "anying.places",
    "anying.rescue",
    "anying.supplies",
    "anying.duty",
    "anying.incidents",
    "anying.monitoring",
    "anying.plans",
    "anying.warning",
    "anying.forestfire",
    "anying.riskpoints",
    "anying.disasters",
    "anying.relief",
    "anying.houses",
    "anying.permits",
    "anying.training",
    "anying.onsite",
    "anying.spending",
    "anying.credit",
    "anying.stoppages",
    "anying.monthly",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anying.core.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "anying.core.middleware.RequestContextMiddleware",
    "anying.core.middleware.RejectNullCharactersMiddleware",
    "anying.core.middleware.PasswordExpiryMiddleware",
]

ROOT_URLCONF = "anying.urls"
WSGI_APPLICATION = "anying.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anying.core.context_processors.navigation",
            ],
            "builtins": ["anying.core.templatetags.anying_tags"],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'anying.sqlite3'}"
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(os.environ.get("ANYING_DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers and the single writer work side by side; IMMEDIATE avoids lock upgrades
    # failing mid-transaction when web and worker write at once.
    DATABASES["default"]["OPTIONS"] = {
        # mmap: every request opens a new connection, so pages are read through the OS cache
        # instead of a cold SQLite cache (halved the list page's p95 at 100k enterprises).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
                        "PRAGMA mmap_size=268435456;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests on a file, not Django's default in-memory database: the browser tests' live server
    # answers a page and its images in parallel threads, which with an in-memory database share
    # one connection and trip over each other's savepoints (flaky "no such savepoint").
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "anying.core.passwords.ComplexityValidator"},
]

# 等保 2.0: session timeout and lockout after failed logins.
SESSION_COOKIE_AGE = int(os.environ.get("ANYING_SESSION_SECONDS", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Sliding expiry (idle sessions end, active ones continue) is core.middleware.SlidingSessionMiddleware,
# not SESSION_SAVE_EVERY_REQUEST, which lets a stale request overwrite a concurrent one's session.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _flag("ANYING_SECURE_COOKIES")
# Behind nginx the client address and scheme come from the proxy's headers; trusting them
# without a proxy would let anyone forge the IP recorded in the audit trail.
ANYING_TRUST_X_FORWARDED_FOR = _flag("ANYING_TRUST_X_FORWARDED_FOR")
if ANYING_TRUST_X_FORWARDED_FOR:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
ANYING_LOGIN_MAX_FAILURES = int(os.environ.get("ANYING_LOGIN_MAX_FAILURES", 5))
ANYING_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("ANYING_LOGIN_LOCKOUT_MINUTES", 15))
# One address guessing across many usernames is refused too, within the same window.
ANYING_LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("ANYING_LOGIN_MAX_FAILURES_PER_IP", 30))
# 等保 2.0 asks for periodic password changes; 0 turns the rule off.
ANYING_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ANYING_PASSWORD_MAX_AGE_DAYS", 90))

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package in the one-machine setup
MEDIA_ROOT = DATA_DIR / "media"
ANYING_MAX_UPLOAD_MB = int(os.environ.get("ANYING_MAX_UPLOAD_MB", 20))
DATA_UPLOAD_MAX_MEMORY_SIZE = ANYING_MAX_UPLOAD_MB * 1024 * 1024

# Limits on an uploaded .xlsx (core/xlsx_reader.py, docs/operations.md): sizes are decompressed.
ANYING_XLSX_MAX_UNCOMPRESSED_MB = int(os.environ.get("ANYING_XLSX_MAX_UNCOMPRESSED_MB", 400))
ANYING_XLSX_MAX_SHEET_MB = int(os.environ.get("ANYING_XLSX_MAX_SHEET_MB", 300))
ANYING_XLSX_MAX_SHARED_STRINGS_MB = int(os.environ.get("ANYING_XLSX_MAX_SHARED_STRINGS_MB", 100))
ANYING_XLSX_MAX_PART_MB = int(os.environ.get("ANYING_XLSX_MAX_PART_MB", 10))
ANYING_XLSX_MAX_RATIO = int(os.environ.get("ANYING_XLSX_MAX_RATIO", 500))
ANYING_XLSX_MAX_MEMBERS = int(os.environ.get("ANYING_XLSX_MAX_MEMBERS", 1000))
ANYING_XLSX_MAX_SHARED_STRINGS = int(os.environ.get("ANYING_XLSX_MAX_SHARED_STRINGS", 2_000_000))
ANYING_XLSX_MAX_COLUMNS = int(os.environ.get("ANYING_XLSX_MAX_COLUMNS", 100))
ANYING_XLSX_MAX_CELL_CHARS = int(os.environ.get("ANYING_XLSX_MAX_CELL_CHARS", 32_767))  # Excel's own limit
# a public tip carries at most 5 photos of this size each (tips/services.py)
ANYING_TIP_MAX_PHOTO_MB = int(os.environ.get("ANYING_TIP_MAX_PHOTO_MB", 5))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

NINJA_PAGINATION_MAX_LIMIT = 1000  # API pages are bounded whatever `limit` a client asks for
# 文号字样 of 督办 letters of a 安委办 without a 发文机关代字 of its own (core.numbering);
# empty: {ANYING_ENFORCEMENT_ORG}安委办督, e.g. 铜安委办督〔2026〕1号.
ANYING_SUPERVISION_PREFIX = os.environ.get("ANYING_SUPERVISION_PREFIX", "")
# The 挂牌督办 rung of the overdue ladder gives this many days to finish (a local default: no
# national figure); a 督办 issued by hand sets its own date.
ANYING_AUTO_SUPERVISION_DAYS = int(os.environ.get("ANYING_AUTO_SUPERVISION_DAYS", "30"))
# A hazard registered without a 整改期限 gets one, counted in calendar days from the day it was
# found, so none escapes the overdue ladder and the rankings (hazards/deadlines.py). Local
# defaults: no national rule fixes a period (总局令16号 leaves it to the 治理方案 and the regulator).
# the one map (places/views.py)
ANYING_MAP_TILES = os.environ.get("ANYING_MAP_TILES", "").strip()
ANYING_TIANDITU_KEY = os.environ.get("ANYING_TIANDITU_KEY", "").strip()
ANYING_MAP_MBTILES = os.environ.get("ANYING_MAP_MBTILES", "").strip()
ANYING_MAP_CRS = os.environ.get("ANYING_MAP_CRS", "wgs84").strip().lower()
if ANYING_MAP_CRS not in ("wgs84", "gcj02"):
    raise RuntimeError("ANYING_MAP_CRS must be wgs84 or gcj02")
ANYING_MAP_ATTRIBUTION = os.environ.get("ANYING_MAP_ATTRIBUTION", "").strip()
ANYING_GENERAL_HAZARD_DAYS = int(os.environ.get("ANYING_GENERAL_HAZARD_DAYS", "30"))
ANYING_MAJOR_HAZARD_DAYS = int(os.environ.get("ANYING_MAJOR_HAZARD_DAYS", "90"))
# The district's abbreviation, before the 字样 of units above the towns that have no 发文机关代字
# of their own (core.numbering): 铜 → 铜安监现记〔2026〕3号 (inspections/data), 铜安委办督〔2026〕1号
ANYING_ENFORCEMENT_ORG = os.environ.get("ANYING_ENFORCEMENT_ORG", "铜")

# Outbound notification channels besides the in-app inbox: "email", "webhook" (comma separated).
ANYING_NOTIFY_CHANNELS = [c.strip() for c in os.environ.get("ANYING_NOTIFY_CHANNELS", "").split(",") if c.strip()]
ANYING_WEBHOOK_URL = os.environ.get("ANYING_WEBHOOK_URL", "")
# A user may name their own group robot; the server posts only to these hosts (the robots of
# 企业微信 and 钉钉 by default), never to an address inside the network.
ANYING_WEBHOOK_HOSTS = [h.strip() for h in os.environ.get(
    "ANYING_WEBHOOK_HOSTS", "qyapi.weixin.qq.com,oapi.dingtalk.com").split(",") if h.strip()]
# 预警 (issue #17, docs/warning.md). The CAP `sender` of our messages; the hosts a CAP file or feed
# may be fetched from (the server fetches it, so only these: the weather bureau's); the feeds the
# tick polls; the SMS gateway backend (a dotted path; the default only logs) and the shared key an
# inbound-SMS webhook must present for replies to count as 叫应.
_env_list = lambda name, default="": [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]  # noqa: E731
ANYING_CAP_SENDER = os.environ.get("ANYING_CAP_SENDER", "anying@localhost")
ANYING_CAP_FEED_TITLE = os.environ.get("ANYING_CAP_FEED_TITLE", "安应 预警信息")
ANYING_CAP_FEED_HOSTS = _env_list("ANYING_CAP_FEED_HOSTS")
ANYING_CAP_FEED_PORTS = [int(p) for p in _env_list("ANYING_CAP_FEED_PORTS")]
ANYING_CAP_FEEDS = _env_list("ANYING_CAP_FEEDS")
ANYING_CAP_FEED_UNIT = os.environ.get("ANYING_CAP_FEED_UNIT", "")  # whose drafts the polled messages become
ANYING_CAP_FEED_MINUTES = int(os.environ.get("ANYING_CAP_FEED_MINUTES", "5"))
ANYING_SMS_BACKEND = os.environ.get("ANYING_SMS_BACKEND", "anying.warning.sms.LoggingBackend")
ANYING_SMS_GATEWAY_KEY = os.environ.get("ANYING_SMS_GATEWAY_KEY", "")
# Users who take a daily digest get it from this hour (Asia/Shanghai) on.
ANYING_DIGEST_HOUR = int(os.environ.get("ANYING_DIGEST_HOUR", "8"))
EMAIL_HOST = os.environ.get("ANYING_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ANYING_EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("ANYING_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ANYING_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("ANYING_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("ANYING_EMAIL_FROM", "anying@localhost")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ANYING_LOG_LEVEL", "WARNING")},
}
