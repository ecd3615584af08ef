from django.urls import path

from . import views

app_name = "elements"

urlpatterns = [
    path("enterprises/mine/profile/", views.my_profile, name="my_profile"),
    path("enterprises/", views.EnterpriseProfileListView.as_view(), name="enterprise_profiles"),
    path("enterprises/<str:uscc>/profile/", views.ProfileView.as_view(), name="profile"),
    path("enterprises/<str:uscc>/distinctions/new/", views.DistinctionCreateView.as_view(), name="distinction_create"),
    path("records/distinctions/<int:pk>/revoke/", views.DistinctionRevokeView.as_view(), name="distinction_revoke"),
    path("records/listings/<int:pk>/remove/", views.ListingRemoveView.as_view(), name="listing_remove"),
    path("records/distinctions/", views.DistinctionListView.as_view(), name="distinction_list"),
    path("records/listings/", views.ListingListView.as_view(), name="listing_list"),
    path("records/penalties/", views.PenaltyListView.as_view(), name="penalty_list"),
    path("records/spot-checks/", views.SpotCheckListView.as_view(), name="spotcheck_list"),
    path("catalog/", views.CatalogListView.as_view(), name="catalog"),
    path("catalog/new/", views.ElementTypeEditView.as_view(), name="catalog_create"),
    path("catalog/<int:pk>/", views.ElementTypeHistoryView.as_view(), name="catalog_history"),
    path("catalog/<int:pk>/edit/", views.ElementTypeEditView.as_view(), name="catalog_edit"),
    path("catalog/<int:pk>/retire/", views.ElementTypeRetireView.as_view(), name="catalog_retire"),
    path("catalog/<int:pk>/restore/", views.ElementTypeRetireView.as_view(restore=True), name="catalog_restore"),
    path("imports/", views.BatchListView.as_view(), name="batch_list"),
    path("imports/new/", views.BatchUploadView.as_view(), name="batch_upload"),
    path("imports/template/<str:feed>.<str:fmt>", views.BatchTemplateView.as_view(), name="batch_template"),
    path("imports/<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("imports/<int:pk>/rejects.csv", views.BatchRejectsView.as_view(), name="batch_rejects"),
]
