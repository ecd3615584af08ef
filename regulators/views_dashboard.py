"""The dashboards (issue 13): a period picker, cards, charts and tables of regulators.metrics,
each figure linked to the list behind it (the same doors), each table exported to Excel.

- /regulators/dashboard/          the figures of the caller's scope (district: its unit; city: the
                                  city or one unit, with every unit side by side; bank: its own
                                  figures beside the city average)
- /regulators/dashboard/banks/    bank evaluation (city: all banks; district: the banks in its unit;
                                  bank: itself against the city average)
- /regulators/dashboard/policy/   policy effect per element type
Every page takes ?export=<table> for an .xlsx of that table."""

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from applications.choices import Status
from audit.models import AuditAction
from audit.services import audit_read
from banks.models import Bank
from identity.choices import BANK_ROLES
from identity.models import RegulatorUnit
from identity.selectors import role_of

from . import excel, metrics
from .dashboard_access import can_see_dashboard, is_bank_user, is_city_user, scope_for

PERIOD_KINDS = ("month", "quarter", "year", "custom")
MAX_DAYS = 5 * 366


class PeriodError(ValueError):
    pass


def period_from(params, today: date | None = None) -> tuple[str, metrics.Period]:
    """The period a page or the API asks for: kind month (month=YYYY-MM), quarter
    (quarter=YYYY-Qn), year (year=YYYY) or custom (from, to: YYYY-MM-DD); without any, the
    current year. PeriodError on a malformed or backwards or over-long period."""
    today = today or timezone.localdate()
    kind = params.get("period") or ("custom" if params.get("from") or params.get("to") else "year")
    try:
        if kind == "month":
            period = metrics.Period.parse(params.get("month") or f"{today:%Y-%m}")
            if len(params.get("month") or "0000-00") != 7:
                raise ValueError
        elif kind == "quarter":
            period = metrics.Period.parse(params.get("quarter") or f"{today.year}-Q{(today.month - 1) // 3 + 1}")
            if "Q" not in (params.get("quarter") or "Q").upper():
                raise ValueError
        elif kind == "year":
            period = metrics.Period.parse(str(params.get("year") or today.year))
        elif kind == "custom":
            period = metrics.Period(date.fromisoformat(params.get("from", "")), date.fromisoformat(params.get("to", "")))
        else:
            raise ValueError
    except (ValueError, TypeError):
        raise PeriodError(_("Choose a valid period (a month, a quarter, a year, or two dates in order).")) from None
    if (period.date_to - period.date_from).days > MAX_DAYS:
        raise PeriodError(_("A period spans at most five years."))
    return kind, period


class Drill:
    """Links from a figure to the list behind it, scoped by the same filters (the lists apply the
    caller's door themselves). None where the caller has no such list."""

    def __init__(self, user, scope: metrics.Scope, period: metrics.Period):
        self.user, self.scope, self.period = user, scope, period
        self.role = role_of(user)

    def _base(self, unit_key="unit", bank_key="bank") -> dict:
        q = {}
        if self.scope.unit is not None:
            q[unit_key] = self.scope.unit
        if self.scope.bank is not None:
            q[bank_key] = self.scope.bank
        return q

    def apps(self, stage=None, **extra) -> str:
        q = self._base()
        if stage:
            q.update(stage=stage, date_from=self.period.date_from.isoformat(), date_to=self.period.date_to.isoformat())
        q.update({k: v for k, v in extra.items() if v is not None})
        if "status_at_end" in q:
            q.setdefault("date_from", self.period.date_from.isoformat())
            q.setdefault("date_to", self.period.date_to.isoformat())
        return f"{reverse('applications:list')}?{urlencode(q)}"

    def loans(self, position="held", **extra) -> str:
        q = self._base()
        q.update(as_of=self.period.date_to.isoformat(), position=position, **extra)
        return f"{reverse('loans:list')}?{urlencode(q)}"

    def alerts(self) -> str:
        q = self._base()
        q.update(open_on=self.period.date_to.isoformat())
        return f"{reverse('loans:alerts')}?{urlencode(q)}"

    def requests(self, late=None, answered=None) -> str:
        q = self._base()
        q.update(asked_from=self.period.date_from.isoformat(), asked_to=self.period.date_to.isoformat())
        if late is not None:
            q["late_at_end"] = "true" if late else "false"
        if answered is not None:
            q["answered_at_end"] = "true" if answered else "false"
        return f"{reverse('regulators:inbox')}?{urlencode(q)}"

    def fund_use(self, purpose=None) -> str:
        q = self._base()
        q.update(date_from=self.period.date_from.isoformat(), date_to=self.period.date_to.isoformat())
        if purpose:
            q["purpose"] = purpose
        return f"{reverse('loans:fund_use_list')}?{urlencode(q)}"

    def enterprises(self, credit=None) -> str | None:
        """Banks see no list of profiles (only under an enterprise's authorisation)."""
        if self.role in BANK_ROLES or self.scope.bank is not None:
            return None
        q = {"as_of": self.period.date_to.isoformat()}
        if self.scope.unit is not None:
            q["unit"] = self.scope.unit
        if credit is not None:
            q["credit"] = "true" if credit else "false"
        return f"{reverse('elements:enterprise_profiles')}?{urlencode(q)}"


DIMENSION_FILTER = {"bank": "bank", "unit": "unit", "product": "product", "purpose": "purpose",
                    "industry": "industry", "category": "category"}


def _row_links(drill: Drill, dimension: str, rows: list[dict]) -> None:
    """Each breakdown row gets links to its submitted and approved applications."""
    for r in rows:
        if dimension == "month":
            y, m = map(int, str(r["key"]).split("-"))
            month = metrics.Period.month(y, m)
            sub = Drill(drill.user, drill.scope, metrics.Period(max(month.date_from, drill.period.date_from),
                                                                min(month.date_to, drill.period.date_to)))
            r["url_submitted"], r["url_approved"] = sub.apps("submitted"), sub.apps("approved")
            continue
        if r["key"] in (None, "") and dimension != "industry":
            continue
        extra = {DIMENSION_FILTER[dimension]: r["key"] if r["key"] is not None else ""}
        r["url_submitted"] = drill.apps("submitted", **extra)
        r["url_approved"] = drill.apps("approved", **extra)


def _float(v):
    return float(v) if v is not None else None


def _charts(figures: dict) -> dict:
    """Chart.js data (numbers, not strings) for static/js/dashboard.js, by canvas id."""
    months = figures["by_month"]
    status_labels = dict(Status.choices)
    charts = {
        "chart-month": {"type": "bar", "labels": [r["label"] for r in months], "datasets": [
            {"label": _("Submitted"), "data": [r["submitted"] for r in months]},
            {"label": _("Approved"), "data": [r["approved"] for r in months]},
            {"label": _("Rejected"), "data": [r["rejected"] for r in months]}]},
        "chart-amounts": {"type": "line", "labels": [r["label"] for r in months], "datasets": [
            {"label": _("Requested (10k yuan)"), "data": [_float(r["requested"] / 10000) for r in months]},
            {"label": _("Approved (10k yuan)"), "data": [_float(r["approved_amount"] / 10000) for r in months]},
            {"label": _("Disbursed (10k yuan)"), "data": [_float(r["disbursed"] / 10000) for r in months]}]},
        "chart-status": {"type": "doughnut",
                         "labels": [str(status_labels[s]) for s in figures["applications"]["by_status"]],
                         "datasets": [{"label": _("Applications"),
                                       "data": list(figures["applications"]["by_status"].values())}]},
        "chart-purpose": {"type": "doughnut", "labels": [r["label"] for r in figures["fund_use"]["by_purpose"]],
                          "datasets": [{"label": _("Fund use (10k yuan)"),
                                        "data": [_float(r["amount"] / 10000) for r in figures["fund_use"]["by_purpose"]]}]},
        "chart-category": {"type": "bar", "labels": [r["label"] for r in figures["by_category"]], "datasets": [
            {"label": _("Submitted"), "data": [r["submitted"] for r in figures["by_category"]]},
            {"label": _("Approved"), "data": [r["approved"] for r in figures["by_category"]]}]},
        "chart-bank": {"type": "bar", "labels": [r["label"] for r in figures["by_bank"]], "datasets": [
            {"label": _("Submitted"), "data": [r["submitted"] for r in figures["by_bank"]]},
            {"label": _("Approved"), "data": [r["approved"] for r in figures["by_bank"]]}]},
    }
    return charts


def _excel_response(book: bytes, name: str) -> HttpResponse:
    response = HttpResponse(book, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


class _DashboardBase(LoginRequiredMixin, View):
    template_name = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_see_dashboard(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def picker(self, request):
        error = None
        try:
            kind, period = period_from(request.GET)
        except PeriodError as e:
            error = str(e)
            kind, period = period_from({})
        scope = scope_for(request.user, unit=request.GET.get("unit") or None, bank=request.GET.get("bank") or None)
        return kind, period, scope, error

    def choices(self, request, scope):
        """What the scope pickers offer: the city its units and banks; a district the banks; a
        bank nothing beyond itself."""
        user = request.user
        units = banks = []
        if is_city_user(user):
            units = list(RegulatorUnit.objects.exclude(kind="municipal").order_by("code").values("code", "name"))
        if not is_bank_user(user):
            banks = list(Bank.objects.order_by("name").values("pk", "name"))
        return units, banks

    def context(self, request, kind, period, scope, error):
        units, banks = self.choices(request, scope)
        unit_code = (RegulatorUnit.objects.filter(pk=scope.unit).values_list("code", flat=True).first()
                     if scope.unit and is_city_user(request.user) else "")
        query = request.GET.copy()
        query.pop("export", None)
        return {"kind": kind, "period": period, "scope": scope, "period_error": error, "unit_choices": units,
                "bank_choices": banks, "unit_code": unit_code, "is_bank": is_bank_user(request.user),
                "is_city": is_city_user(request.user), "kinds": PERIOD_KINDS, "query": query.urlencode(),
                "month_value": request.GET.get("month") or f"{period.date_from:%Y-%m}",
                "quarter_value": request.GET.get("quarter") or f"{period.date_from.year}-Q{(period.date_from.month - 1) // 3 + 1}",
                "year_value": request.GET.get("year") or period.date_from.year}


class DashboardView(_DashboardBase):
    template_name = "regulators/dashboard/dashboard.html"

    def get(self, request):
        kind, period, scope, error = self.picker(request)
        figures = metrics.dashboard(scope, period)
        drill = Drill(request.user, scope, period)
        bank_user = is_bank_user(request.user)
        units = metrics.by_unit(period, bank=scope.bank) if is_city_user(request.user) and scope.unit is None else None
        average = metrics.city_average(period) if bank_user else None
        if bank_user:
            figures["by_bank"] = []  # its own row only would repeat the headline; never another bank's
        export = request.GET.get("export")
        if export:
            tables = excel.dashboard_tables(figures, units=units, average=average)
            if export not in tables:
                raise Http404
            return _excel_response(excel.workbook([tables[export]]), f"dashboard-{export}-{period.date_from}-{period.date_to}")
        for dim in ("bank", "product", "purpose", "category", "industry", "month"):
            _row_links(drill, dim, figures[f"by_{dim}"])
        if units:
            for u in units:
                u["url_submitted"] = Drill(request.user, metrics.Scope(unit=u["key"], bank=scope.bank),
                                           period).apps("submitted")
                u["url_dashboard"] = "?" + urlencode({**{k: v for k, v in request.GET.items() if k != "unit"},
                                                      "unit": u["code"]})
        status_rows = [{"key": s, "label": dict(Status.choices)[s], "n": n, "url": drill.apps(status_at_end=s)}
                       for s, n in figures["applications"]["by_status"].items()]
        ctx = self.context(request, kind, period, scope, error)
        ctx.update(figures=figures, units=units, average=average, drill=drill, status_rows=status_rows,
                   charts=_charts(figures), links={
                       "submitted": drill.apps("submitted"), "accepted": drill.apps("accepted"),
                       "decided": drill.apps("decided"), "approved": drill.apps("approved"),
                       "rejected": drill.apps("rejected"), "returned": drill.apps("returned"),
                       "withdrawn": drill.apps("withdrawn"), "contracted": drill.apps("contracted"),
                       "disbursement": drill.apps("disbursement"), "first_disbursed": drill.apps("first_disbursed"),
                       "credit": drill.apps("approved", guarantee="credit"),
                       "loans": drill.loans("held"), "overdue": drill.loans("overdue"), "npl": drill.loans("npl"),
                       "alerts": drill.alerts(), "requests": drill.requests(), "late": drill.requests(late=True),
                       "answered": drill.requests(answered=True), "fund_use": drill.fund_use(),
                       "with_profile": drill.enterprises(), "quality_credit": drill.enterprises(credit=True),
                   })
        for r in figures["fund_use"]["by_purpose"]:
            r["url"] = drill.fund_use(r["key"])
        return render(request, self.template_name, ctx)


class BankEvaluationView(_DashboardBase):
    template_name = "regulators/dashboard/banks.html"

    def get(self, request):
        kind, period, scope, error = self.picker(request)
        rows = metrics.bank_evaluation(period, unit=scope.unit, bank=scope.bank)
        bank_user = is_bank_user(request.user)
        average = metrics.city_average(period) if bank_user or not scope.bank else None
        rows = [r for r in rows if not bank_user or r["key"] == request.user.bank_id]
        reasons = metrics.complaints(scope, period, limit=100)
        export = request.GET.get("export")
        if export:
            tables = excel.bank_tables(rows, average=average, complaints=reasons)
            if export not in tables:
                raise Http404
            if export == "complaints":
                _audit_complaints(request, AuditAction.EXPORT)
            return _excel_response(excel.workbook([tables[export]]), f"banks-{export}-{period.date_from}-{period.date_to}")
        for r in rows:
            d = Drill(request.user, metrics.Scope(unit=scope.unit, bank=r["key"]), period)
            r["url_received"] = d.apps("submitted")
            r["url_approved"] = d.apps("approved")
            r["url_complaints"] = d.apps("complaint")
            r["url_asked"] = d.requests()
            r["url_answered"] = d.requests(answered=True)
        if reasons:
            _audit_complaints(request, AuditAction.LIST)
        ctx = self.context(request, kind, period, scope, error)
        ctx.update(rows=rows, average=average, complaints=reasons,
                   chart={"chart-banks": {"type": "bar", "labels": [r["label"] for r in rows], "datasets": [
                       {"label": _("Approval rate (%)"), "data": [_float(r["approval_rate"]) for r in rows]},
                       {"label": _("Acceptance rate (%)"), "data": [_float(r["acceptance_rate"]) for r in rows]}]}})
        return render(request, self.template_name, ctx)


def _audit_complaints(request, action):
    """The complaint rows name enterprises and the reasons given to them: a read of enterprise data,
    recorded as the other lists record theirs (audit.services.audit_read)."""
    audit_read(request, object_type="applications.historyentry", action=action)


class PolicyEffectView(_DashboardBase):
    template_name = "regulators/dashboard/policy.html"

    def get(self, request):
        kind, period, scope, error = self.picker(request)
        rows = metrics.policy_effect(scope, period)
        export = request.GET.get("export")
        if export:
            if export != "policy":
                raise Http404
            return _excel_response(excel.workbook([excel.policy_table(rows)]),
                                   f"policy-{period.date_from}-{period.date_to}")
        drill = Drill(request.user, scope, period)
        for r in rows:
            r["url_with"] = drill.apps("decided", element=r["element_type"])
        ctx = self.context(request, kind, period, scope, error)
        ctx.update(rows=rows, chart={"chart-policy": {"type": "bar", "labels": [r["label"] for r in rows], "datasets": [
            {"label": _("Approval rate with it (%)"), "data": [_float(r["with"]["approval_rate"]) for r in rows]},
            {"label": _("Approval rate without it (%)"), "data": [_float(r["without"]["approval_rate"]) for r in rows]},
        ]}})
        return render(request, self.template_name, ctx)
