from django.urls import path

from . import views

app_name = "banks"

urlpatterns = [
    path("", views.BankListView.as_view(), name="bank_list"),
    path("admit/", views.BankAdmitView.as_view(), name="bank_admit"),
    path("mine/", views.my_bank, name="my_bank"),
    path("<int:pk>/", views.BankDetailView.as_view(), name="bank_detail"),
    path("<int:pk>/edit/", views.BankEditView.as_view(), name="bank_edit"),
    path("<int:pk>/transition/", views.BankTransitionView.as_view(), name="bank_transition"),
    path("<int:pk>/branches/new/", views.BranchCreateView.as_view(), name="branch_create"),
    path("<int:pk>/products/new/", views.ProductCreateView.as_view(), name="product_create"),
    path("branches/<int:pk>/edit/", views.BranchEditView.as_view(), name="branch_edit"),
    path("products/", views.ProductListView.as_view(), name="product_list"),
    path("products/mine/", views.my_products, name="my_products"),
    path("products/match/", views.ProductMatchView.as_view(), name="product_match"),
    path("products/<int:pk>/", views.ProductDetailView.as_view(), name="product_detail"),
    path("products/<int:pk>/edit/", views.ProductEditView.as_view(), name="product_edit"),
    path("products/<int:pk>/transition/", views.ProductTransitionView.as_view(), name="product_transition"),
    path("staff/", views.StaffListView.as_view(), name="staff_list"),
    path("staff/new/", views.StaffCreateView.as_view(), name="staff_create"),
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("staff/<int:pk>/active/", views.StaffActiveView.as_view(), name="staff_active"),
    path("staff/<int:pk>/password/", views.StaffPasswordView.as_view(), name="staff_password"),
]
