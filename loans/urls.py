from django.urls import path

from . import views

app_name = "loans"

urlpatterns = [
    path("", views.LoanListView.as_view(), name="list"),
    path("figures/", views.LoanFiguresView.as_view(), name="figures"),
    path("repayments/import/", views.RepaymentImportView.as_view(), name="repayment_import"),
    path("alerts/", views.AlertListView.as_view(), name="alerts"),
    path("fund-use/", views.FundUseListView.as_view(), name="fund_use_list"),
    path("alerts/<int:pk>/", views.AlertDetailView.as_view(), name="alert_detail"),
    path("<int:pk>/", views.LoanDetailView.as_view(), name="detail"),
    path("<int:pk>/repayments/", views.RepaymentCreateView.as_view(), name="repayment_create"),
    path("<int:pk>/act/<str:action>/", views.LoanActView.as_view(), name="act"),
    path("<int:pk>/fund-use/", views.FundUseCreateView.as_view(), name="fund_use_create"),
    path("<int:pk>/fund-use/<int:report_id>/review/", views.FundUseReviewView.as_view(), name="fund_use_review"),
    path("<int:pk>/fund-use/<int:report_id>/answer/", views.FundUseAnswerView.as_view(), name="fund_use_answer"),
    path("<int:pk>/fund-use/<int:report_id>/file/", views.FundUseFileView.as_view(), name="fund_use_file"),
]
