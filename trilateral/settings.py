"""Settings for the Trilateral records site, read from the environment.

A laptop needs nothing set: SQLite in the project folder, debug off unless asked for (with a
development secret key only while debugging). Production sets DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG")

# Without a key and with debug off, SECRET_KEY stays empty: the servers (trilateral.wsgi,
# trilateral.asgi) and the system checks refuse to run, and anything that would sign with it
# fails. Commands that only read the code, such as makemigrations, still work.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # Full-text and trigram search lookups on PostgreSQL; inert on SQLite.
    "django.contrib.postgres",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "simple_history",
    "csp",
    "axes",
    "trilateral",
    "meetings",
    "declarations",
]

MIDDLEWARE = [
    # Outermost: it empties a HEAD response once every other layer has seen the full one.
    "trilateral.middleware.HeadMiddleware",
    "trilateral.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before LocaleMiddleware, so its redirects to a language carry the headers too.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # ETag on every page, cached or not, and 304 for a matching If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "trilateral.cache.AnonymousPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "trilateral.middleware.DatabaseUnavailableMiddleware",
    "trilateral.middleware.AdminInputMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trilateral.urls"
WSGI_APPLICATION = "trilateral.wsgi.application"

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
                "trilateral.context_processors.site",
                "trilateral.context_processors.languages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------

DATABASES = {
    # Unset or empty: SQLite in the project folder.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, keeping the query planner's statistics up to date (trilateral/sqlite).
    DATABASES["default"]["ENGINE"] = "trilateral.sqlite"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The record is small enough to stay in memory, where reading a page at random costs about
    # what reading the next one does. PostgreSQL's default of 4 (for spinning disks) makes it
    # read all 51,000 paragraphs of the large record rather than use their search indexes
    # (bench/query-plans.md). An `options` given in DATABASE_URL replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For. The
# login lockout and the API's rate limit take the address that many entries from the end; with
# none they take the connection's, so that a client cannot name its own address in the header.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT

# Staff sessions end after a working day, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Cache --------------------------------------------------------------------------------------

# Local memory by default; CACHE_URL=redis://… shares one cache between workers and servers. A
# Redis outage degrades to uncached serving: errors are logged and treated as cache misses.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
                "IGNORE_EXCEPTIONS": True,
            },
            "KEY_PREFIX": "trilateral",
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Each worker keeps its own. Django's default of 300 entries is a hundred pages in each
    # language: a crawler walking the record's thousands of pages would push out the pages
    # readers want every few seconds. An entry is a whole response, 3-70 kB on the large record.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "2000"))},
        }
    }

# Anonymous pages are cached and invalidated by the record's generation (trilateral.cache).
PAGE_CACHE = env_bool("PAGE_CACHE", True)

# --- Passwords ----------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time ---------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# --- Site ---------------------------------------------------------------------------------------

SITE_NAME = os.environ.get("SITE_NAME", "Trilateral")
# The public origin, for absolute links in feeds, calendars and JSON-LD when no request is at hand.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- API ----------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first, so that a request without credentials gets a 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["trilateral.api_policies.StaffWritePermission"],
    "DEFAULT_PARSER_CLASSES": [
        "trilateral.api_policies.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "trilateral.api_policies.FilterBackend",
        "trilateral.api_policies.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "trilateral.api_policies.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["trilateral.api_policies.AnonRateThrottle"],
    # Requests per second, minute, hour or day from one anonymous address, e.g. "120/minute".
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "trilateral.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
}
DRF_STANDARDIZED_ERRORS = {
    # Its handler, with the 503 for an unreachable database; keeping its own function as DRF's
    # EXCEPTION_HANDLER is what lets the schema document the error responses.
    "EXCEPTION_HANDLER_CLASS": "trilateral.api.ExceptionHandler",
    # The defaults, and 409 (a delete that other records prevent) and 412 (a stale If-Match).
    "ALLOWED_ERROR_STATUS_CODES": [400, 401, 403, 404, 405, 406, 409, 412, 415, 429, 500],
    "ERROR_SCHEMAS": {
        "409": "trilateral.openapi.ErrorResponse409Serializer",
        "412": "trilateral.openapi.ErrorResponse412Serializer",
    },
}

STANDARDIZED_ERRORS = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "Trilateral records API",
    "DESCRIPTION": "Meetings, participants and declarations of intergovernmental meeting series.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": f"{STANDARDIZED_ERRORS}.ValidationErrorEnum.choices",
        "ClientErrorEnum": f"{STANDARDIZED_ERRORS}.ClientErrorEnum.choices",
        "ServerErrorEnum": f"{STANDARDIZED_ERRORS}.ServerErrorEnum.choices",
        "MeetingStatusEnum": "meetings.models.MeetingStatus.choices",
        "CommitmentStatusEnum": "declarations.models.CommitmentStatus.choices",
        "ErrorCode409Enum": "trilateral.openapi.ErrorCode409Enum.choices",
        "ErrorCode412Enum": "trilateral.openapi.ErrorCode412Enum.choices",
    },
    # drf-standardized-errors' copy of drf-spectacular's enum hook, which leaves the enums of
    # the per-operation error components alone: running both would name them twice.
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
}

# --- Logging ------------------------------------------------------------------------------------

# One JSON object per line on standard error, each request's line carrying its request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "trilateral.middleware.JsonLogFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # The request log line replaces Django's own per-request warnings for 4xx answers.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Lockouts and failed logins are warnings; the start-up banner is not worth a line.
        "axes": {"level": "WARNING"},
    },
}

# --- Security headers ---------------------------------------------------------------------------

# Scripts and everything else come from this site alone; no inline script runs. Inline styles
# stay allowed because the admin sets a few style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Production -----------------------------------------------------------------------------------

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # `__Host-` cookies are sent only over HTTPS, to this exact host, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
