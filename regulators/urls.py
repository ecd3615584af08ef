from django.urls import path

from . import views
from .reports import urls as report_urls

app_name = "regulators"

urlpatterns = [
    path("verification-requests/", views.InboxView.as_view(), name="inbox"),
    path("verification-requests/<int:pk>/", views.RequestDetailView.as_view(), name="request_detail"),
    path("verification-requests/<int:pk>/file/", views.AnswerFileView.as_view(), name="answer_file"),
    *report_urls.urlpatterns,
]
