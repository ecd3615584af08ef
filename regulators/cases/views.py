"""Pages of typical cases: the bureaus' workspace (list, draft, edit, photos, publish), the
enterprise's consent, and the public pages (no sign-in) of published cases."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from identity.choices import Role
from identity.selectors import enterprises_visible_to
from identity.views import RoleRequiredMixin
from jingzhidai.errors import ApplicationError, errors_to_form
from jingzhidai.scoping import get_visible_or_404
from loans.selectors import loans_visible_to

from . import selectors, services
from .forms import CaseForm, PhotoForm
from .models import CaseStatus

WORKSPACE_ROLES = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR, Role.PLATFORM_ADMIN, Role.ENTERPRISE)


class CaseListView(RoleRequiredMixin, View):
    """The bureaus' cases (a district its unit's), or the enterprise's own cases to consent to."""

    roles = WORKSPACE_ROLES

    def get(self, request):
        qs = selectors.cases_visible_to(request.user).order_by("-updated_at", "-id")
        status = request.GET.get("status", "")
        if status in CaseStatus.values:
            qs = qs.filter(status=status)
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(request, "regulators/cases/case_list.html", {
            "page_obj": page, "object_list": page.object_list, "is_paginated": page.has_other_pages(),
            "statuses": CaseStatus.choices, "status": status, "may_draft": selectors.may_draft(request.user)})


def _resolve(form, user, *, enterprise=None):
    """The enterprise and loan named on the form, through the user's doors (else a form error)."""
    d = form.cleaned_data
    if enterprise is None:
        enterprise = enterprises_visible_to(user).filter(uscc=d["enterprise"].strip().upper()).first()
        if enterprise is None:
            form.add_error("enterprise", _("No enterprise with this code in your district."))
    loan = None
    if d.get("loan"):
        loan = loans_visible_to(user).filter(pk=d["loan"]).first()
        if loan is None:
            form.add_error("loan", _("No such loan in your district."))
    return enterprise, loan


def _fields(d, loan):
    return dict(title=d["title"], element_type=d["element_type"], bank=d["bank"], loan=loan, amount=d["amount"],
                annual_rate=d["annual_rate"], term_months=d["term_months"], summary=d["summary"], body=d["body"])


class CaseCreateView(RoleRequiredMixin, View):
    roles = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR)
    template_name = "regulators/cases/case_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CaseForm()})

    def post(self, request):
        form = CaseForm(request.POST)
        if form.is_valid():
            enterprise, loan = _resolve(form, request.user)
            if not form.errors:
                try:
                    case = services.case_create(user=request.user, enterprise=enterprise,
                                                **_fields(form.cleaned_data, loan))
                except ApplicationError as e:
                    errors_to_form(form, e)
                else:
                    messages.success(request, _("The case is drafted. The enterprise is asked for its consent."))
                    return redirect("regulators:case_detail", pk=case.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class CaseEditView(RoleRequiredMixin, View):
    roles = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR)
    template_name = "regulators/cases/case_form.html"

    def get(self, request, pk):
        case = get_visible_or_404(selectors.cases_manageable_by(request.user), pk=pk)
        initial = {name: getattr(case, name) for name in ("title", "element_type", "bank", "amount", "annual_rate",
                                                          "term_months", "summary", "body")}
        initial["loan"] = case.loan_id
        return render(request, self.template_name, {"form": CaseForm(initial=initial, editing=True), "case": case})

    def post(self, request, pk):
        case = get_visible_or_404(selectors.cases_manageable_by(request.user), pk=pk)
        form = CaseForm(request.POST, editing=True)
        if form.is_valid():
            _enterprise, loan = _resolve(form, request.user, enterprise=case.enterprise)
            if not form.errors:
                try:
                    services.case_update(case=case, user=request.user, **_fields(form.cleaned_data, loan))
                except ApplicationError as e:
                    errors_to_form(form, e)
                else:
                    messages.success(request, _("The case is saved."))
                    return redirect("regulators:case_detail", pk=case.pk)
        return render(request, self.template_name, {"form": form, "case": case}, status=400)


class CaseDetailView(RoleRequiredMixin, View):
    roles = WORKSPACE_ROLES
    template_name = "regulators/cases/case_detail.html"

    def _render(self, request, case, photo_form=None, status=200):
        user = request.user
        manageable = selectors.cases_manageable_by(user).filter(pk=case.pk).exists()
        return render(request, self.template_name, {
            "case": case, "photos": case.photos.order_by("uploaded_at", "id"),
            "consent": selectors.case_consent_current(case), "history": selectors.case_history(case),
            "editable": manageable and case.status in services.EDITABLE,
            "may_publish": selectors.may_publish(user),
            "is_enterprise": user.role == Role.ENTERPRISE,
            "photo_form": photo_form or PhotoForm()}, status=status)

    def get(self, request, pk):
        return self._render(request, get_visible_or_404(selectors.cases_visible_to(request.user), pk=pk))


class CaseActionView(RoleRequiredMixin, View):
    """POST-only steps: consent, revoke, publish, unpublish, add or remove a photo."""

    roles = WORKSPACE_ROLES
    action = ""

    def post(self, request, pk, photo_pk=None):
        user = request.user
        case = get_visible_or_404(selectors.cases_visible_to(user), pk=pk)
        try:
            if self.action == "consent":
                services.case_consent_give(case=case, user=user)
                messages.success(request, _("Your consent is recorded. You can revoke it at any time."))
            elif self.action == "revoke":
                services.case_consent_revoke(case=case, user=user)
                messages.success(request, _("Your consent is revoked; the case is not shown publicly."))
            elif self.action == "publish":
                services.case_publish(case=case, user=user)
                messages.success(request, _("The case is published."))
            elif self.action == "unpublish":
                services.case_unpublish(case=case, user=user)
                messages.success(request, _("The case is no longer public."))
            elif self.action == "photo_add":
                form = PhotoForm(request.POST, request.FILES)
                if not form.is_valid():
                    return CaseDetailView()._render(request, case, form, status=400)
                try:
                    services.case_photo_add(case=case, user=user, uploaded=form.cleaned_data["file"],
                                            caption=form.cleaned_data["caption"])
                except ApplicationError as e:
                    if e.status_code == 403:
                        raise PermissionDenied
                    errors_to_form(form, e)
                    return CaseDetailView()._render(request, case, form, status=400)
                messages.success(request, _("The photo is added."))
            elif self.action == "photo_remove":
                photo = get_visible_or_404(case.photos.all(), pk=photo_pk)
                services.case_photo_remove(photo=photo, user=user)
                messages.success(request, _("The photo is removed."))
        except ApplicationError as e:
            if e.status_code == 403:
                raise PermissionDenied
            messages.error(request, str(e.message))
        return redirect("regulators:case_detail", pk=case.pk)


def photo_response(photo) -> FileResponse:
    """An image shown inline: its sniffed and re-encoded type, never sniffed again by the browser,
    nothing in it may run (a sandboxing policy of its own)."""
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-cache"
    return response


class CasePhotoView(View):
    """A photo of a case the user sees, or of a published case (for anyone, signed in or not)."""

    def get(self, request, pk, photo_pk):
        photo = get_visible_or_404(selectors.case_photos_visible_to(request.user).filter(case_id=pk), pk=photo_pk)
        return photo_response(photo)


class PublicCaseListView(View):
    def get(self, request):
        page = Paginator(selectors.cases_published(), 20).get_page(request.GET.get("page"))
        return render(request, "regulators/cases/public_list.html", {
            "page_obj": page, "object_list": page.object_list, "is_paginated": page.has_other_pages()})


class PublicCaseDetailView(View):
    def get(self, request, pk):
        case = get_visible_or_404(selectors.cases_published(), pk=pk)
        return render(request, "regulators/cases/public_detail.html", {
            "case": case, "photos": case.photos.order_by("uploaded_at", "id")})

