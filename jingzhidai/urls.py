from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from identity import api as identity_api

router = DefaultRouter()
router.register("enterprises", identity_api.EnterpriseViewSet, basename="enterprise")
router.register("districts", identity_api.DistrictViewSet, basename="district")
router.register("regulator-units", identity_api.RegulatorUnitViewSet, basename="regulator-unit")

api_v1 = [
    path("auth/token/", identity_api.TokenView.as_view(), name="auth-token"),
    path("me/", identity_api.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("identity.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
