"""Settings shared by every environment. Values come from the environment (django-environ);
see .env.example for the full list."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdef")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "simple_history",
    "csp",
    # ours, bottom to top (see README "Architecture"); audit depends on nothing of ours
    "jingzhidai",  # the project package: platform commands (backup, restore)
    "audit",
    "identity",
    "banks",
    "elements",
    "applications",
    "loans",
    "regulators",
]

MIDDLEWARE = [
    # first: every later middleware, view and log line sees the request id
    "jingzhidai.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # before anything reads the path or the query string into a database query
    "jingzhidai.middleware.RejectNulMiddleware",
    # django-csp's, with the policy of responses without nonce or decorator built once
    "jingzhidai.middleware.CSPMiddleware",
    "jingzhidai.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "identity.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # state-changing requests act once: Idempotency-Key on /api/, one-time tokens on forms
    "jingzhidai.once.IdempotencyKeyMiddleware",
    "jingzhidai.once.FormTokenMiddleware",
    # last, as django-axes asks
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script or style; an inline <script> needs the per-response nonce
# (`nonce="{{ request.csp_nonce }}"`, which also adds it to the header). docs/security.md.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Bootstrap draws its icons (navbar toggler, select arrow) as data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features the portal never uses, turned off for every page (jingzhidai.middleware).
PERMISSIONS_POLICY = {
    feature: [] for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
        "geolocation", "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")
}

ROOT_URLCONF = "jingzhidai.urls"
WSGI_APPLICATION = "jingzhidai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "identity.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
            # {% csrf_token %} also renders the one-time form token (jingzhidai.once).
            "builtins": ["jingzhidai.form_tags"],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Throttle counters (and anything else cached) live in Redis when CACHE_URL is set
# (e.g. redis://redis:6379/1), shared by every worker; a per-process memory cache otherwise.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "identity.passwords.StrengthValidator", "OPTIONS": {"min_score": 3}},
]
# Argon2 for new and changed passwords; older PBKDF2 hashes still verify and are re-hashed with
# Argon2 at the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "identity:home"
LOGOUT_REDIRECT_URL = "identity:login"

# Sessions end a working day after sign-in (absolute, identity.middleware), after
# SESSION_IDLE_TIMEOUT seconds without a request, and on browser close.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
# With a shared cache (CACHE_URL: Redis) sessions are read from it and written through to the
# database (cached_db): a signed-in request reads its session without a query, and a session the
# cache lost is read from the database. The user is still read from the database on every request,
# so deactivation and a password change take effect at once. Without a shared cache, the
# database only: a per-process memory cache would let one worker keep a session another one
# ended (docs/decisions.md).
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if env("CACHE_URL", default="")
                  else "django.contrib.sessions.backends.db")

# Lockout after repeated failed logins (django-axes): per username, from any address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the IP address in the lockout key. Banks and bureaus sit behind shared NAT
# addresses, so an IP lock would let one mistyping clerk lock a whole office out; a username
# lock already stops guessing against an account from any address. Decision recorded in docs/.
# models.W040: the list indexes' INCLUDE columns (loans.Loan) make PostgreSQL answer the loan
# book's filters and figures from the index; SQLite (the one-command start) ignores them, rightly.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "identity.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "identity.lockout.lockout_username"
AXES_VERBOSE = False
# The client address is the one the trusted reverse proxies saw: with N proxies in front, the N-th
# entry from the right of X-Forwarded-For (jingzhidai.network.client_ip); 0 = REMOTE_ADDR (make run).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "jingzhidai.network.client_ip"
# API tokens expire; a new one is obtained with username and password.
API_TOKEN_TTL = timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=12))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# Files: local disk by default; S3-compatible object storage (MinIO, OSS, COS…) when
# STORAGE_BACKEND=s3. Evidence files are never served from MEDIA_URL: only through views
# that check access.
STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET", default="jingzhidai"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "access_key": env("S3_ACCESS_KEY", default=None),
            "secret_key": env("S3_SECRET_KEY", default=None),
            "region_name": env("S3_REGION", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="京质贷 <noreply@jingzhidai.local>")

# Celery: Redis in production. Without a broker configured, tasks run inline so that
# `make run` needs nothing but Python.
# Requests that act once (jingzhidai.once): how long an Idempotency-Key or form token is
# remembered, and how long a double-clicked form waits for the first click's answer.
IDEMPOTENCY_TTL_HOURS = 24
FORM_TOKEN_WAIT_SECONDS = 10

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Workers and beat log through LOGGING below (JSON lines), not Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The empty choice of every list filter reads "全部 / All", not "---------" (jingzhidai.filters).
FILTERS_EMPTY_CHOICE_LABEL = _("All")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "identity.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "jingzhidai.api.Pagination",
    # A page of 20 by default, up to 200 with ?page_size= (docs/decisions.md, issue 10).
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON with a size and nesting bound (jingzhidai/api.py); forms and files as DRF has them.
    "DEFAULT_PARSER_CLASSES": [
        "jingzhidai.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "jingzhidai.schema.AutoSchema",  # documents Idempotency-Key
    "EXCEPTION_HANDLER": "jingzhidai.api.exception_handler",
    # Anonymous callers per client address (API self-check, token endpoint, /check/ page share
    # "anon"); sign-up posts per address.
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_RATE", default="120/minute"),
                               "signup": env("SIGNUP_RATE", default="20/hour")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "京质贷 Jingzhidai portal API",
    "DESCRIPTION": "Quality-financing portal of the Beijing Administration for Market Regulation and partner banks.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (offline intranet, no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Logs go to the console, one JSON object per line (python-json-logger) with the request id, for
# the operator to ship (docs/security.md). LOG_FORMAT=text gives plain lines for a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "jingzhidai.logs.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                    "formatter": "text" if LOG_FORMAT == "text" else "json"},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's request (4xx/5xx) and security (DisallowedHost, CSRF…) loggers, and the
        # audit events: each event one line.
        "django.request": {"level": "WARNING"},
        "django.security": {"level": "INFO"},
        "jingzhidai.audit": {"level": "INFO"},
    },
}

# Audit trail (audit/): reads of enterprise data by these roles are recorded (refused accesses
# always are); rows are kept AUDIT_RETENTION_DAYS (never under 183, 等保 §8.1.4.3) and then
# pruned nightly.
AUDIT_READ_ROLES = ["district_regulator", "city_regulator", "platform_admin"]
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=183)

# Element library (elements/): expiry warnings, sync chunk size, stale-batch detection, inbox and
# scheduled feed URLs ({"registration": "https://…", …}, HTTPS only).
ELEMENTS_EXPIRY_WARNING_DAYS = env.int("ELEMENTS_EXPIRY_WARNING_DAYS", default=90)
# Built quality profiles are kept in the cache, forgotten on every write of the library
# (elements.selectors, "the kept profile"): only with a cache every process shares (CACHE_URL),
# since a per-process memory cache would not hear the other processes' writes.
ELEMENTS_PROFILE_CACHE = env.bool("ELEMENTS_PROFILE_CACHE", default=bool(env("CACHE_URL", default="")))
ELEMENTS_SYNC_CHUNK = env.int("ELEMENTS_SYNC_CHUNK", default=5000)
# On PostgreSQL, CSV files of the registration list go through the staged (set-based) path,
# written in slices of this many enterprises (elements/sync/staged.py).
ELEMENTS_SYNC_STAGED = env.bool("ELEMENTS_SYNC_STAGED", default=True)
ELEMENTS_STAGED_SLICE = env.int("ELEMENTS_STAGED_SLICE", default=250_000)
ELEMENTS_STALE_BATCH_MINUTES = env.int("ELEMENTS_STALE_BATCH_MINUTES", default=30)
ELEMENTS_INBOX_PREFIX = env("ELEMENTS_INBOX_PREFIX", default="inbox/")
ELEMENTS_FEED_URLS = env.json("ELEMENTS_FEED_URLS", default={})
ELEMENTS_FEED_TIMEOUT = env.int("ELEMENTS_FEED_TIMEOUT", default=60)
ELEMENTS_UPLOAD_MAX_BYTES = env.int("ELEMENTS_UPLOAD_MAX_BYTES", default=500 * 1024 * 1024)
# An .xlsx is a zip archive: refused before parsing beyond these bounds (decompression bombs).
ELEMENTS_XLSX_MAX_MEMBERS = env.int("ELEMENTS_XLSX_MAX_MEMBERS", default=1000)
ELEMENTS_XLSX_MAX_UNCOMPRESSED_BYTES = env.int("ELEMENTS_XLSX_MAX_UNCOMPRESSED_BYTES", default=256 * 1024 * 1024)
ELEMENTS_XLSX_MAX_RATIO = env.int("ELEMENTS_XLSX_MAX_RATIO", default=100)

# Applications (applications/): evidence upload limit, verification-request due date.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
VERIFICATION_DUE_WORKING_DAYS = env.int("VERIFICATION_DUE_WORKING_DAYS", default=3)
# A contract is recorded once signed: its signing date lies between the approval and today
# plus this many days (0: never in the future).
CONTRACT_SIGNED_ON_MAX_DAYS_AHEAD = env.int("CONTRACT_SIGNED_ON_MAX_DAYS_AHEAD", default=0)

# GET /health/ answers within this many seconds; a component still silent by then is "timeout".
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT", default=3.0)

# Loans (loans/): fund-use report due after the first disbursement, alert cursor overlap window
# and batch, escalation of unacknowledged alerts.
LOANS_FUND_USE_REPORT_DAYS = env.int("LOANS_FUND_USE_REPORT_DAYS", default=90)
LOANS_ALERT_OVERLAP_SECONDS = env.int("LOANS_ALERT_OVERLAP_SECONDS", default=900)
LOANS_ALERT_BATCH = env.int("LOANS_ALERT_BATCH", default=2000)
LOANS_ALERT_ESCALATION_WORKING_DAYS = env.int("LOANS_ALERT_ESCALATION_WORKING_DAYS", default=5)

PORTAL_NAME = _("Jingzhidai quality financing portal")
DEMO_PASSWORD = env("DEMO_PASSWORD", default="Jzd-demo-2026!")
