"""Pages of the recommended list: the enterprise's consent and invitations, the list partner
banks and regulators browse, the bank's invitation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from audit.models import AuditAction
from audit.views import AuditedReadMixin
from identity.choices import BANK_ROLES, Role
from identity.models import District
from identity.views import RoleRequiredMixin
from jingzhidai.errors import ApplicationError, errors_to_form
from jingzhidai.paging import DeferredJoinPaginator
from jingzhidai.scoping import get_visible_or_404

from . import selectors, services
from .forms import InvitationForm
from .models import InvitationStatus

LIST_ROLES = (*BANK_ROLES, Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR, Role.PLATFORM_ADMIN)


class MyRecommendationView(RoleRequiredMixin, View):
    """The enterprise: whether it is recommended to partner banks (consent, revocable)."""

    roles = (Role.ENTERPRISE,)

    def get(self, request):
        user = request.user
        return render(request, "regulators/recommendations/mine.html", {
            "consent": selectors.recommendation_consent_current(user.enterprise_id),
            "consents": selectors.recommendation_consents_of(user)[:20],
            "open_invitations": selectors.invitations_open_count(user)})

    def post(self, request):
        try:
            if request.POST.get("consent") == "yes":
                services.recommendation_opt_in(user=request.user)
                messages.success(request, _("Your enterprise will be recommended to partner banks from the next "
                                            "list on, as long as its quality credit holds."))
            else:
                services.recommendation_opt_out(user=request.user)
                messages.success(request, _("Your enterprise is no longer recommended to partner banks."))
        except ApplicationError as e:
            messages.error(request, str(e.message))
        return redirect("regulators:recommendation_mine")


class RecommendedListView(AuditedReadMixin, RoleRequiredMixin, View):
    roles = LIST_ROLES
    audit_object_type = "regulators.recommendedentry"
    audit_action = AuditAction.LIST
    audit_also_roles = BANK_ROLES  # banks read enterprises' summaries here: recorded like regulators' reads

    def get(self, request):
        user = request.user
        if user.role in BANK_ROLES and not selectors.bank_is_partner(user):
            raise PermissionDenied
        current = selectors.recommended_list_current()
        qs = selectors.recommended_entries_visible_to(user)
        district = request.GET.get("district", "")
        if district:
            qs = qs.filter(district_id=district)
        # Deep pages: the page's ids from the narrow, index-ordered query, then those rows only;
        # the count exact up to a bound (jingzhidai/paging.py, as the applications list).
        page = DeferredJoinPaginator(qs.order_by(*selectors.LIST_ORDER), 50).get_page(request.GET.get("page"))
        return render(request, "regulators/recommendations/list.html", {
            "current": current, "page_obj": page, "object_list": page.object_list, "paginator": page.paginator,
            "is_paginated": page.has_other_pages(), "districts": District.objects.order_by("code"),
            "district": district, "may_build": user.role == Role.CITY_REGULATOR,
            "snapshots": selectors.recommended_lists_visible_to(user)[:12]})


class RecommendedListBuildView(RoleRequiredMixin, View):
    roles = (Role.CITY_REGULATOR,)

    def post(self, request):
        services.recommended_list_request(user=request.user)
        messages.success(request, _("The recommended list is being built; it replaces the list shown here when "
                                    "it is ready."))
        return redirect("regulators:recommended_list")


class RecommendedEntryView(AuditedReadMixin, RoleRequiredMixin, View):
    """One enterprise of the list, with its five-category summary; banks invite it from here."""

    roles = LIST_ROLES
    template_name = "regulators/recommendations/entry.html"
    audit_object_type = "regulators.recommendedentry"
    audit_object_kwarg = "pk"
    audit_also_roles = BANK_ROLES

    def _render(self, request, entry, form=None, status=200):
        user = request.user
        may_invite = user.role in selectors.INVITING_ROLES
        invited = (selectors.invitations_visible_to(user).filter(enterprise_id=entry.enterprise_id,
                                                                  status=InvitationStatus.OPEN).first()
                   if user.role in BANK_ROLES else None)
        return render(request, self.template_name, {
            "entry": entry, "may_invite": may_invite and invited is None, "invited": invited,
            "form": form or InvitationForm(bank_id=user.bank_id)}, status=status)

    def get(self, request, pk):
        return self._render(request, get_visible_or_404(selectors.recommended_entries_visible_to(request.user), pk=pk))

    def post(self, request, pk):
        entry = get_visible_or_404(selectors.recommended_entries_visible_to(request.user), pk=pk)
        form = InvitationForm(request.POST, bank_id=request.user.bank_id)
        if form.is_valid():
            try:
                services.invitation_create(user=request.user, entry=entry, product=form.cleaned_data["product"],
                                           message=form.cleaned_data["message"])
            except ApplicationError as e:
                if e.status_code == 403:
                    raise PermissionDenied
                errors_to_form(form, e)
            else:
                messages.success(request, _("The invitation is sent to %(name)s.") % {"name": entry.enterprise_name})
                return redirect("regulators:recommended_entry", pk=entry.pk)
        return self._render(request, entry, form, status=400)


class InvitationListView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE, *LIST_ROLES)

    def get(self, request):
        qs = selectors.invitations_visible_to(request.user)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(request, "regulators/recommendations/invitation_list.html", {
            "page_obj": page, "object_list": page.object_list, "is_paginated": page.has_other_pages(),
            "is_enterprise": request.user.role == Role.ENTERPRISE})


class InvitationDeclineView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk):
        invitation = get_visible_or_404(selectors.invitations_visible_to(request.user), pk=pk)
        try:
            services.invitation_decline(invitation=invitation, user=request.user)
        except ApplicationError as e:
            messages.error(request, str(e.message))
        return redirect("regulators:invitation_list")
