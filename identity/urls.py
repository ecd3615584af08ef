from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("check/", views.CheckView.as_view(), name="check"),
    path("home/enterprise/", views.EnterpriseHomeView.as_view(), name="home_enterprise"),
    path("home/bank/", views.BankHomeView.as_view(), name="home_bank"),
    path("home/regulator/", views.RegulatorHomeView.as_view(), name="home_regulator"),
    path("home/admin/", views.AdminHomeView.as_view(), name="home_admin"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("enterprises/mine/", views.my_enterprise, name="my_enterprise"),
    path("enterprises/<str:uscc>/", views.EnterpriseDetailView.as_view(), name="enterprise_detail"),
    path("accounts/", views.UserListView.as_view(), name="user_list"),
    path("accounts/<int:pk>/<str:decision>/", views.account_decide, name="account_decide"),
]
