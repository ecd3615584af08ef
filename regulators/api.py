from django.urls import path

from .api_dashboard import DashboardApiView

extra_urlpatterns = [
    path("dashboard/", DashboardApiView.as_view(), name="dashboard"),
]


def register(router):
    """No viewsets of ours here yet (the dashboard is a plain view, in extra_urlpatterns)."""
