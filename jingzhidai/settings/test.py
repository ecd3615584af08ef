"""Test suite: SQLite by default, PostgreSQL when DATABASE_URL is set (CI)."""

import tempfile

from .base import *  # noqa: F401,F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="jzd-test-media-")
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                    "OPTIONS": {"location": MEDIA_ROOT}}}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "signup": "10000/minute"}}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process: the memory cache hears every write, so the kept profiles are on in every test.
ELEMENTS_PROFILE_CACHE = True
# Sessions in the database whatever CACHE_URL says: the suite's pinned query counts include the
# session read; tests/identity/test_sessions.py runs the session rules under cached_db too.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The demo world's year of history (regulators/demo.py): enough rows for every chart, fewer for speed.
DEMO_HISTORY_APPLICATIONS = 60
