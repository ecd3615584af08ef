from django.urls import path

from . import views, views_dashboard
from .cases import views as cases
from .recommendations import views as recommended
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

# Typical cases (典型案例): the workspace, the enterprise's consent, the public pages.
urlpatterns += [
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/new/", cases.CaseCreateView.as_view(), name="case_create"),
    path("cases/<int:pk>/", cases.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/edit/", cases.CaseEditView.as_view(), name="case_edit"),
    path("cases/<int:pk>/consent/", cases.CaseActionView.as_view(action="consent"), name="case_consent"),
    path("cases/<int:pk>/consent/revoke/", cases.CaseActionView.as_view(action="revoke"), name="case_consent_revoke"),
    path("cases/<int:pk>/publish/", cases.CaseActionView.as_view(action="publish"), name="case_publish"),
    path("cases/<int:pk>/unpublish/", cases.CaseActionView.as_view(action="unpublish"), name="case_unpublish"),
    path("cases/<int:pk>/photos/", cases.CaseActionView.as_view(action="photo_add"), name="case_photo_add"),
    path("cases/<int:pk>/photos/<int:photo_pk>/", cases.CasePhotoView.as_view(), name="case_photo"),
    path("cases/<int:pk>/photos/<int:photo_pk>/remove/", cases.CaseActionView.as_view(action="photo_remove"),
         name="case_photo_remove"),
    path("public/cases/", cases.PublicCaseListView.as_view(), name="public_case_list"),
    path("public/cases/<int:pk>/", cases.PublicCaseDetailView.as_view(), name="public_case_detail"),
]

# The recommended list (§三) and banks' invitations.
urlpatterns += [
    path("recommendation/", recommended.MyRecommendationView.as_view(), name="recommendation_mine"),
    path("recommended/", recommended.RecommendedListView.as_view(), name="recommended_list"),
    path("recommended/build/", recommended.RecommendedListBuildView.as_view(), name="recommended_build"),
    path("recommended/<int:pk>/", recommended.RecommendedEntryView.as_view(), name="recommended_entry"),
    path("invitations/", recommended.InvitationListView.as_view(), name="invitation_list"),
    path("invitations/<int:pk>/decline/", recommended.InvitationDeclineView.as_view(), name="invitation_decline"),
]
