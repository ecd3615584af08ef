from django.urls import path

from . import views, views_dashboard
from .reports import urls as report_urls

app_name = "regulators"

urlpatterns = [
    path("verification-requests/", views.InboxView.as_view(), name="inbox"),
    path("verification-requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("verification-requests/<int:pk>/file/", views.AnswerFileView.as_view(), name="answer_file"),
    path("dashboard/", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("dashboard/banks/", views_dashboard.BankEvaluationView.as_view(), name="dashboard_banks"),
    path("dashboard/policy/", views_dashboard.PolicyEffectView.as_view(), name="dashboard_policy"),
    *report_urls.urlpatterns,
]
