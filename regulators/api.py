"""API of the regulators' workspace: each part registers its own routes."""

from django.urls import path

from .api_dashboard import DashboardApiView
from .reports import api as reports_api

extra_urlpatterns = [
    path("dashboard/", DashboardApiView.as_view(), name="dashboard"),
]


def register(router):
    # The dashboard is a plain view (extra_urlpatterns); the reports are a viewset.
    reports_api.register(router)
