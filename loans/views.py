"""Pages of post-loan management. Objects come through the selectors' doors (others are 404);
every write calls a service; a refusal shows the service's message."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django_filters.views import FilterView

from applications.files import file_response
from audit.models import AuditAction
from audit.views import AuditedReadMixin
from identity.choices import BANK_ROLES, Role
from identity.views import RoleRequiredMixin
from jingzhidai import money
from jingzhidai.errors import ApplicationError, error_text, form_labels
from jingzhidai.paging import DeferredJoinPaginator
from jingzhidai.rows import UrlOf, ValueRowsMixin, esc, ymd
from jingzhidai.scoping import get_visible_or_404

from . import alerts, forms, selectors, services
from .choices import Classification, LoanAction, LoanStatus, RepaymentSource
from .filters import FundUseReportFilter, LoanFilter, RiskAlertFilter
from .workflow import allowed_actions

DESK = (Role.BANK_OFFICER, Role.BANK_APPROVER)


# The fields a refusal may name, by their labels (a flash message never shows "amount").
ERROR_LABELS = {**form_labels(forms.RepaymentForm), **form_labels(forms.FundUseForm),
                **form_labels(forms.ClassifyForm), **form_labels(forms.AcknowledgeForm)}


def _error(request, error: ApplicationError):
    messages.error(request, error_text(error, ERROR_LABELS))


def _roles(user) -> dict:
    return {"is_bank": user.role in BANK_ROLES, "is_enterprise": user.role == Role.ENTERPRISE,
            "is_desk": user.role in DESK, "is_regulator": user.is_regulator}


STATUS_LABELS = dict(LoanStatus.choices)
CLASSIFICATION_LABELS = dict(Classification.choices)
ALERT_BADGE = '<span class="badge text-bg-warning">{}</span>'


class LoanListView(AuditedReadMixin, LoginRequiredMixin, ValueRowsMixin, FilterView):
    """The bank's loan book; the enterprise's loans; the regulators' loans of their district.
    The rows are read as values (jingzhidai/rows.py): the columns shown, no model instances."""

    audit_object_type = "loans.loan"
    audit_action = AuditAction.LIST

    filterset_class = LoanFilter
    template_name = "loans/loan_list.html"
    paginate_by = 50
    paginator_class = DeferredJoinPaginator
    row_values = ("id", "contract__number", "enterprise__name", "enterprise__uscc", "enterprise__district__name",
                  "bank__name", "product__name", "outstanding", "next_due_on", "next_due_amount", "status",
                  "days_past_due", "classification", "open_alerts")

    def get_queryset(self):
        return selectors.loan_list(self.request.user)

    def row_maker(self):
        url = UrlOf("loans:detail")
        roles = _roles(self.request.user)
        is_bank, is_enterprise = roles["is_bank"], roles["is_enterprise"]

        def make(row):
            row["pk"] = pk = row["id"]
            status, due_on, late = row["status"], row["next_due_on"], row["days_past_due"]
            # The row's markup (jingzhidai/rows.py), as the template's loop wrote it.
            enterprise = "" if is_enterprise else (
                f'<td>{esc(row["enterprise__name"])}<div class="small text-muted mono">{esc(row["enterprise__uscc"])}'
                f'</div></td><td>{esc(row["enterprise__district__name"] or "")}</td>')
            bank = "" if is_bank else f'<td>{esc(row["bank__name"])}</td>'
            due = f'{ymd(due_on)} · {esc(money.money(row["next_due_amount"]))}' if due_on else "—"
            tone = ("danger" if status in (LoanStatus.OVERDUE, LoanStatus.DEFAULTED) else
                    "success" if status == LoanStatus.SETTLED else "secondary")
            # The template's {% blocktranslate count %}: the same message.
            past_due = (' <span class="small text-danger">'
                        f'{ngettext("%(d)s day past due", "%(d)s days past due", late) % {"d": late}}</span>'
                        if late else "")
            n_alerts = row["open_alerts"]
            book = "" if is_enterprise else (
                f'<td>{esc(CLASSIFICATION_LABELS.get(row["classification"], row["classification"]))}</td>'
                f'<td>{ALERT_BADGE.format(n_alerts) if n_alerts else "0"}</td>')
            row["html"] = mark_safe(
                f'<tr data-testid="loan-row">\n'
                f'  <td class="mono"><a href="{esc(url(pk))}">{esc(row["contract__number"])}</a></td>\n'
                f'  {enterprise}\n  {bank}\n'
                f'  <td>{esc(row["product__name"])}</td>\n'
                f'  <td class="text-end">{esc(money.wan(row["outstanding"]))}</td>\n'
                f'  <td>{due}</td>\n'
                f'  <td><span class="badge text-bg-{tone}">{esc(STATUS_LABELS.get(status, status))}</span>{past_due}</td>\n'
                f'  {book}\n</tr>')
            return row

        return make

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_roles(self.request.user))
        # The figures (one aggregate over the whole filtered book) follow in a request of their
        # own (LoanFiguresView, htmx on load): the page answers without waiting for them.
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx["figures_query"] = query.urlencode()
        return ctx


class LoanFiguresView(LoginRequiredMixin, View):
    """The loan book's figures (count, outstanding, overdue, non-performing) for the same door
    and the same filters as the page that loads them (htmx)."""

    template_name = "loans/_loan_book_figures.html"

    def get(self, request):
        filterset = LoanFilter(request.GET, queryset=selectors.loans_visible_to(request.user), request=request)
        # As the list (FilterView, strict): filters that do not validate show nothing.
        qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return render(request, self.template_name,
                      {"figures": selectors.loan_book_figures(qs.order_by()), **_roles(request.user)})


class LoanDetailView(AuditedReadMixin, LoginRequiredMixin, View):
    template_name = "loans/loan_detail.html"
    audit_object_type = "loans.loan"
    audit_object_kwarg = "pk"

    def get(self, request, pk):
        user = request.user
        loan = get_visible_or_404(selectors.loans_visible_to(user), pk=pk)
        roles = _roles(user)
        today = timezone.localdate()
        ctx = {
            "loan": loan, **roles, "today": today,
            "schedule": selectors.schedule_against_actual(loan, today),
            "repayments": selectors.repayments_of(loan),
            "reports": selectors.fund_use_reports_visible_to(user).filter(loan=loan).order_by("date", "id"),
            "files": set(selectors.fund_use_files_visible_to(user).filter(loan=loan).values_list("pk", flat=True)),
            "figures": selectors.fund_use_figures(loan),
            "alerts": ([] if roles["is_enterprise"] else
                       [(a, alerts.summary(a.event), alerts.source(a.event))
                        for a in selectors.risk_alerts_visible_to(user).filter(loan=loan).order_by("-id")]),
            "history": selectors.history_of(loan),
            "actions": allowed_actions(loan.status, user.role),
            "repayment_form": forms.RepaymentForm(initial={"date": today}),
            "fund_use_form": forms.FundUseForm(initial={"date": today, "purpose": loan.application.purpose}),
            "classify_form": forms.ClassifyForm(initial={"classification": loan.classification,
                                                         "classified_on": today}),
            "LoanAction": LoanAction,
        }
        return render(request, self.template_name, ctx)


class RepaymentCreateView(RoleRequiredMixin, View):
    roles = DESK

    def post(self, request, pk):
        loan = get_visible_or_404(selectors.loans_visible_to(request.user), pk=pk)
        p = request.POST
        try:
            _r, created = services.repayment_record(loan=loan, user=request.user, date=p.get("date"),
                                                    principal=p.get("principal"), interest=p.get("interest"),
                                                    reference=p.get("reference"), source=RepaymentSource.PAGE)
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("The repayment is recorded.") if created else
                             _("This repayment was already recorded (same bank reference)."))
        return redirect("loans:detail", pk=loan.pk)


def _csv_rows(uploaded) -> list[dict]:
    raw = uploaded.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ApplicationError(_("The file is not UTF-8 or GB18030 text."), {"fields": {"file": [_("Unreadable.")]}})
    reader = csv.DictReader(io.StringIO(text))
    needed = {"contract_number", "date", "principal", "interest", "reference"}
    if not reader.fieldnames or not needed <= {f.strip() for f in reader.fieldnames}:
        raise ApplicationError(_("The file needs the columns: %(cols)s.") % {"cols": ", ".join(sorted(needed))},
                               {"fields": {"file": [_("Missing columns.")]}})
    return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]


class RepaymentImportView(RoleRequiredMixin, View):
    """A batch file of repayments from the bank's core system."""

    roles = DESK
    template_name = "loans/repayment_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.RepaymentFileForm(), "results": None})

    def post(self, request):
        form = forms.RepaymentFileForm(request.POST, request.FILES)
        results = None
        if form.is_valid():
            try:
                rows = _csv_rows(form.cleaned_data["file"])
            except ApplicationError as e:
                form.add_error("file", str(e.message))
            else:
                results = services.repayments_import(user=request.user, rows=rows, source=RepaymentSource.FILE)
        return render(request, self.template_name, {"form": form, "results": results})


class LoanActView(RoleRequiredMixin, View):
    roles = DESK

    def post(self, request, pk, action):
        loan = get_visible_or_404(selectors.loans_visible_to(request.user), pk=pk)
        if action not in services.STATUS_ACTIONS:
            raise Http404
        try:
            services.loan_act(loan=loan, user=request.user, action=action, data=request.POST.dict())
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": LoanAction(action).label})
        return redirect("loans:detail", pk=loan.pk)


class FundUseCreateView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk):
        loan = get_visible_or_404(selectors.loans_visible_to(request.user), pk=pk)
        p = request.POST
        try:
            services.fund_use_report_create(loan=loan, user=request.user, purpose=p.get("purpose", ""),
                                            amount=p.get("amount"), date=p.get("date"),
                                            description=p.get("description", ""), uploaded=request.FILES.get("file"))
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("The report was sent to the bank."))
        return redirect("loans:detail", pk=loan.pk)


class FundUseReviewView(RoleRequiredMixin, View):
    roles = DESK

    def post(self, request, pk, report_id):
        report = get_visible_or_404(selectors.fund_use_reports_visible_to(request.user), pk=report_id, loan_id=pk)
        try:
            services.fund_use_report_review(report=report, user=request.user,
                                            accepted=request.POST.get("verdict") == "accepted",
                                            note=request.POST.get("note", ""))
        except ApplicationError as e:
            _error(request, e)
        return redirect("loans:detail", pk=pk)


class FundUseAnswerView(RoleRequiredMixin, View):
    roles = (Role.ENTERPRISE,)

    def post(self, request, pk, report_id):
        report = get_visible_or_404(selectors.fund_use_reports_visible_to(request.user), pk=report_id, loan_id=pk)
        try:
            services.fund_use_report_answer(report=report, user=request.user, answer=request.POST.get("answer", ""))
        except ApplicationError as e:
            _error(request, e)
        return redirect("loans:detail", pk=pk)


class FundUseFileView(AuditedReadMixin, LoginRequiredMixin, View):
    audit_object_type = "loans.fundusereport"
    audit_object_kwarg = "report_id"
    audit_action = AuditAction.EXPORT

    def get(self, request, pk, report_id):
        report = get_visible_or_404(selectors.fund_use_files_visible_to(request.user), pk=report_id, loan_id=pk)
        if not report.file:
            raise Http404
        return file_response(report.file.open("rb"), name=report.file_name, content_type=report.file_content_type)


class FundUseListView(AuditedReadMixin, LoginRequiredMixin, FilterView):
    """Fund-use reports of the loans the caller sees (the list behind the regulators' figure)."""

    audit_object_type = "loans.fundusereport"
    audit_action = AuditAction.LIST

    filterset_class = FundUseReportFilter
    template_name = "loans/fund_use_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.fund_use_reports_visible_to(self.request.user).order_by("-date", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_roles(self.request.user))
        ctx["total"] = self.object_list.order_by().aggregate(s=Sum("amount"))["s"] or 0
        return ctx


class AlertListView(AuditedReadMixin, LoginRequiredMixin, FilterView):
    """The bank's alert inbox; the district's alerts about its enterprises."""

    audit_object_type = "loans.riskalert"
    audit_action = AuditAction.LIST

    filterset_class = RiskAlertFilter
    template_name = "loans/alert_list.html"
    paginate_by = 50
    paginator_class = DeferredJoinPaginator

    def get_queryset(self):
        return selectors.risk_alerts_visible_to(self.request.user).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(_roles(self.request.user))
        ctx["rows"] = [(a, alerts.summary(a.event), alerts.source(a.event)) for a in ctx["object_list"]]
        return ctx


class AlertDetailView(AuditedReadMixin, LoginRequiredMixin, View):
    template_name = "loans/alert_detail.html"
    audit_object_type = "loans.riskalert"
    audit_object_kwarg = "pk"

    def _get(self, request, pk):
        return get_visible_or_404(selectors.risk_alerts_visible_to(request.user), pk=pk)

    def get(self, request, pk):
        alert = self._get(request, pk)
        return render(request, self.template_name, {
            "alert": alert, "summary": alerts.summary(alert.event), "source": alerts.source(alert.event),
            "form": forms.AcknowledgeForm(), "may_acknowledge": selectors.alert_acknowledgeable_by(alert, request.user),
            **_roles(request.user)})

    def post(self, request, pk):
        alert = self._get(request, pk)
        try:
            services.risk_alert_acknowledge(alert=alert, user=request.user, action=request.POST.get("action", ""),
                                            note=request.POST.get("note", ""))
        except ApplicationError as e:
            _error(request, e)
        else:
            messages.success(request, _("The alert is acknowledged."))
        return redirect("loans:alert_detail", pk=alert.pk)
