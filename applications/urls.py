from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="list"),
    path("new/", views.ApplicationCreateView.as_view(), name="create"),
    path("new/branches/", views.BranchOptionsView.as_view(), name="branch_options"),
    path("access-log/", views.AccessLogView.as_view(), name="access_log"),
    path("notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("notifications/<int:pk>/", views.NotificationOpenView.as_view(), name="notification_open"),
    path("<int:pk>/", views.ApplicationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ApplicationEditView.as_view(), name="edit"),
    path("<int:pk>/authorise/", views.AuthoriseView.as_view(), name="authorise"),
    path("<int:pk>/act/<str:action>/", views.TransitionView.as_view(), name="act"),
    path("<int:pk>/evidence/", views.EvidenceUploadView.as_view(), name="evidence_upload"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("<int:pk>/evidence/<int:evidence_id>/delete/", views.EvidenceDeleteView.as_view(), name="evidence_delete"),
    path("<int:pk>/evidence/<int:evidence_id>/review/", views.EvidenceReviewView.as_view(), name="evidence_review"),
    path("<int:pk>/documents/", views.DocumentUploadView.as_view(), name="document_upload"),
    path("<int:pk>/documents/<int:document_id>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("<int:pk>/documents/<int:document_id>/delete/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("<int:pk>/verification-requests/", views.VerificationRequestCreateView.as_view(), name="vr_create"),
]
