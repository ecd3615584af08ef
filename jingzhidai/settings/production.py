"""Production: PostgreSQL, Redis broker, object storage, HTTPS behind a reverse proxy."""

from .base import *  # noqa: F401,F403
from .base import DATABASES, STORAGES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
# Keep database connections between requests (gunicorn) and tasks (Celery), checked before reuse
# so a connection the server dropped is replaced instead of failing the request.
DATABASES = {**DATABASES, "default": {
    **DATABASES["default"],
    "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
    "CONN_HEALTH_CHECKS": env.bool("DATABASE_CONN_HEALTH_CHECKS", default=True),
}}
