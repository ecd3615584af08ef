import importlib
import importlib.util

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from identity import api as identity_api
from identity.views import language_set
from jingzhidai.health import health

# Apps above identity plug in without this file naming their views:
# - pages in `<app>/urls.py` (with app_name), mounted under /<app>/;
# - API in `<app>/api.py`: `register(router)` for viewsets, optional `extra_urlpatterns`.
FEATURE_APPS = ["banks", "elements", "applications", "loans", "regulators"]


def _feature_module(app, name):
    if importlib.util.find_spec(f"{app}.{name}") is None:
        return None
    return importlib.import_module(f"{app}.{name}")


router = DefaultRouter()
router.register("enterprises", identity_api.EnterpriseViewSet, basename="enterprise")
router.register("districts", identity_api.DistrictViewSet, basename="district")
router.register("regulator-units", identity_api.RegulatorUnitViewSet, basename="regulator-unit")

api_v1 = [
    path("auth/token/", identity_api.TokenView.as_view(), name="auth-token"),
    path("me/", identity_api.MeView.as_view(), name="me"),
]
feature_pages = []
for app in FEATURE_APPS:
    if api := _feature_module(app, "api"):
        api.register(router)
        api_v1 += getattr(api, "extra_urlpatterns", [])
    if _feature_module(app, "urls"):
        feature_pages.append(path(f"{app}/", include(f"{app}.urls")))
api_v1.append(path("", include(router.urls)))

urlpatterns = [
    path("health/", health, name="health"),
    path("", include("identity.urls")),
    *feature_pages,
    path("i18n/setlang/", language_set, name="set_language"),
    path("django-admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script): no inline script
    # under the Content-Security-Policy.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html"),
         name="api-docs"),
]
# MEDIA_URL is deliberately never served: uploaded files (evidence, feed files) are private and
# reach people only through views that check access.

# Errors Django answers itself: the JSON error shape under /api/, the templates elsewhere.
handler400 = "jingzhidai.errorpages.bad_request"
handler403 = "jingzhidai.errorpages.permission_denied"
handler404 = "jingzhidai.errorpages.page_not_found"
handler500 = "jingzhidai.errorpages.server_error"
