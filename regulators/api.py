"""API of the regulators' workspace: each part registers its own routes."""

from django.urls import path

from .api_dashboard import DashboardApiView
from .cases import api as cases_api
from .recommendations import api as recommendations_api
from .reports import api as reports_api

extra_urlpatterns = [
    path("dashboard/", DashboardApiView.as_view(), name="dashboard"),
    *recommendations_api.extra_urlpatterns,
]


def register(router):
    # The dashboard is a plain view (extra_urlpatterns); reports and cases are viewsets.
    reports_api.register(router)
    router.register("cases", cases_api.CaseViewSet, basename="case")
    recommendations_api.register(router)
