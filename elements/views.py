from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView

from audit.models import AuditAction
from audit.services import audit_read
from audit.views import AuditedReadMixin
from identity.choices import REGULATOR_ROLES, Role
from identity.views import RoleRequiredMixin
from jingzhidai.errors import ApplicationError, errors_to_form
from jingzhidai.scoping import ScopedObjectMixin, get_visible_or_404

from . import selectors, services
from .api import rejects_csv_response
from .choices import SYNC_FEEDS
from .filters import (
    DistinctionFilter,
    EnterpriseProfileFilter,
    ImportBatchFilter,
    ListingFilter,
    PenaltyFilter,
    SpotCheckFilter,
)
from .forms import (
    DistinctionForm,
    ElementTypeForm,
    ListingRemovalForm,
    ReasonForm,
    RevokeForm,
    UploadForm,
)
from .models import ElementCategory, ElementType

REGULATORS_AND_ADMIN = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR, Role.PLATFORM_ADMIN)
CATALOG_ROLES = services.CATALOG_ROLES


class ProfileView(AuditedReadMixin, LoginRequiredMixin, TemplateView):
    """The quality profile as people read it: five categories at a glance, details below."""

    template_name = "elements/profile_detail.html"
    audit_object_type = "elements.profile"
    audit_object_kwarg = "uscc"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        enterprise = get_visible_or_404(selectors.enterprises_with_profile_visible_to(user), uscc=kwargs["uscc"])
        try:
            as_of = selectors.parse_as_of(self.request.GET.get("as_of"))
        except ApplicationError:
            as_of = None
            messages.error(self.request, _("as_of must be a date written YYYY-MM-DD; showing today."))
        profile = selectors.profile_get(enterprise=enterprise, as_of=as_of)
        uscc = enterprise.uscc
        ctx.update(
            enterprise=enterprise, profile=profile, credit=profile.quality_credit,
            cards=profile.categories,
            expiring=[e for c in profile.categories for e in c.elements if e.expiring_soon],
            distinctions=selectors.distinctions_visible_to(user).filter(enterprise_id=uscc).order_by(
                "element_type__category__order", "element_type__order", "-granted_on", "id"),
            listings=selectors.listings_visible_to(user).filter(enterprise_id=uscc).order_by("-listed_on", "id"),
            penalties=selectors.penalties_visible_to(user).filter(enterprise_id=uscc).order_by("-decided_on", "id"),
            spotchecks=selectors.spotchecks_visible_to(user).filter(enterprise_id=uscc).order_by("-checked_on", "id"),
            warning_days=selectors.expiry_warning_days(),
            can_keep_records=user.role in REGULATOR_ROLES,
        )
        return ctx


def my_profile(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('identity:login')}?next={request.path}")
    if not request.user.enterprise_id:
        raise Http404
    return redirect("elements:profile", uscc=request.user.enterprise_id)


class RecordListView(AuditedReadMixin, RoleRequiredMixin, ScopedObjectMixin, FilterView):
    roles = REGULATORS_AND_ADMIN
    audit_action = AuditAction.LIST
    paginate_by = 50
    template_name = "elements/record_list.html"
    kind = ""
    title = ""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(kind=self.kind, title=self.title, tabs=RECORD_TABS)
        return ctx


class DistinctionListView(RecordListView):
    audit_object_type = "elements.distinction"
    scope = staticmethod(selectors.distinctions_visible_to)
    filterset_class = DistinctionFilter
    kind = "distinctions"


class ListingListView(RecordListView):
    audit_object_type = "elements.listing"
    scope = staticmethod(selectors.listings_visible_to)
    filterset_class = ListingFilter
    kind = "listings"


class PenaltyListView(RecordListView):
    audit_object_type = "elements.penalty"
    scope = staticmethod(selectors.penalties_visible_to)
    filterset_class = PenaltyFilter
    kind = "penalties"


class SpotCheckListView(RecordListView):
    audit_object_type = "elements.spotcheck"
    scope = staticmethod(selectors.spotchecks_visible_to)
    filterset_class = SpotCheckFilter
    kind = "spotchecks"


RECORD_TABS = [("distinctions", "elements:distinction_list"), ("listings", "elements:listing_list"),
               ("penalties", "elements:penalty_list"), ("spotchecks", "elements:spotcheck_list")]


# --- catalog --------------------------------------------------------------------------------

class CatalogListView(RoleRequiredMixin, ListView):
    roles = REGULATORS_AND_ADMIN
    template_name = "elements/elementtype_list.html"

    def get_queryset(self):
        return selectors.element_types_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        types = list(ctx["object_list"])
        ctx["groups"] = [(c, [t for t in types if t.category_id == c.code]) for c in ElementCategory.objects.all()]
        ctx["can_edit"] = self.request.user.role in CATALOG_ROLES
        return ctx


class ElementTypeEditView(RoleRequiredMixin, FormView):
    roles = CATALOG_ROLES
    form_class = ElementTypeForm
    template_name = "elements/elementtype_form.html"

    def get_instance(self):
        pk = self.kwargs.get("pk")
        return get_object_or_404(ElementType, pk=pk) if pk else ElementType()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.instance = self.get_instance()
        return kwargs

    def form_valid(self, form):
        try:
            t = services.element_type_save(element_type=form.save(commit=False), user=self.request.user,
                                           reason=form.cleaned_data["reason"])
        except ApplicationError as e:
            errors_to_form(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved %(name)s.") % {"name": t.name})
        return redirect("elements:catalog_history", pk=t.pk)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.instance if self.instance.pk else None
        return ctx


class ElementTypeRetireView(RoleRequiredMixin, FormView):
    roles = CATALOG_ROLES
    form_class = ReasonForm
    template_name = "elements/elementtype_retire.html"
    restore = False

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(ElementType, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        action = services.element_type_restore if self.restore else services.element_type_retire
        try:
            action(element_type=self.object, user=self.request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as e:
            errors_to_form(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Restored.") if self.restore else _("Retired."))
        return redirect("elements:catalog_history", pk=self.object.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, restore=self.restore, **kwargs)


class ElementTypeHistoryView(RoleRequiredMixin, DetailView):
    roles = REGULATORS_AND_ADMIN
    model = ElementType
    template_name = "elements/elementtype_history.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        records = list(self.object.history.select_related("history_user").order_by("-history_id"))
        rows = []
        # Types seeded by migration have no history row until their first edit.
        for i, newer in enumerate(records):
            older = records[i + 1] if i + 1 < len(records) else None
            changes = newer.diff_against(older).changes if older is not None else []
            rows.append({"record": newer, "changes": changes})
        ctx["history"] = rows
        # Counted in the user's scope: a district regulator sees the count of its unit's records.
        ctx["record_count"] = selectors.distinctions_visible_to(self.request.user).filter(
            element_type=self.object).count()
        ctx["can_edit"] = self.request.user.role in CATALOG_ROLES
        return ctx


# --- import batches ---------------------------------------------------------------------------

class BatchListView(RoleRequiredMixin, ScopedObjectMixin, FilterView):
    roles = REGULATORS_AND_ADMIN
    scope = staticmethod(selectors.import_batches_visible_to)
    filterset_class = ImportBatchFilter
    template_name = "elements/importbatch_list.html"
    paginate_by = 50


class BatchUploadView(RoleRequiredMixin, FormView):
    roles = REGULATORS_AND_ADMIN
    form_class = UploadForm
    template_name = "elements/importbatch_upload.html"

    def get_context_data(self, **kwargs):
        """The expected columns of each list (elements.sync.feeds), with a template to download."""
        from .sync.feeds import COLUMNS

        ctx = super().get_context_data(**kwargs)
        ctx["feeds"] = [{"feed": f, "label": f.label, "columns": COLUMNS[f]} for f in SYNC_FEEDS]
        return ctx

    def form_valid(self, form):
        try:
            batch = services.import_batch_upload(feed=form.cleaned_data["feed"], uploaded_file=form.cleaned_data["file"],
                                                 user=self.request.user)
        except ApplicationError as e:
            errors_to_form(form, e)
            return self.form_invalid(form)
        return redirect("elements:batch_detail", pk=batch.pk)


class BatchTemplateView(RoleRequiredMixin, View):
    """An empty file of one list with its header row (xlsx or csv)."""

    roles = REGULATORS_AND_ADMIN
    CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "csv": "text/csv; charset=utf-8"}

    def get(self, request, feed, fmt):
        from .sync.feeds import template_file

        if feed not in SYNC_FEEDS or fmt not in self.CONTENT_TYPES:
            raise Http404
        response = HttpResponse(template_file(feed, fmt), content_type=self.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{feed}-template.{fmt}"'
        return response


class BatchDetailView(LoginRequiredMixin, ScopedObjectMixin, DetailView):
    # No role gate on details: outside the scope is 404, like a missing batch.
    scope = staticmethod(selectors.import_batches_visible_to)
    template_name = "elements/importbatch_detail.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["elements/_batch_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["batch"] = self.object
        ctx["rejects"] = selectors.rejected_rows_of(self.object)[:100]
        return ctx


class BatchRejectsView(LoginRequiredMixin, ScopedObjectMixin, DetailView):
    scope = staticmethod(selectors.import_batches_visible_to)

    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        audit_read(request, object_type="elements.importbatch", object_id=batch.pk, action=AuditAction.EXPORT)
        return rejects_csv_response(batch)


# --- regulators' record actions -------------------------------------------------------------

class RecordActionView(RoleRequiredMixin, FormView):
    """A regulator's write on one record or enterprise in their scope (outside it: 404)."""

    roles = REGULATOR_ROLES
    template_name = "elements/record_action.html"
    title = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role in self.roles:
            self.target = self.get_target()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.act(form.cleaned_data)
        except ApplicationError as e:
            errors_to_form(form, e)
            return self.form_invalid(form)
        messages.success(self.request, _("Recorded."))
        return redirect("elements:profile", uscc=self.target.enterprise_id if hasattr(self.target, "enterprise_id")
                        else self.target.uscc)

    def get_context_data(self, **kwargs):
        return super().get_context_data(target=self.target, title=self.title, **kwargs)


class DistinctionCreateView(RecordActionView):
    form_class = DistinctionForm

    @property
    def title(self):
        return _("Record a distinction")

    def get_target(self):
        return get_visible_or_404(selectors.enterprises_with_profile_visible_to(self.request.user),
                                  uscc=self.kwargs["uscc"])

    def act(self, data):
        services.distinction_record(
            enterprise=self.target, element_type=data["element_type"], user=self.request.user, reason=data["reason"],
            level=data["level"], issuer=data["issuer"], certificate_no=data["certificate_no"],
            granted_on=data["granted_on"], expires_on=data["expires_on"], claim=data["claim"])


class ListingRemoveView(RecordActionView):
    form_class = ListingRemovalForm

    @property
    def title(self):
        return _("Record a removal from the list")

    def get_target(self):
        return get_visible_or_404(selectors.listings_visible_to(self.request.user), pk=self.kwargs["pk"])

    def act(self, data):
        services.listing_remove(listing=self.target, removed_on=data["removed_on"], user=self.request.user,
                                reason=data["reason"], authority=data["authority"])


class DistinctionRevokeView(RecordActionView):
    form_class = RevokeForm

    @property
    def title(self):
        return _("Revoke a distinction")

    def get_target(self):
        return get_visible_or_404(selectors.distinctions_visible_to(self.request.user), pk=self.kwargs["pk"])

    def act(self, data):
        services.distinction_revoke(distinction=self.target, user=self.request.user, reason=data["reason"],
                                    revoked_on=data["revoked_on"])


class EnterpriseProfileListView(AuditedReadMixin, LoginRequiredMixin, FilterView):
    """Enterprises with a profile (a distinction on the day) and whether their quality credit
    holds, through the profile door: the list behind the regulators' enterprise figures."""

    audit_object_type = "identity.enterprise"
    audit_action = AuditAction.LIST
    filterset_class = EnterpriseProfileFilter
    template_name = "elements/enterprise_profile_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (selectors.enterprises_with_profile_visible_to(self.request.user).select_related("district")
                .order_by("name", "uscc"))
