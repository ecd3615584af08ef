from django.urls import path

from . import views

# Included by regulators/urls.py (namespace "regulators").
urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<int:pk>/publish/", views.ReportPublishView.as_view(), name="report_publish"),
    path("reports/<int:pk>/file/<str:fmt>/", views.ReportFileView.as_view(), name="report_file"),
    path("bulletins/", views.BulletinListView.as_view(), name="bulletin_list"),
    path("bulletins/<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("bulletins/<int:pk>/file/<str:fmt>/", views.BulletinFileView.as_view(), name="bulletin_file"),
]
