"""Pages of the partner list. Public pages (no login) show admitted banks and their active
products; management pages look every object up through the door of the action, so other
banks' objects answer 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from identity.choices import Role
from identity.views import RoleRequiredMixin
from jingzhidai.errors import ApplicationError, errors_to_form
from jingzhidai.network import client_ip
from jingzhidai.scoping import ScopedObjectMixin, get_visible_or_404

from . import conditions as cond
from . import selectors, services
from .filters import BankFilter, ProductFilter, StaffFilter
from .forms import (
    PRODUCT_ERROR_FIELDS,
    BankForm,
    BranchForm,
    PasswordForm,
    ProductForm,
    ProductTransitionForm,
    StaffForm,
    TransitionForm,
)
from .models import Branch


def _decorate_products(products, catalog=None):
    """Rate range against the LPR in force and the conditions sentence, for a page of products
    (three queries whatever the page size). Returns (lpr, catalog) so a caller reuses both."""
    catalog = cond.catalog_load() if catalog is None else catalog
    lpr = selectors.lpr_current()
    for p in products:
        p.rate_range = selectors.product_rate_range(p, lpr)
        p.conditions_text = cond.conditions_describe(p.conditions, catalog=catalog)
    return lpr, catalog


def _can(user, queryset, obj):
    return user.is_authenticated and queryset.filter(pk=obj.pk).exists()


# Public pages ------------------------------------------------------------------------------


class BankListView(ScopedObjectMixin, FilterView):
    """Partner banks, searchable by kind and district. No login needed."""

    scope = staticmethod(selectors.bank_list)
    filterset_class = BankFilter
    template_name = "banks/bank_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().order_by("kind__order", "name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["is_reader"] = user.is_authenticated and user.role in selectors.LIST_READERS
        ctx["can_admit"] = user.is_authenticated and user.role in selectors.LIST_MANAGERS
        return ctx


class BankDetailView(ScopedObjectMixin, DetailView):
    scope = staticmethod(selectors.banks_visible_to)
    template_name = "banks/bank_detail.html"
    context_object_name = "bank"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, bank = self.request.user, self.object
        products = list(selectors.products_visible_to(user).filter(bank=bank).order_by("name"))
        ctx["lpr"], _catalog = _decorate_products(products)
        ctx["products"] = products
        ctx["branches"] = selectors.branches_of(bank)
        manage = _can(user, selectors.banks_manageable_by(user), bank)
        ctx["can_manage"] = manage
        ctx["can_manage_products"] = _can(user, selectors.banks_with_products_manageable_by(user), bank)
        ctx["can_manage_branches"] = _can(user, selectors.banks_with_branches_manageable_by(user), bank)
        if selectors.banks_with_history_visible_to(user).filter(pk=bank.pk).exists():
            ctx["history"] = selectors.bank_history(bank)
        if manage:
            ctx["transition_form"] = TransitionForm(allowed=services.bank_actions_allowed(bank.status))
        return ctx


class ProductListView(ScopedObjectMixin, FilterView):
    scope = staticmethod(selectors.products_visible_to)
    filterset_class = ProductFilter
    template_name = "banks/product_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().order_by("bank__name", "name", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["lpr"], _catalog = _decorate_products(ctx["object_list"])
        return ctx


class ProductDetailView(ScopedObjectMixin, DetailView):
    scope = staticmethod(selectors.products_visible_to)
    template_name = "banks/product_detail.html"
    context_object_name = "product"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, product = self.request.user, self.object
        ctx["lpr"], _catalog = _decorate_products([product])
        manage = _can(user, selectors.products_manageable_by(user), product)
        ctx["can_manage"] = manage
        if selectors.products_with_history_visible_to(user).filter(pk=product.pk).exists():
            ctx["history"] = selectors.product_history(product)
            ctx["field_history"] = selectors.product_field_history(product)[:20]
        if manage:
            ctx["transition_form"] = ProductTransitionForm(
                allowed=services.product_actions_allowed(product.status))
        return ctx


class ProductMatchView(RoleRequiredMixin, TemplateView):
    """For a signed-in enterprise: which open products its quality profile meets today, and for
    the others which condition it misses."""

    roles = (Role.ENTERPRISE,)
    template_name = "banks/product_match.html"

    def get_context_data(self, **kwargs):
        from elements.selectors import profile_get

        ctx = super().get_context_data(**kwargs)
        enterprise = self.request.user.enterprise
        profile = profile_get(enterprise=enterprise)
        products = list(selectors.products_open_to(enterprise))
        ctx["lpr"], catalog = _decorate_products(products)
        rows = selectors.product_matches(products, profile, catalog=catalog)
        ctx["profile"] = profile
        ctx["met"] = [r for r in rows if r["meets"]]
        ctx["unmet"] = [r for r in rows if not r["meets"]]
        return ctx


# Partner-list management -------------------------------------------------------------------


class BankAdmitView(RoleRequiredMixin, View):
    roles = selectors.LIST_MANAGERS
    template_name = "banks/bank_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": BankForm(), "title": _("Admit a partner bank")})

    def post(self, request):
        form = BankForm(request.POST)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            try:
                bank = services.bank_admit(actor=request.user, name=fields.pop("name"), kind=fields.pop("kind"),
                                           note=fields.pop("note"), admitted_on=fields.pop("admitted_on"), **fields)
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                messages.success(request, _("The bank is admitted to the partner list."))
                return redirect("banks:bank_detail", pk=bank.pk)
        return render(request, self.template_name, {"form": form, "title": _("Admit a partner bank")}, status=400)


class _ObjectView(LoginRequiredMixin, View):
    """Looks its object up through `scope(user)`: outside it, 404."""

    scope = None

    def get_object(self, pk):
        return get_visible_or_404(type(self).scope(self.request.user), pk=pk)


class BankEditView(_ObjectView):
    scope = staticmethod(selectors.banks_manageable_by)
    template_name = "banks/bank_form.html"

    def get(self, request, pk):
        bank = self.get_object(pk)
        return render(request, self.template_name, {"form": BankForm(instance=bank), "bank": bank,
                                                    "title": _("Edit %(bank)s") % {"bank": bank.name}})

    def post(self, request, pk):
        bank = self.get_object(pk)
        form = BankForm(request.POST, instance=bank)
        if form.is_valid():
            try:
                services.bank_update(actor=request.user, bank=bank, **form.cleaned_data)
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("banks:bank_detail", pk=bank.pk)
        return render(request, self.template_name, {"form": form, "bank": bank, "title": bank.name}, status=400)


class _TransitionView(_ObjectView):
    """POST a decision (action and reason) on a bank or a product; the service refuses what the
    status does not allow, and the page says so."""

    form_class = None
    detail_url = None

    def transition(self, obj, **fields):
        raise NotImplementedError

    def done_message(self, obj) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        obj = self.get_object(pk)
        form = self.form_class(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a decision and give a reason."))
        else:
            try:
                obj = self.transition(obj, **form.cleaned_data)
            except ApplicationError as e:
                messages.error(request, str(e.message))
            else:
                messages.success(request, self.done_message(obj))
        return redirect(self.detail_url, pk=obj.pk)


class BankTransitionView(_TransitionView):
    scope = staticmethod(selectors.banks_manageable_by)
    form_class = TransitionForm
    detail_url = "banks:bank_detail"

    def transition(self, bank, **fields):
        return services.bank_transition(actor=self.request.user, bank=bank, **fields)

    def done_message(self, bank):
        return _("The bank is now %(status)s.") % {"status": bank.get_status_display()}


class BranchCreateView(_ObjectView):
    scope = staticmethod(selectors.banks_with_branches_manageable_by)
    template_name = "banks/branch_form.html"

    def get(self, request, pk):
        bank = self.get_object(pk)
        return render(request, self.template_name, {"form": BranchForm(), "bank": bank})

    def post(self, request, pk):
        bank = self.get_object(pk)
        form = BranchForm(request.POST, instance=Branch(bank=bank))
        if form.is_valid():
            fields = dict(form.cleaned_data)
            try:
                services.branch_create(actor=request.user, bank=bank, name=fields.pop("name"),
                                       district=fields.pop("district"), **fields)
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                messages.success(request, _("Branch added."))
                return redirect("banks:bank_detail", pk=bank.pk)
        return render(request, self.template_name, {"form": form, "bank": bank}, status=400)


class BranchEditView(_ObjectView):
    scope = staticmethod(selectors.branches_manageable_by)
    template_name = "banks/branch_form.html"

    def get(self, request, pk):
        branch = self.get_object(pk)
        return render(request, self.template_name, {"form": BranchForm(instance=branch), "bank": branch.bank,
                                                    "branch": branch})

    def post(self, request, pk):
        branch = self.get_object(pk)
        form = BranchForm(request.POST, instance=branch)
        if form.is_valid():
            try:
                services.branch_update(actor=request.user, branch=branch, **form.cleaned_data)
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                messages.success(request, _("Saved."))
                return redirect("banks:bank_detail", pk=branch.bank_id)
        return render(request, self.template_name, {"form": form, "bank": branch.bank, "branch": branch},
                      status=400)


# Products ----------------------------------------------------------------------------------


class ProductCreateView(_ObjectView):
    scope = staticmethod(selectors.banks_with_products_manageable_by)
    template_name = "banks/product_form.html"

    def get(self, request, pk):
        bank = self.get_object(pk)
        form = ProductForm(initial={"credit_must_hold": True, "rate_kind": "lpr_spread"})
        return render(request, self.template_name, {"form": form, "bank": bank})

    def post(self, request, pk):
        bank = self.get_object(pk)
        form = ProductForm(request.POST)
        if form.is_valid():
            try:
                product = services.product_create(actor=request.user, bank=bank, reason=form.cleaned_data["reason"],
                                                  **form.product_fields())
            except ApplicationError as e:
                errors_to_form(form, e, PRODUCT_ERROR_FIELDS)
            else:
                messages.success(request, _("The product is published."))
                return redirect("banks:product_detail", pk=product.pk)
        return render(request, self.template_name, {"form": form, "bank": bank}, status=400)


class ProductEditView(_ObjectView):
    scope = staticmethod(selectors.products_manageable_by)
    template_name = "banks/product_form.html"

    def get(self, request, pk):
        product = self.get_object(pk)
        form = ProductForm(initial=ProductForm.initial_from(product), keep_codes=cond.element_codes(product.conditions))
        return render(request, self.template_name, {"form": form, "bank": product.bank, "product": product})

    def post(self, request, pk):
        product = self.get_object(pk)
        form = ProductForm(request.POST, keep_codes=cond.element_codes(product.conditions))
        if form.is_valid():
            try:
                services.product_update(actor=request.user, product=product, reason=form.cleaned_data["reason"],
                                        **form.product_fields())
            except ApplicationError as e:
                errors_to_form(form, e, PRODUCT_ERROR_FIELDS)
            else:
                messages.success(request, _("Saved."))
                return redirect("banks:product_detail", pk=product.pk)
        return render(request, self.template_name, {"form": form, "bank": product.bank, "product": product},
                      status=400)


class ProductTransitionView(_TransitionView):
    scope = staticmethod(selectors.products_manageable_by)
    form_class = ProductTransitionForm
    detail_url = "banks:product_detail"

    def transition(self, product, **fields):
        return services.product_transition(actor=self.request.user, product=product, **fields)

    def done_message(self, product):
        return _("The product is now %(status)s.") % {"status": product.get_status_display()}


# Bank staff --------------------------------------------------------------------------------


class StaffListView(RoleRequiredMixin, ScopedObjectMixin, FilterView):
    roles = (Role.BANK_ADMIN, Role.PLATFORM_ADMIN)
    scope = staticmethod(selectors.staff_visible_to)
    template_name = "banks/staff_list.html"
    paginate_by = 50
    filterset_class = StaffFilter

    def get_queryset(self):
        return super().get_queryset().order_by("bank__name", "username")


class StaffCreateView(RoleRequiredMixin, View):
    roles = (Role.BANK_ADMIN, Role.PLATFORM_ADMIN)
    template_name = "banks/staff_form.html"

    def _form(self, data=None):
        return StaffForm(data, actor=self.request.user,
                         banks=selectors.banks_with_products_manageable_by(self.request.user))

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            d = dict(form.cleaned_data)
            bank = d.pop("bank", None) or request.user.bank
            try:
                account = services.staff_create(actor=request.user, bank=bank, branch=d.pop("bank_branch"),
                                                address=client_ip(request), **d)
            except ApplicationError as e:
                errors_to_form(form, e, {"branch": "bank_branch"})
            else:
                messages.success(request, _("Account %(username)s opened.") % {"username": account.username})
                return redirect("banks:staff_detail", pk=account.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class StaffDetailView(LoginRequiredMixin, ScopedObjectMixin, DetailView):
    scope = staticmethod(selectors.staff_visible_to)
    template_name = "banks/staff_detail.html"
    context_object_name = "account"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_manage"] = (self.object.pk != user.pk
                             and _can(user, selectors.staff_manageable_by(user), self.object))
        ctx["password_form"] = PasswordForm()
        ctx["events"] = selectors.staff_events(self.object)
        return ctx


class StaffActiveView(_ObjectView):
    scope = staticmethod(selectors.staff_manageable_by)

    def post(self, request, pk):
        account = self.get_object(pk)
        active = request.POST.get("active") == "1"
        try:
            services.staff_set_active(actor=request.user, account=account, active=active)
        except ApplicationError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
        return redirect("banks:staff_detail", pk=account.pk)


class StaffPasswordView(_ObjectView):
    scope = staticmethod(selectors.staff_manageable_by)

    def post(self, request, pk):
        account = self.get_object(pk)
        form = PasswordForm(request.POST)
        if form.is_valid():
            try:
                services.staff_reset_password(actor=request.user, account=account,
                                              password=form.cleaned_data["password"], address=client_ip(request))
            except ApplicationError as e:
                messages.error(request, str(e.message))
            else:
                messages.success(request, _("The password is reset. Tell the user through a safe channel: they must choose a new one at "
                                           "their next sign-in."))
        else:
            messages.error(request, _("Enter a new password."))
        return redirect("banks:staff_detail", pk=account.pk)


def my_bank(request):
    """Bank staff's shortcut to their own bank (whatever its status)."""
    if not request.user.is_authenticated or not request.user.is_bank_staff:
        raise PermissionDenied
    if request.user.bank_id is None:
        raise Http404
    return redirect("banks:bank_detail", pk=request.user.bank_id)


def my_products(request):
    if not request.user.is_authenticated or not request.user.is_bank_staff:
        raise PermissionDenied
    return redirect(f"{reverse('banks:product_list')}?bank={request.user.bank_id}")
