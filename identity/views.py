from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView
from django_filters.views import FilterView

from audit.models import AuditAction
from audit.views import AuditedReadMixin
from jingzhidai.errors import ApplicationError, errors_to_form
from jingzhidai.network import client_ip
from jingzhidai.scoping import ScopedObjectMixin

from . import selectors, services
from .choices import REGULATOR_ROLES, Role
from .filters import EnterpriseFilter, UserFilter
from .forms import CheckForm, LoginForm, PasswordChangeForm, SignupForm
from .models import RegulatorUnit
from .navigation import home_cards_for
from .throttling import SignupRateThrottle, ThrottledPageMixin
from .verdict import check_verdict

ROLE_HOMES = {
    Role.ENTERPRISE: "identity:home_enterprise",
    Role.BANK_OFFICER: "identity:home_bank",
    Role.BANK_APPROVER: "identity:home_bank",
    Role.BANK_ADMIN: "identity:home_bank",
    Role.DISTRICT_REGULATOR: "identity:home_regulator",
    Role.CITY_REGULATOR: "identity:home_regulator",
    Role.PLATFORM_ADMIN: "identity:home_admin",
}


class RoleRequiredMixin(LoginRequiredMixin):
    roles: tuple = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.roles and request.user.role not in self.roles:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    template_name = "identity/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Signing out also revokes the user's API tokens."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            services.api_tokens_revoke(user=request.user)
        return super().post(request, *args, **kwargs)


class PasswordChangeView(LoginRequiredMixin, FormView):
    """Every user changes their own password here; a user whose password an administrator set
    is sent here first (identity.middleware)."""

    template_name = "identity/password_change.html"
    form_class = PasswordChangeForm

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            user = services.account_password_change(user=self.request.user, old_password=d["old_password"],
                                                    new_password=d["new_password1"],
                                                    address=client_ip(self.request))
        except ApplicationError as e:
            errors_to_form(form, e, {"new_password": "new_password1"})
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password was changed."))
        return redirect("identity:home")


def home(request):
    if not request.user.is_authenticated:
        return redirect("identity:login")
    return redirect(ROLE_HOMES.get(request.user.role, "identity:login"))


class HomePageMixin(RoleRequiredMixin):
    """A role's home page: the figures apps put there (HOME_CARDS in their navigation)."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["home_cards"] = home_cards_for(self.request.user)
        return ctx


class EnterpriseHomeView(HomePageMixin, TemplateView):
    roles = (Role.ENTERPRISE,)
    template_name = "identity/home_enterprise.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["enterprise"] = enterprise = selectors.enterprise_get(self.request.user.enterprise_id)
        ctx["check"] = services.enterprise_check(enterprise=enterprise)
        ctx["verdict"] = check_verdict(ctx["check"], self.request.user)
        return ctx


class BankHomeView(HomePageMixin, TemplateView):
    roles = (Role.BANK_OFFICER, Role.BANK_APPROVER, Role.BANK_ADMIN)
    template_name = "identity/home_bank.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["bank"] = self.request.user.bank
        ctx["colleagues"] = selectors.users_visible_to(self.request.user).filter(
            bank_id=self.request.user.bank_id).count() if self.request.user.role == Role.BANK_ADMIN else None
        return ctx


class RegulatorHomeView(HomePageMixin, TemplateView):
    roles = REGULATOR_ROLES
    template_name = "identity/home_regulator.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        enterprises = selectors.enterprises_visible_to(user)
        ctx["unit"] = user.regulator_unit
        ctx["enterprise_count"] = enterprises.count()
        ctx["by_district"] = (
            enterprises.values("district__code", "district__name").annotate(n=Count("uscc")).order_by("district__code")
            if user.role == Role.CITY_REGULATOR else None
        )
        ctx["recent_accounts"] = selectors.users_visible_to(user).filter(role=Role.ENTERPRISE).order_by(
            "-date_joined")[:10]
        return ctx


class AdminHomeView(HomePageMixin, TemplateView):
    roles = (Role.PLATFORM_ADMIN,)
    template_name = "identity/home_admin.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        users = selectors.users_visible_to(self.request.user)
        ctx["users_by_role"] = users.values("role").annotate(n=Count("id")).order_by("role")
        ctx["role_labels"] = dict(Role.choices)
        ctx["units"] = RegulatorUnit.objects.select_related("district").annotate(n=Count("enterprises"))
        ctx["enterprise_count"] = selectors.enterprises_visible_to(self.request.user).count()
        return ctx


class EnterpriseListView(AuditedReadMixin, RoleRequiredMixin, ScopedObjectMixin, FilterView):
    roles = (*REGULATOR_ROLES, Role.PLATFORM_ADMIN)
    audit_object_type = "identity.enterprise"
    audit_action = AuditAction.LIST
    scope = staticmethod(selectors.enterprises_visible_to)
    filterset_class = EnterpriseFilter
    template_name = "identity/enterprise_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().annotate(account_count=Count("users")).order_by("uscc")


class EnterpriseDetailView(AuditedReadMixin, LoginRequiredMixin, ScopedObjectMixin, DetailView):
    scope = staticmethod(selectors.enterprises_visible_to)
    audit_object_type = "identity.enterprise"
    audit_object_kwarg = "uscc"
    template_name = "identity/enterprise_detail.html"
    slug_field = slug_url_kwarg = "uscc"
    context_object_name = "enterprise"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["check"] = services.enterprise_check(enterprise=self.object)
        ctx["verdict"] = check_verdict(ctx["check"], self.request.user)
        ctx["accounts"] = selectors.users_visible_to(self.request.user).filter(enterprise=self.object)
        return ctx


def my_enterprise(request):
    if not request.user.is_authenticated or request.user.role != Role.ENTERPRISE:
        raise PermissionDenied
    return redirect("identity:enterprise_detail", uscc=request.user.enterprise_id)


class UserListView(RoleRequiredMixin, ScopedObjectMixin, FilterView):
    roles = (*REGULATOR_ROLES, Role.PLATFORM_ADMIN)
    scope = staticmethod(selectors.users_visible_to)
    filterset_class = UserFilter
    template_name = "identity/user_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().order_by("-date_joined", "id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_confirm"] = selectors.may_confirm_accounts(self.request.user)
        return ctx


@require_POST
def account_decide(request, pk, decision):
    """A regulator confirms or refuses a pending enterprise account (from the account list)."""
    if not request.user.is_authenticated:
        return redirect("identity:login")
    if decision not in ("confirm", "refuse"):
        raise Http404
    try:
        if decision == "confirm":
            account = services.enterprise_account_confirm(account_id=pk, by=request.user)
            messages.success(request, _("Account %(name)s confirmed.") % {"name": account.username})
        else:
            services.enterprise_account_refuse(account_id=pk, by=request.user)
            messages.success(request, _("The sign-up was refused and deleted."))
    except ApplicationError as e:
        if e.status_code == 404:
            raise Http404 from e
        if e.status_code == 403:
            raise PermissionDenied from e
        messages.error(request, str(e.message))
    return redirect("identity:user_list")


class CheckView(ThrottledPageMixin, FormView):
    """Public self-check (no login); counted with the API self-check per client address."""

    template_name = "identity/check.html"
    form_class = CheckForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if "uscc" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        result = services.enterprise_check(form.cleaned_data["uscc"]) if form.is_valid() else None
        verdict = check_verdict(result, request.user) if result is not None else None
        return render(request, self.template_name, {"form": form, "result": result, "verdict": verdict})


class SignupView(ThrottledPageMixin, FormView):
    throttle_classes = (SignupRateThrottle,)
    throttled_methods = ("POST",)
    template_name = "identity/signup.html"
    form_class = SignupForm

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            services.enterprise_user_signup(
                uscc_code=d["uscc"], enterprise_name=d["enterprise_name"], username=d["username"],
                password=d["password1"], email=d["email"], phone=d["phone"], full_name=d["full_name"],
            )
        except ApplicationError as e:
            errors_to_form(form, e, {"password": "password1"})
            return self.form_invalid(form)
        # The same answer whether or not the username was free: the e-mail says which.
        messages.success(self.request, _("Thank you. We sent a message about your sign-up to %(email)s. An account "
                                         "can sign in once your district market regulation bureau has confirmed "
                                         "it.") % {"email": d["email"]})
        return redirect(reverse("identity:login"))


def language_set(request):
    """Django's set_language, and the choice remembered on the account of a signed-in person so
    that their e-mails are written in it (docs/decisions.md, "Notifications in the reader's language")."""
    from django.views.i18n import set_language

    response = set_language(request)
    if request.method == "POST":
        services.user_language_set(user=request.user, language=request.POST.get("language", ""))
    return response
