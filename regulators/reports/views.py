"""Pages of the periodic reports: the archive with a request form, a report with its progress
bar (htmx polling, as import batches do), downloads (audited), publishing a city-wide report,
and the partner banks' bulletin pages (情况通报)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from applications.files import file_response
from audit.models import AuditAction
from audit.services import audit_event_record
from identity.choices import Role
from identity.views import RoleRequiredMixin
from jingzhidai.errors import ApplicationError, errors_to_form
from jingzhidai.scoping import get_visible_or_404

from . import selectors, services
from .choices import FileVariant
from .content import layout
from .forms import ReportRequestForm

REPORT_ROLES = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR, Role.PLATFORM_ADMIN)
BULLETIN_ROLES = (Role.BANK_OFFICER, Role.BANK_APPROVER, Role.BANK_ADMIN, Role.DISTRICT_REGULATOR,
                  Role.CITY_REGULATOR, Role.PLATFORM_ADMIN)


class ReportListView(RoleRequiredMixin, ListView):
    roles = REPORT_ROLES
    template_name = "regulators/report_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = selectors.reports_visible_to(self.request.user)
        kind, period = self.request.GET.get("kind"), self.request.GET.get("period")
        if kind:
            qs = qs.filter(kind=kind)
        if period:
            qs = qs.filter(period=period.strip().upper())
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        if selectors.may_request_reports(user):
            ctx["form"] = kwargs.get("form") or ReportRequestForm(user=user)
        return ctx


class ReportCreateView(RoleRequiredMixin, View):
    roles = (Role.DISTRICT_REGULATOR, Role.CITY_REGULATOR)

    def post(self, request):
        form = ReportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                report = services.report_request(user=request.user, kind=d["kind"], period=d["period"],
                                                 unit_code=d["unit"] or None)
            except ApplicationError as e:
                errors_to_form(form, e)
            else:
                return redirect("regulators:report_detail", pk=report.pk)
        view = ReportListView()
        view.setup(request)
        view.object_list = view.get_queryset()
        return render(request, view.template_name, view.get_context_data(form=form), status=400)


class ReportDetailView(LoginRequiredMixin, View):
    # No role gate on details: outside the door is 404, like a missing report.

    def get(self, request, pk):
        report = get_visible_or_404(selectors.reports_visible_to(request.user), pk=pk)
        ctx = {"report": report, "files": [f for f in report.files.all() if f.variant == FileVariant.FULL],
               "bulletin_files": [f for f in report.files.all() if f.variant == FileVariant.BULLETIN],
               "can_publish": selectors.may_publish(request.user, report),
               "summary": _summary(report)}
        if request.htmx:
            return render(request, "regulators/_report_progress.html", ctx)
        return render(request, "regulators/report_detail.html", ctx)


def _summary(report):
    if not report.figures:
        return []
    try:
        return layout(report.figures)["summary"]
    except (KeyError, TypeError):
        return []


class ReportPublishView(LoginRequiredMixin, View):

    def post(self, request, pk):
        report = get_visible_or_404(selectors.reports_visible_to(request.user), pk=pk)
        try:
            services.report_publish(report=report, user=request.user)
        except ApplicationError as e:
            messages.error(request, str(e.message))
        else:
            messages.success(request, _("Published to the partner banks."))
        return redirect("regulators:report_detail", pk=report.pk)


def _download(request, files, door, pk, fmt):
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    report_file = files.filter(report_id=pk, format=fmt).first()
    if report_file is None:
        # Outside the door or not there: the same 404 (refusals of existing reports are audited).
        get_visible_or_404(door(request.user), pk=pk)
        raise Http404
    audit_event_record(action=AuditAction.EXPORT, object_type="regulators.report", object_id=pk, request=request)
    return file_response(services.report_file_open(report_file=report_file), name=report_file.file_name,
                         content_type=report_file.content_type)


class ReportFileView(LoginRequiredMixin, View):
    def get(self, request, pk, fmt):
        files = selectors.report_files_visible_to(request.user).filter(variant=FileVariant.FULL)
        return _download(request, files, selectors.reports_visible_to, pk, fmt)


class BulletinListView(RoleRequiredMixin, ListView):
    roles = BULLETIN_ROLES
    template_name = "regulators/bulletin_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.bulletins_visible_to(self.request.user).order_by("-published_at", "-id")


class BulletinDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        report = get_visible_or_404(selectors.bulletins_visible_to(request.user), pk=pk)
        return render(request, "regulators/bulletin_detail.html",
                      {"report": report, "summary": _summary(report),
                       "files": [f for f in report.files.all() if f.variant == FileVariant.BULLETIN]})


class BulletinFileView(LoginRequiredMixin, View):
    def get(self, request, pk, fmt):
        files = selectors.report_files_visible_to(request.user).filter(variant=FileVariant.BULLETIN)
        return _download(request, files, selectors.bulletins_visible_to, pk, fmt)
