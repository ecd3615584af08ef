"""Every figure of the regulators' dashboards, periodic reports and bank evaluation (issue 13),
for one scope and one period, from DATED records only: stage time stamps, the workflow history,
contracts, disbursements, repayments, the loans' status and classification history, the dates
of library records. Nothing reads "today's state" for a closed period, so computing a closed
period again gives the same figures.

Interface (docs: /work/wt/dash-interface.md, kept stable for the reports helper):

    scope = Scope(unit=<RegulatorUnit id or None>, bank=<Bank id or None>)   # None: the city / all banks
    period = Period(date_from, date_to)              # inclusive local dates (Asia/Shanghai)
    period = Period.parse("2026-11") / ("2026-Q3") / ("2026")

    dashboard(scope, period) -> dict                 # every figure, with breakdowns
    by_unit(period, bank=None) -> list[dict]         # the city's units side by side (headline figures each)
    bank_evaluation(period, unit=None, bank=None) -> list[dict]  # one row per bank
    city_average(period) -> dict                     # the mean of the bank rows (what a bank is compared with)
    policy_effect(scope, period) -> list[dict]       # per element type: with vs without
    complaints(scope, period, limit=200) -> list[dict]  # returns and rejections with their reasons

Units: amounts in yuan (Decimal, 2 places); annual rates in percent (Decimal, 3 places);
spreads to the 1-year LPR in basis points (Decimal, 1 place); shares and rates of approval in
percent (Decimal, 1 place) or None when there is nothing to divide by; days as Decimal (1
place) or None; counts as int.

Definitions (a figure belongs to the period by the date of its own event):
- submitted: first submission in the period; requested amount = their amounts.
- accepted / decided / contracted / first disbursement: the stage's time stamp in the period.
- approved: decided in the period and not rejected (a decision is final: rejected is terminal,
  an approval cannot turn into a rejection); approved amount = their credit lines.
- approval rate = approved / decided.
- by status: applications submitted in the period, by their status at the period's end (the
  last workflow step on or before it).
- disbursed = disbursements dated in the period; outstanding = disbursed up to the end minus
  principal repaid up to the end.
- median days: submit → accept of those accepted in the period; accept → decision of those
  decided in the period; decision → first disbursement of those first disbursed in the period.
- verification: requests asked in the period; answered = answered by the end; median days
  asked → answered of those answered in the period; overdue = answered after the due day, or
  unanswered at the end with the due day before the end; share of those asked.
- rate: average annual rate of approvals in the period; spread = average of (rate − 1-year LPR
  in force on the decision day), only over approvals with an LPR in force.
- credit loans: approvals in the period with guarantee type credit (信用), share of approvals.
- loans at the end: a loan whose contract was signed by the end, still servicing at the end
  (status from its history), with a positive balance; overdue = status overdue or defaulted
  at the end; non-performing = classification 次级/可疑/损失 in force at the end (the last
  classification as of a day on or before it, even if reported later — as repayments count by
  their date: a late report changes a closed period, and the kept figures are recomputed);
  shares by count and by balance.
- open risk alerts: alerts for banks raised by the end and not acknowledged by then.
- enterprises: holding at least one library distinction in force at the end ("with a
  profile"), and of those, whose quality credit holds at the end (elements.selectors'
  quality_credit_holds: profile_get's rules in their set-based form); a bank's scope counts the
  enterprises that applied to it by the end.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from applications.choices import Action, Purpose, Status
from applications.models import Application, Claim, Disbursement, HistoryEntry, VerificationRequest
from applications.selectors import status_at
from banks.choices import GuaranteeType
from banks.models import Bank, LoanPrimeRate, Product
from elements.models import ElementCategory, ElementType
from elements.selectors import distinction_held, quality_credit_holds
from identity.models import Enterprise, RegulatorUnit
from jingzhidai.dates import add_months
from loans.choices import NON_PERFORMING, Audience, LoanStatus
from loans.models import FundUseReport, Loan, RiskAlert
from loans.selectors import HELD, LATE, loans_held_at

from . import figures_store

ZERO = Decimal("0")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
MILLI = Decimal("0.001")
MONEY = DecimalField(max_digits=20, decimal_places=2)
RATE = DecimalField(max_digits=9, decimal_places=3)
QUALITY_PURPOSES = (Purpose.QUALITY, Purpose.TECHNICAL, Purpose.EQUIPMENT)
# Loan statuses in which a loan still carries a balance the bank services.
SERVICING = (LoanStatus.REPAYING, LoanStatus.OVERDUE, LoanStatus.EXTENDED, LoanStatus.DEFAULTED)
OVERDUE = (LoanStatus.OVERDUE, LoanStatus.DEFAULTED)
DIMENSIONS = ("bank", "unit", "product", "purpose", "industry", "month", "category")


# --- scope and period -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scope:
    """unit: a regulator unit's id (a district bureau or special area; its enterprises are those
    whose competent unit it is, exactly the district regulator's door); bank: a bank's id.
    Both None: the whole city."""

    unit: int | None = None
    bank: int | None = None


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date  # inclusive

    def __post_init__(self):
        if self.date_to < self.date_from:
            raise ValueError("date_to before date_from")

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls(first, add_months(first, 1) - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = date(year, 3 * (quarter - 1) + 1, 1)
        return cls(first, add_months(first, 3) - timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> "Period":
        """'2026-11' (month), '2026-Q3' (quarter), '2026' (year); ValueError otherwise."""
        text = (text or "").strip().upper()
        if len(text) == 4 and text.isdigit():
            return cls.year(int(text))
        if len(text) == 7 and text[4] == "-" and text[5] == "Q" and text[:4].isdigit() and text[6] in "1234":
            return cls.quarter(int(text[:4]), int(text[6]))
        if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit() and 1 <= int(text[5:]) <= 12:
            return cls.month(int(text[:4]), int(text[5:]))
        raise ValueError(f"not a period: {text!r}")

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        out, day = [], self.date_from.replace(day=1)
        while day <= self.date_to:
            out.append(day)
            day = add_months(day, 1)
        return out


# --- small helpers ----------------------------------------------------------------------------

def share(part, whole) -> Decimal | None:
    """part / whole in percent, one decimal; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH)


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT)


def _days(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        value = value.total_seconds() / 86400
    return Decimal(str(value)).quantize(TENTH)


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _scoped(qs, scope: Scope, prefix: str = ""):
    """Filter a queryset by the scope; `prefix` leads from its model to the Application
    ("" for applications, "application__" for disbursements, …)."""
    if scope.unit is not None:
        qs = qs.filter(**{f"{prefix}enterprise__regulator_unit_id": scope.unit})
    if scope.bank is not None:
        qs = qs.filter(**{f"{prefix}bank_id": scope.bank})
    return qs


def _dim(dimension: str | None, prefix: str = "", date_field: str | None = None):
    """The grouping expression of a dimension, relative to a model whose path to Application is
    `prefix`; month groups by the month of `date_field` (the event's own date)."""
    if dimension is None:
        return Value("all", output_field=CharField())
    if dimension == "bank":
        return F(f"{prefix}bank_id")
    if dimension == "unit":
        return F(f"{prefix}enterprise__regulator_unit_id")
    if dimension == "product":
        return F(f"{prefix}product_id")
    if dimension == "purpose":
        return F(f"{prefix}purpose")
    if dimension == "industry":
        return F(f"{prefix}enterprise__industry")
    if dimension == "category":
        return F(f"{prefix}claims__element_type__category_id")
    if dimension == "month":
        return TruncMonth(date_field, tzinfo=timezone.get_current_timezone())
    raise ValueError(dimension)


def _key(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return value


def _day_span(later: str, earlier: str):
    """Whole days from the local date of `earlier` to the local date of `later` (Asia/Shanghai):
    what "days per stage" counts (submitted on Monday, accepted on Wednesday: 2 days)."""
    tz = timezone.get_current_timezone()
    return ExpressionWrapper(TruncDate(later, tzinfo=tz) - TruncDate(earlier, tzinfo=tz), output_field=DurationField())


def _histograms(qs, group_expr, later: str, earlier: str) -> dict:
    """{group key: {whole days: how many}} of the span from `earlier` to `later` over qs: one
    query. Histograms of the days of a period add up (their closed days are kept, see
    `_kept_plus_live`) and give the period's exact median (`histogram_median`)."""
    qs = qs.filter(**{f"{later}__isnull": False, f"{earlier}__isnull": False})
    out = defaultdict(dict)
    for g, span, n in (qs.annotate(g=group_expr, span=_day_span(later, earlier)).values("g", "span")
                       .annotate(n=Count("pk")).values_list("g", "span", "n")):
        days = span.days if isinstance(span, timedelta) else int(span)
        out[_key(g)][days] = out[_key(g)].get(days, 0) + n
    return dict(out)


def histogram_median(histogram: dict) -> Decimal | None:
    """The median of the values a histogram {value: how many} counts, as percentile_cont(0.5)
    takes it (the mean of the two middle values when their number is even), one decimal; None
    when empty."""
    n = sum(histogram.values())
    if not n:
        return None
    wanted, found, seen = ((n - 1) // 2, n // 2), [], 0
    for value in sorted(histogram):
        count = histogram[value]
        for i in wanted:
            if seen <= i < seen + count:
                found.append(value)
        seen += count
        if len(found) == 2:
            break
    return (Decimal(found[0] + found[1]) / 2).quantize(TENTH)


def _lpr_case(field: str, rates: list):
    """The 1-year LPR in force on the local day of `field` (rates: [(effective_on, one_year)]
    newest first), None before the first one."""
    whens = [When(**{f"{field}__gte": timezone.make_aware(datetime.combine(day, time.min))},
                  then=Value(rate, output_field=RATE)) for day, rate in rates]
    if not whens:
        return Value(None, output_field=RATE)
    return Case(*whens, default=Value(None, output_field=RATE), output_field=RATE)


def lpr_rates() -> list:
    return list(LoanPrimeRate.objects.order_by("-effective_on").values_list("effective_on", "one_year"))


def lpr_on(day: date, rates: list | None = None) -> Decimal | None:
    for effective, rate in (rates if rates is not None else lpr_rates()):
        if effective <= day:
            return rate
    return None


# --- flows of applications (grouped) ------------------------------------------------------------

def _base(scope: Scope, dimension: str | None):
    """The rows the flows are counted over, and the path from them to the application. For
    the element category claimed, one row per application and category (its first claim of the
    category), so an application claiming two elements of a category counts once there."""
    if dimension != "category":
        return _scoped(Application.objects.order_by(), scope), ""
    earlier = Claim.objects.filter(application_id=OuterRef("application_id"),
                                   element_type__category_id=OuterRef("element_type__category_id"),
                                   id__lt=OuterRef("id"))
    qs = _scoped(Claim.objects.order_by(), scope, "application__").filter(~Exists(earlier))
    return qs, "application__"


def _group(dimension, prefix, date_field):
    if dimension == "category":
        return F("element_type__category_id")
    return _dim(dimension, prefix, f"{prefix}{date_field}")


def _flows(scope: Scope, period: Period, dimension: str | None, rates: list) -> dict:
    """The flows of `_flows_computed`. For an open period that began before today, the closed
    days (up to yesterday) are kept (figures_store: one or two queries while valid) and only
    today onwards is computed: every flow is a sum over events by their own date, so the two
    parts add up exactly."""
    out = defaultdict(lambda: defaultdict(lambda: ZERO))
    summed = _kept_plus_live(f"flows:{dimension}", scope, period,
                             lambda sc, p: _plain(_flows_computed(sc, p, dimension, rates)))
    for k, measures in summed.items():
        for f, v in measures.items():
            out[k][f] += v or ZERO
    return out


def _split(period: Period) -> tuple[Period, Period] | None:
    """(closed days up to yesterday, today onwards) of an open period that began before today;
    None for any other period."""
    today = timezone.localdate()
    if not (period.date_from < today <= period.date_to):
        return None
    return Period(period.date_from, today - timedelta(days=1)), Period(today, period.date_to)


def _add(a, b):
    """The sum of two results of the same shape: nested dicts of numbers (a key missing on one
    side counts as nothing there)."""
    if isinstance(a, dict) or isinstance(b, dict):
        a, b = a or {}, b or {}
        return {k: _add(a.get(k), b.get(k)) for k in {*a, *b}}
    if a is None or b is None:
        return b if a is None else a
    return a + b


def _kept_plus_live(name: str, scope: Scope, period: Period, compute):
    """compute(scope, period) for a result that is a sum over events by their own date (nested
    dicts of numbers: counts, sums, duration histograms). For an open period that began before
    today, the closed days are kept (figures_store, valid while no row dated in them arrives)
    and only today onwards is computed from the base tables; the two parts add up exactly."""
    parts = _split(period)
    if parts is None:
        return compute(scope, period)
    closed, live = parts
    kept = figures_store.stored(name, scope, closed, lambda: compute(scope, closed))
    return _add(kept, compute(scope, live))


def _counts(scope: Scope, period: Period) -> dict:
    """Counts and sums of the period by each event's own date (additive over days): four queries."""
    apps = _scoped(Application.objects.order_by(), scope)
    contracted = apps.filter(contract__signed_on__gte=period.date_from,
                             contract__signed_on__lte=period.date_to).aggregate(n=Count("id"), s=Sum("contract__amount"))
    c = _complaint_counts(scope, period).get("all", {"returns": 0, "rejections": 0})
    return {"contracted": contracted["n"] or 0, "contracted_amount": contracted["s"] or ZERO,
            "first_disbursed": apps.filter(_in("disbursed_at", period)).count(),
            "withdrawn": apps.filter(_in("withdrawn_at", period)).count(),
            "returns": c["returns"], "rejections": c["rejections"]}


def _additive(name: str, scope: Scope, period: Period, compute) -> dict:
    """compute(scope, period) -> {name: number}, a sum over events by their own date; for an open
    period that began before today its closed days are kept (as `_flows` does)."""
    return _kept_plus_live(name, scope, period, compute)


def _plain(flows) -> dict:
    return {k: dict(v) for k, v in flows.items()}


def _flows_computed(scope: Scope, period: Period, dimension: str | None, rates: list) -> dict:
    """{key: {submitted, requested, accepted, decided, approved, rejected, approved_amount,
    rate_sum, rate_n, spread_sum, spread_n, credit, disbursed_amount}}: four queries."""
    out = defaultdict(lambda: defaultdict(lambda: ZERO))
    base, p = _base(scope, dimension)

    sub = base.filter(_in(f"{p}submitted_at", period)).annotate(g=_group(dimension, p, "submitted_at")).values("g")
    for row in sub.annotate(n=Count("pk"), amount=Sum(f"{p}amount")):
        out[_key(row["g"])]["submitted"] += row["n"]
        out[_key(row["g"])]["requested"] += row["amount"] or ZERO

    acc = base.filter(_in(f"{p}accepted_at", period)).annotate(g=_group(dimension, p, "accepted_at")).values("g")
    for row in acc.annotate(n=Count("pk")):
        out[_key(row["g"])]["accepted"] += row["n"]

    approved = ~Q(**{f"{p}status": Status.REJECTED})
    has_rate = Q(**{f"{p}annual_rate__isnull": False})
    spread_ok = approved & has_rate & Q(lpr__isnull=False)
    dec = (base.filter(_in(f"{p}decided_at", period))
           .annotate(g=_group(dimension, p, "decided_at"), lpr=_lpr_case(f"{p}decided_at", rates)).values("g"))
    rows = dec.annotate(
        decided=Count("pk"),
        approved=Count("pk", filter=approved),
        approved_amount=Sum(f"{p}credit_line", filter=approved),
        rate_sum=Sum(f"{p}annual_rate", filter=approved & has_rate),
        rate_n=Count("pk", filter=approved & has_rate),
        spread_sum=Sum(ExpressionWrapper(F(f"{p}annual_rate") - F("lpr"), output_field=RATE), filter=spread_ok),
        spread_n=Count("pk", filter=spread_ok),
        credit=Count("pk", filter=approved & Q(**{f"{p}guarantee_type": GuaranteeType.CREDIT})),
    )
    for row in rows:
        o = out[_key(row["g"])]
        for f in ("decided", "approved", "approved_amount", "rate_sum", "rate_n", "spread_sum", "spread_n", "credit"):
            o[f] += row[f] or ZERO
        o["rejected"] += row["decided"] - row["approved"]

    in_period = Q(date__gte=period.date_from, date__lte=period.date_to)
    if dimension == "category":
        drawn = (Disbursement.objects.filter(in_period, application_id=OuterRef("application_id")).order_by()
                 .values("application_id").annotate(s=Sum("amount")).values("s"))
        dis = (base.filter(Exists(Disbursement.objects.filter(in_period, application_id=OuterRef("application_id"))))
               .annotate(g=F("element_type__category_id"), d=Subquery(drawn, output_field=MONEY)).values("g")
               .annotate(amount=Sum("d")))
    else:
        dis = _scoped(Disbursement.objects.order_by(), scope, "application__").filter(in_period)
        dis = dis.annotate(g=TruncMonth("date") if dimension == "month" else _dim(dimension, "application__"))
        dis = dis.values("g").annotate(amount=Sum("amount"))
    for row in dis:
        out[_key(row["g"])]["disbursed_amount"] += row["amount"] or ZERO
    return out


def _flow_row(key, label, f) -> dict:
    return {
        "key": key, "label": label,
        "submitted": int(f["submitted"]), "requested": _money(f["requested"]),
        "accepted": int(f["accepted"]),
        "decided": int(f["decided"]), "approved": int(f["approved"]), "rejected": int(f["rejected"]),
        "approval_rate": share(f["approved"], f["decided"]),
        "approved_amount": _money(f["approved_amount"]),
        "disbursed": _money(f["disbursed_amount"]),
        "average_rate": (f["rate_sum"] / f["rate_n"]).quantize(MILLI) if f["rate_n"] else None,
        "spread_bp": (f["spread_sum"] * 100 / f["spread_n"]).quantize(TENTH) if f["spread_n"] else None,
        "credit_share": share(f["credit"], f["approved"]),
    }


def _labels(dimension: str, keys) -> dict:
    keys = [k for k in keys if k not in (None, "")]
    if dimension == "bank":
        return dict(Bank.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "unit":
        return dict(RegulatorUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "product":
        return {pk: f"{name}（{bank}）" for pk, name, bank in
                Product.objects.filter(pk__in=keys).values_list("pk", "name", "bank__name")}
    if dimension == "category":
        return dict(ElementCategory.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "purpose":
        return {k: str(Purpose(k).label) for k in keys if k in Purpose.values}
    return {k: str(k) for k in keys}


def _order(dimension: str) -> list | None:
    if dimension == "purpose":
        return list(Purpose.values)
    if dimension == "category":
        return list(ElementCategory.objects.order_by("order").values_list("pk", flat=True))
    return None


def breakdown(scope: Scope, period: Period, dimension: str, rates: list | None = None) -> list[dict]:
    """Rows of flow figures per value of a dimension (DIMENSIONS): five queries (four flows,
    one for the labels; purpose and industry none for labels)."""
    rates = lpr_rates() if rates is None else rates
    flows = _flows(scope, period, dimension, rates)
    if dimension == "month":
        keys = [m.strftime("%Y-%m") for m in period.months()]
        return [_flow_row(k, k, flows.get(k, defaultdict(lambda: ZERO))) for k in keys]
    order = _order(dimension)
    keys = list(flows)
    if order is not None:
        keys = [k for k in order if k in flows or dimension == "purpose"] + [k for k in keys if k not in order]
    labels = _labels(dimension, keys)
    rows = [_flow_row(k, labels.get(k, "—" if k in (None, "") else str(k)), flows.get(k, defaultdict(lambda: ZERO)))
            for k in keys]
    if order is None:
        rows.sort(key=lambda r: (-r["submitted"], -r["decided"], str(r["label"])))
    return rows


def _total(rows: list[dict]) -> dict:
    """The totals of partition rows (every application in exactly one row)."""
    t = defaultdict(lambda: ZERO)
    for r in rows:
        for f in ("submitted", "requested", "accepted", "decided", "approved", "rejected", "approved_amount",
                  "disbursed"):
            t[f] += r[f]
    return t


# --- figures at a point in time ------------------------------------------------------------------

def _status_at_end(scope, period) -> dict:
    """Applications submitted in the period by their status at its end: one query. An open
    period ends today or later: the status at its end is the current one. When it began before
    today, the status at today's start of those submitted before is kept (figures_store) and
    only the applications submitted or moved since are read (two queries)."""
    counts = {s: 0 for s in Status.values if s != Status.DRAFT}

    def add(status, n):
        counts[status or Status.SUBMITTED] = counts.get(status or Status.SUBMITTED, 0) + n

    qs = _scoped(Application.objects.order_by(), scope).filter(_in("submitted_at", period))
    parts = _split(period)
    if parts is not None:
        closed, live = parts
        for status, n in figures_store.stored("status", scope, closed, lambda: _status_at_end(scope, closed)).items():
            add(status, n)
        moved = qs.filter(Q(submitted_at__gte=live.start) | Q(status_changed_at__gte=live.start))
        for row in (moved.annotate(before=status_at(live.start), new=Case(When(submitted_at__gte=live.start,
                                                                                then=Value(True)), default=Value(False)))
                    .values("before", "status", "new").annotate(n=Count("id"))):
            if not row["new"]:
                add(row["before"], -row["n"])
            add(row["status"], row["n"])
        return counts
    if period.date_to >= timezone.localdate():
        qs = qs.annotate(s=F("status")).values("s").annotate(n=Count("id"))
    else:
        qs = qs.annotate(s=status_at(period.end)).values("s").annotate(n=Count("id"))
    for row in qs:
        add(row["s"], row["n"])
    return counts


def _loans_at_end(scope, period, dimension: str | None = None) -> dict:
    """{key: {loans, balance, overdue_loans, overdue_balance, npl_loans, npl_balance}} at the end
    of the period: the rows of loans.selectors.loans_held_at (what the loan list shows for that
    day). One query. On PostgreSQL a set-based form of the same definition (per-loan sums and the
    last status and classification by DISTINCT ON, hash-joined): the correlated subqueries of the
    list's annotation take 24 s over 330,000 loans, this about a second (bench/README.md)."""
    if period.date_to >= timezone.localdate():
        return _loans_now(scope, dimension)
    if connection.vendor == "postgresql" and dimension in (None, "bank", "unit", "product", "purpose", "industry"):
        return _loans_at_end_sql(scope, period, dimension)
    qs = loans_held_at(_scoped(Loan.objects.order_by(), scope, "application__"), period.date_to)
    qs = qs.annotate(g=_dim(dimension, "application__") if dimension != "month" else Value("all")).values("g")
    npl = Q(classification_at__in=NON_PERFORMING)
    late = Q(status_at__in=LATE)
    rows = qs.annotate(loans=Count("id"), balance=Sum("balance_at"), overdue_loans=Count("id", filter=late),
                       overdue_balance=Sum("balance_at", filter=late), npl_loans=Count("id", filter=npl),
                       npl_balance=Sum("balance_at", filter=npl))
    return {_key(r["g"]): r for r in rows}


def _loans_now(scope, dimension) -> dict:
    """An open period ends today or later: the position at its end is today's, which the loans
    app keeps on each loan (balance, status and classification, written with their history).
    Kept while no disbursement, repayment, loan or loan history row is added (figures_store)."""
    return figures_store.kept_while(f"loans_now:{dimension}", scope, figures_store.POSITION_TABLES,
                                    lambda: _loans_now_computed(scope, dimension))


def _loans_now_computed(scope, dimension) -> dict:
    # The loan carries its enterprise and bank: no join through the application for the scope.
    qs = _scoped(Loan.objects.order_by(), scope).filter(status__in=HELD, outstanding__gt=0)
    if dimension in ("product", "purpose"):
        qs = qs.annotate(g=_dim(dimension, "application__")).values("g")
    else:
        qs = qs.annotate(g=_dim(dimension) if dimension != "month" else Value("all")).values("g")
    npl, late = Q(classification__in=NON_PERFORMING), Q(status__in=LATE)
    rows = qs.annotate(loans=Count("id"), balance=Sum("outstanding"), overdue_loans=Count("id", filter=late),
                       overdue_balance=Sum("outstanding", filter=late), npl_loans=Count("id", filter=npl),
                       npl_balance=Sum("outstanding", filter=npl))
    return {_key(r["g"]): r for r in rows}


_GROUP_SQL = {None: "'all'", "bank": "l.bank_id", "unit": "e.regulator_unit_id", "product": "a.product_id",
              "purpose": "a.purpose", "industry": "e.industry"}


def _loans_at_end_sql(scope, period, dimension) -> dict:
    where, params = ["c.signed_on <= %(day)s"], {"day": period.date_to, "end": period.end,
                                                 "held": list(HELD), "late": list(LATE), "npl": list(NON_PERFORMING)}
    if scope.unit is not None:
        where.append("e.regulator_unit_id = %(unit)s")
        params["unit"] = scope.unit
    if scope.bank is not None:
        where.append("l.bank_id = %(bank)s")
        params["bank"] = scope.bank
    sql = f"""
        WITH drawn AS (SELECT contract_id, SUM(amount) AS s FROM applications_disbursement
                       WHERE date <= %(day)s GROUP BY contract_id),
             repaid AS (SELECT loan_id, SUM(principal) AS s FROM loans_repayment
                        WHERE date <= %(day)s GROUP BY loan_id),
             st AS (SELECT DISTINCT ON (loan_id) loan_id, to_status FROM loans_loanhistory
                    WHERE at < %(end)s AND action <> 'classify' ORDER BY loan_id, at DESC, id DESC),
             cl AS (SELECT DISTINCT ON (loan_id) loan_id, classification FROM loans_loanhistory
                    WHERE action = 'classify' AND effective_on <= %(day)s
                    ORDER BY loan_id, effective_on DESC, at DESC, id DESC),
             pos AS (SELECT {_GROUP_SQL[dimension]} AS g, COALESCE(d.s, 0) - COALESCE(r.s, 0) AS bal,
                            COALESCE(st.to_status, 'repaying') AS st, COALESCE(cl.classification, 'normal') AS cls
                     FROM loans_loan l
                     JOIN applications_contract c ON c.id = l.contract_id
                     JOIN applications_application a ON a.id = l.application_id
                     JOIN identity_enterprise e ON e.uscc = a.enterprise_id
                     LEFT JOIN st ON st.loan_id = l.id
                     LEFT JOIN drawn d ON d.contract_id = l.contract_id
                     LEFT JOIN repaid r ON r.loan_id = l.id
                     LEFT JOIN cl ON cl.loan_id = l.id
                     WHERE {" AND ".join(where)})
        SELECT g, COUNT(*), SUM(bal), COUNT(*) FILTER (WHERE st = ANY(%(late)s)),
               SUM(bal) FILTER (WHERE st = ANY(%(late)s)), COUNT(*) FILTER (WHERE cls = ANY(%(npl)s)),
               SUM(bal) FILTER (WHERE cls = ANY(%(npl)s))
        FROM pos WHERE bal > 0 AND st = ANY(%(held)s) GROUP BY g"""
    out = {}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for g, n, bal, late_n, late_bal, npl_n, npl_bal in cur.fetchall():
            out[_key(g)] = {"loans": n, "balance": bal, "overdue_loans": late_n, "overdue_balance": late_bal,
                            "npl_loans": npl_n, "npl_balance": npl_bal}
    return out


def _loan_figures(r) -> dict:
    r = r or {}
    loans, balance = r.get("loans") or 0, r.get("balance") or ZERO
    return {
        "loans": loans, "outstanding": _money(balance),
        "overdue_loans": r.get("overdue_loans") or 0, "overdue_balance": _money(r.get("overdue_balance")),
        "overdue_share": share(r.get("overdue_loans") or 0, loans),
        "overdue_balance_share": share(r.get("overdue_balance") or 0, balance),
        "npl_loans": r.get("npl_loans") or 0, "npl_balance": _money(r.get("npl_balance")),
        "npl_share": share(r.get("npl_loans") or 0, loans),
        "npl_balance_share": share(r.get("npl_balance") or 0, balance),
    }


def _verification_counts(scope, period, dimension=None) -> dict:
    """{key: {asked, answered, overdue}} of the requests asked in the period: one query. For an
    open period that began before today, what was settled before today (asked; answered, and
    answered late, before today) is kept, and only the requests asked today or still open or
    answered today are read."""
    base = _scoped(VerificationRequest.objects.order_by(), scope, "application__").filter(_in("asked_at", period))
    late_answer = Q(answered_at__isnull=False, answered_at__date__gt=F("due_on"))
    g = _dim(dimension, "application__", "asked_at")

    def count(qs, asked, answered, overdue):
        rows = qs.annotate(g=g).values("g").annotate(asked=Count("id", filter=asked), answered=Count("id", filter=answered),
                                                     overdue=Count("id", filter=overdue))
        return {_key(r["g"]): {"asked": r["asked"], "answered": r["answered"], "overdue": r["overdue"]} for r in rows}

    parts = _split(period)
    if parts is None:
        answered = Q(answered_at__isnull=False, answered_at__lt=period.end)
        # Answered late, or still unanswered at the end with the due day passed.
        late_open = (Q(answered_at__isnull=True) | Q(answered_at__gte=period.end)) & Q(due_on__lt=period.date_to)
        return count(base, Q(pk__isnull=False), answered, late_answer | late_open)
    closed, live = parts
    settled = Q(answered_at__lt=live.start)
    kept = figures_store.stored(f"verification:{dimension}", scope, closed, lambda: count(
        _scoped(VerificationRequest.objects.order_by(), scope, "application__").filter(_in("asked_at", closed)),
        Q(pk__isnull=False), settled, late_answer & settled))
    # The period ends after today: nothing is answered after its end yet.
    unsettled = base.filter(Q(asked_at__gte=live.start) | Q(answered_at__isnull=True) | Q(answered_at__gte=live.start))
    now = count(unsettled, Q(asked_at__gte=live.start), Q(answered_at__isnull=False),
                late_answer | Q(answered_at__isnull=True, due_on__lt=period.date_to))
    return _add(kept, now)


def _verification(scope, period, dimension=None) -> dict:
    """{key: {asked, answered, overdue, median_days, overdue_share}}: two queries."""
    out = _verification_counts(scope, period, dimension)
    turns = _kept_plus_live(f"turnaround:{dimension}", scope, period, lambda sc, p: _histograms(
        _scoped(VerificationRequest.objects.order_by(), sc, "application__").filter(_in("answered_at", p)),
        _dim(dimension, "application__", "answered_at"), "answered_at", "asked_at"))
    for k, histogram in turns.items():
        out.setdefault(k, {"asked": 0, "answered": 0, "overdue": 0})["median_days"] = histogram_median(histogram)
    for v in out.values():
        v.setdefault("median_days", None)
        v["overdue_share"] = share(v["overdue"], v["asked"])
    return out


STAGES = {"submit_to_accept": ("accepted_at", "submitted_at"), "accept_to_decision": ("decided_at", "accepted_at"),
          "decision_to_disbursement": ("disbursed_at", "decided_at")}


def _stage_histograms(scope, period, dimension=None) -> dict:
    """{stage: {key: {days: n}}} of the applications whose stage ended in the period: three queries."""
    apps = _scoped(Application.objects.order_by(), scope)
    return {name: _histograms(apps.filter(_in(later, period)), _dim(dimension, "", later), later, earlier)
            for name, (later, earlier) in STAGES.items()}


def _stage_medians(scope, period, dimension=None) -> dict:
    """{key: {submit_to_accept, accept_to_decision, decision_to_disbursement}}: median whole days
    of each stage ended in the period; three queries (an open period's closed days kept)."""
    parts = _kept_plus_live(f"stages:{dimension}", scope, period,
                            lambda sc, p: _stage_histograms(sc, p, dimension))
    out = defaultdict(lambda: dict.fromkeys(STAGES))
    for name, by_key in parts.items():
        for k, histogram in by_key.items():
            out[k][name] = histogram_median(histogram)
    return out


def _open_alerts(scope, period, dimension=None) -> dict:
    qs = (_scoped(RiskAlert.objects.order_by(), scope, "application__")
          .filter(audience=Audience.BANK, created_at__lt=period.end)
          .filter(Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=period.end)))
    rows = qs.annotate(g=_dim(dimension, "application__") if dimension != "month" else Value("all")).values("g")
    return {_key(r["g"]): r["n"] for r in rows.annotate(n=Count("id"))}


def _complaint_counts(scope, period, dimension=None) -> dict:
    qs = (_scoped(HistoryEntry.objects.order_by(), scope, "application__")
          .filter(_in("at", period), action__in=[Action.RETURN, Action.REJECT]))
    rows = qs.annotate(g=_dim(dimension, "application__", "at")).values("g").annotate(
        returns=Count("id", filter=Q(action=Action.RETURN)), rejections=Count("id", filter=Q(action=Action.REJECT)))
    return {_key(r["g"]): {"returns": r["returns"], "rejections": r["rejections"]} for r in rows}


def _accepted_of_received(scope, period, dimension=None) -> dict:
    """Of the applications received (submitted) in the period, how many were accepted by its end.
    For an open period that began before today, those submitted and accepted before today are
    kept, and only the acceptances since today's start are read."""
    parts = _split(period)
    if parts is not None:
        closed, live = parts
        kept = figures_store.stored(f"accepted:{dimension}", scope, closed,
                                    lambda: _accepted_of_received(scope, closed, dimension))
        since = (_scoped(Application.objects.order_by(), scope).filter(_in("submitted_at", period))
                 .filter(accepted_at__gte=live.start, accepted_at__lt=period.end)
                 .annotate(g=_dim(dimension, "", "submitted_at")).values("g").annotate(n=Count("id")))
        return _add(kept, {_key(r["g"]): r["n"] for r in since})
    qs = (_scoped(Application.objects.order_by(), scope).filter(_in("submitted_at", period))
          .annotate(g=_dim(dimension, "", "submitted_at")).values("g")
          .annotate(n=Count("id", filter=Q(accepted_at__lt=period.end))))
    return {_key(r["g"]): r["n"] for r in qs}


def _fund_use_sums(scope, period) -> dict:
    qs = (_scoped(FundUseReport.objects.order_by(), scope, "loan__application__")
          .filter(date__gte=period.date_from, date__lte=period.date_to).values("purpose").annotate(s=Sum("amount")))
    return {r["purpose"]: r["s"] or ZERO for r in qs}


def _fund_use(scope, period) -> dict:
    """Fund use reported in the period by purpose (by the report's date): one query, an open
    period's closed days kept."""
    sums = _kept_plus_live("fund_use", scope, period, _fund_use_sums)
    total = sum(sums.values(), ZERO)
    quality = sum((sums.get(p, ZERO) for p in QUALITY_PURPOSES), ZERO)
    return {"reported": _money(total), "quality": _money(quality), "quality_share": share(quality, total),
            "by_purpose": [{"key": p.value, "label": str(p.label), "amount": _money(sums.get(p.value)),
                            "share": share(sums.get(p.value, ZERO), total)} for p in Purpose]}


def _enterprises(scope, period) -> dict:
    """Holding a distinction in force at the end, and of those, whose quality credit holds then:
    one query, by the library's own rules in their set-based form (elements.selectors). For an
    open period (a closed one is kept whole), kept per scope and day while the library is
    unchanged (and, for a bank, no application arrives): figures_store.kept_while, at most 26 hours."""
    if period.date_to < timezone.localdate():
        return _enterprises_counted(scope, period)
    tables = figures_store.LIBRARY_TABLES + (("applications_application",) if scope.bank is not None else ())
    return figures_store.kept_while(f"enterprises:{period.date_to}", scope, tables,
                                    lambda: _enterprises_counted(scope, period))


def _enterprises_counted(scope, period) -> dict:
    day = period.date_to
    qs = Enterprise.objects.order_by()
    if scope.unit is not None:
        qs = qs.filter(regulator_unit_id=scope.unit)
    if scope.bank is not None:
        qs = qs.filter(Exists(Application.objects.filter(enterprise_id=OuterRef("uscc"), bank_id=scope.bank,
                                                         submitted_at__lt=period.end)))
    qs = qs.filter(distinction_held(day))
    r = qs.aggregate(with_profile=Count("uscc"), quality_credit=Count("uscc", filter=quality_credit_holds(day)))
    return {"with_profile": r["with_profile"] or 0, "quality_credit": r["quality_credit"] or 0,
            "quality_credit_share": share(r["quality_credit"] or 0, r["with_profile"] or 0)}


# --- the public functions ------------------------------------------------------------------------

def dashboard(scope: Scope, period: Period, *, refresh: bool = False) -> dict:
    """Every figure for one scope and period (see the module docstring for definitions and units).
    A closed period's figures are kept once computed (figures_store: one or two queries while
    valid); computing them takes a constant number of queries (47) whatever the data."""
    return figures_store.stored("dashboard", scope, period, lambda: compute_dashboard(scope, period), refresh=refresh)


def compute_dashboard(scope: Scope, period: Period) -> dict:
    rates = lpr_rates()
    flows_all = _flows(scope, period, None, rates).get("all", defaultdict(lambda: ZERO))
    head = _flow_row("all", "", flows_all)
    counts = _additive("counts", scope, period, _counts)
    contracted = {"n": counts["contracted"], "s": counts["contracted_amount"]}
    stages = _stage_medians(scope, period).get("all", dict.fromkeys(
        ("submit_to_accept", "accept_to_decision", "decision_to_disbursement")))
    verification = _verification(scope, period).get("all") or {
        "asked": 0, "answered": 0, "overdue": 0, "median_days": None, "overdue_share": None}
    loans = _loan_figures(_loans_at_end(scope, period).get("all"))
    first_disbursed, withdrawn = counts["first_disbursed"], counts["withdrawn"]
    complaints_n = {"returns": counts["returns"], "rejections": counts["rejections"]}
    return {
        "scope": _scope_info(scope),
        "period": {"from": period.date_from, "to": period.date_to},
        "enterprises": _enterprises(scope, period),
        "applications": {
            "submitted": head["submitted"], "accepted": head["accepted"], "returned": complaints_n["returns"],
            "decided": head["decided"], "approved": head["approved"], "rejected": head["rejected"],
            "withdrawn": withdrawn, "contracted": contracted["n"] or 0, "first_disbursed": first_disbursed,
            "by_status": _status_at_end(scope, period),
        },
        "amounts": {"requested": head["requested"], "approved": head["approved_amount"],
                    "contracted": _money(contracted["s"]), "disbursed": head["disbursed"],
                    "outstanding": loans["outstanding"]},
        "approval_rate": head["approval_rate"],
        "stage_days": stages,
        "verification": verification,
        "rates": {"average_rate": head["average_rate"], "spread_bp": head["spread_bp"],
                  "lpr_at_end": lpr_on(period.date_to, rates)},
        "credit_loans": {"approved": head["approved"], "credit": int(flows_all["credit"]),
                         "share": head["credit_share"]},
        "loans": loans,
        "open_alerts": _open_alerts(scope, period).get("all", 0),
        "fund_use": _fund_use(scope, period),
        "by_bank": breakdown(scope, period, "bank", rates),
        "by_product": breakdown(scope, period, "product", rates),
        "by_purpose": breakdown(scope, period, "purpose", rates),
        "by_category": breakdown(scope, period, "category", rates),
        "by_industry": breakdown(scope, period, "industry", rates),
        "by_month": breakdown(scope, period, "month", rates),
    }


def _scope_info(scope: Scope) -> dict:
    unit = RegulatorUnit.objects.filter(pk=scope.unit).values("pk", "code", "name").first() if scope.unit else None
    bank = Bank.objects.filter(pk=scope.bank).values("pk", "name").first() if scope.bank else None
    return {"unit": unit["pk"] if unit else None, "unit_code": unit["code"] if unit else None,
            "unit_name": unit["name"] if unit else None,
            "bank": bank["pk"] if bank else None, "bank_name": bank["name"] if bank else None}


def _grouped_rows(scope: Scope, period: Period, dimension: str, rates: list) -> dict:
    """Every headline figure per value of `dimension` (bank or unit): a constant number of queries."""
    flows = _flows(scope, period, dimension, rates)
    stages = _stage_medians(scope, period, dimension)
    verification = _verification(scope, period, dimension)
    loans = _loans_at_end(scope, period, dimension)
    alerts = _open_alerts(scope, period, dimension)
    complaints_n = _kept_plus_live(f"complaints:{dimension}", scope, period,
                                   lambda sc, p: _complaint_counts(sc, p, dimension))
    accepted = _accepted_of_received(scope, period, dimension)
    contracted = _kept_plus_live(f"contracted:{dimension}", scope, period, lambda sc, p: {
        r["g"]: {"n": r["n"], "s": r["s"]} for r in _scoped(Application.objects.order_by(), sc).filter(
            contract__signed_on__gte=p.date_from, contract__signed_on__lte=p.date_to)
        .annotate(g=_dim(dimension)).values("g").annotate(n=Count("id"), s=Sum("contract__amount"))})
    keys = set(flows) | set(stages) | set(verification) | set(loans) | set(alerts) | set(complaints_n)
    keys.discard(None)
    out = {}
    for k in keys:
        f = _flow_row(k, "", flows.get(k, defaultdict(lambda: ZERO)))
        v = verification.get(k) or {"asked": 0, "answered": 0, "overdue": 0, "median_days": None,
                                    "overdue_share": None}
        c = complaints_n.get(k, {"returns": 0, "rejections": 0})
        ln = _loan_figures(loans.get(k))
        out[k] = {
            **f,
            "received": f["submitted"],
            "accepted_of_received": accepted.get(k, 0),
            "acceptance_rate": share(accepted.get(k, 0), f["submitted"]),
            "contracted": (contracted.get(k) or {}).get("n") or 0,
            "contracted_amount": _money((contracted.get(k) or {}).get("s")),
            "stage_days": stages.get(k, dict.fromkeys(("submit_to_accept", "accept_to_decision",
                                                       "decision_to_disbursement"))),
            "verification": v,
            "loans": ln, "outstanding": ln["outstanding"],
            "open_alerts": alerts.get(k, 0),
            "returns": c["returns"], "rejections": c["rejections"],
        }
    return out


def by_unit(period: Period, bank: int | None = None, *, refresh: bool = False) -> list[dict]:
    """The city's regulator units side by side (district bureaus and special areas, every unit
    with enterprises, in code order), each with the headline figures of `_grouped_rows`."""
    return figures_store.stored("by_unit", Scope(bank=bank), period, lambda: _by_unit(period, bank), refresh=refresh)


def _by_unit(period: Period, bank: int | None) -> list[dict]:
    rates = lpr_rates()
    rows = _grouped_rows(Scope(bank=bank), period, "unit", rates)
    units = RegulatorUnit.objects.exclude(kind="municipal").order_by("code").values_list("pk", "code", "name")
    out = []
    for pk, code, name in units:
        row = rows.get(pk) or _grouped_empty()
        out.append({**row, "key": pk, "code": code, "label": name})
    return out


def _grouped_empty() -> dict:
    f = _flow_row(None, "", defaultdict(lambda: ZERO))
    return {**f, "received": 0, "accepted_of_received": 0, "acceptance_rate": None, "contracted": 0,
            "contracted_amount": _money(None),
            "stage_days": dict.fromkeys(("submit_to_accept", "accept_to_decision", "decision_to_disbursement")),
            "verification": {"asked": 0, "answered": 0, "overdue": 0, "median_days": None, "overdue_share": None},
            "loans": _loan_figures(None), "outstanding": _money(None), "open_alerts": 0, "returns": 0,
            "rejections": 0}


def bank_evaluation(period: Period, unit: int | None = None, bank: int | None = None, *,
                    refresh: bool = False) -> list[dict]:
    """See _bank_evaluation; a closed period's rows are kept (figures_store)."""
    return figures_store.stored("banks", Scope(unit=unit, bank=bank), period,
                                lambda: _bank_evaluation(period, unit, bank), refresh=refresh)


def _bank_evaluation(period: Period, unit: int | None = None, bank: int | None = None) -> list[dict]:
    """One row per partner bank (every bank that is or was admitted, by name), the figures of
    notice §五(四): received, acceptance and approval rates, median days per stage, verification
    requests sent and answered, amounts, rate spread, credit-loan share, overdue and NPL shares,
    complaints (returns and rejections). `bank` limits the rows to one bank (a bank's own view)."""
    rates = lpr_rates()
    rows = _grouped_rows(Scope(unit=unit, bank=bank), period, "bank", rates)
    banks = Bank.objects.order_by("name").values_list("pk", "name")
    if bank is not None:
        banks = banks.filter(pk=bank)
    return [{**(rows.get(pk) or _grouped_empty()), "key": pk, "label": name} for pk, name in banks]


AVERAGED = ("acceptance_rate", "approval_rate", "spread_bp", "credit_share", "average_rate")


def city_average(period: Period, rows: list[dict] | None = None) -> dict:
    """What a bank sees itself against: the city-wide figures (all banks together, so a bank's
    share of the programme weighs in) and the plain mean over banks that received anything."""
    rows = rows if rows is not None else bank_evaluation(period)
    active = [r for r in rows if r["received"] or r["decided"] or r["loans"]["loans"]]

    def mean(values):
        values = [v for v in values if v is not None]
        return (sum(values, ZERO) / len(values)).quantize(TENTH) if values else None

    n = len(active) or 1
    return {
        "banks": len(active),
        "received": (Decimal(sum(r["received"] for r in active)) / n).quantize(TENTH),
        "acceptance_rate": mean(r["acceptance_rate"] for r in active),
        "approval_rate": mean(r["approval_rate"] for r in active),
        "average_rate": mean(r["average_rate"] for r in active),
        "spread_bp": mean(r["spread_bp"] for r in active),
        "credit_share": mean(r["credit_share"] for r in active),
        "stage_days": {k: mean(r["stage_days"][k] for r in active)
                       for k in ("submit_to_accept", "accept_to_decision", "decision_to_disbursement")},
        "verification": {"asked": (Decimal(sum(r["verification"]["asked"] for r in active)) / n).quantize(TENTH),
                         "answered": (Decimal(sum(r["verification"]["answered"] for r in active)) / n).quantize(TENTH),
                         "median_days": mean(r["verification"]["median_days"] for r in active)},
        "requested": _money(sum((r["requested"] for r in active), ZERO) / n),
        "approved_amount": _money(sum((r["approved_amount"] for r in active), ZERO) / n),
        "disbursed": _money(sum((r["disbursed"] for r in active), ZERO) / n),
        "outstanding": _money(sum((r["outstanding"] for r in active), ZERO) / n),
        "overdue_share": mean(r["loans"]["overdue_share"] for r in active),
        "npl_share": mean(r["loans"]["npl_share"] for r in active),
        "npl_balance_share": mean(r["loans"]["npl_balance_share"] for r in active),
        "returns": (Decimal(sum(r["returns"] for r in active)) / n).quantize(TENTH),
        "rejections": (Decimal(sum(r["rejections"] for r in active)) / n).quantize(TENTH),
    }


def policy_effect(scope: Scope, period: Period, *, refresh: bool = False) -> list[dict]:
    """See _policy_effect; a closed period's rows are kept (figures_store)."""
    return figures_store.stored("policy", scope, period, lambda: _policy_effect(scope, period), refresh=refresh)


def _policy_effect(scope: Scope, period: Period) -> list[dict]:
    """Per element type claimed on applications decided in the period: how many claimed it,
    their approval rate and average rate spread, against the decided applications that did not
    claim it. Three queries."""
    rates = lpr_rates()
    lpr = _lpr_case("application__decided_at", rates)
    approved = ~Q(application__status=Status.REJECTED)
    spread_ok = approved & Q(application__annual_rate__isnull=False) & Q(lpr__isnull=False)
    claims = (Claim.objects.order_by().filter(application__in=_scoped(Application.objects.order_by(), scope)
                                              .filter(_in("decided_at", period)).values("pk"))
              .annotate(lpr=lpr).values("element_type_id")
              .annotate(decided=Count("application_id", distinct=True),
                        approved=Count("application_id", filter=approved, distinct=True),
                        spread_sum=Sum(ExpressionWrapper(F("application__annual_rate") - F("lpr"), output_field=RATE),
                                       filter=spread_ok),
                        spread_n=Count("id", filter=spread_ok)))
    by_type = {r["element_type_id"]: r for r in claims}
    total = _flows(scope, period, None, rates).get("all", defaultdict(lambda: ZERO))
    types = ElementType.objects.filter(pk__in=list(by_type)).select_related("category").order_by(
        "category__order", "order", "pk")
    out = []
    for t in types:
        r = by_type[t.pk]
        wo_decided = int(total["decided"]) - r["decided"]
        wo_approved = int(total["approved"]) - r["approved"]
        wo_spread_n = int(total["spread_n"]) - r["spread_n"]
        wo_spread_sum = (total["spread_sum"] or ZERO) - (r["spread_sum"] or ZERO)
        out.append({
            "element_type": t.pk, "code": t.code, "label": t.name, "category": t.category_id,
            "category_label": t.category.name,
            "with": {"decided": r["decided"], "approved": r["approved"], "approval_rate": share(r["approved"], r["decided"]),
                     "spread_bp": (r["spread_sum"] * 100 / r["spread_n"]).quantize(TENTH) if r["spread_n"] else None},
            "without": {"decided": wo_decided, "approved": wo_approved, "approval_rate": share(wo_approved, wo_decided),
                        "spread_bp": (wo_spread_sum * 100 / wo_spread_n).quantize(TENTH) if wo_spread_n else None},
        })
    for row in out:
        a, b = row["with"]["approval_rate"], row["without"]["approval_rate"]
        row["approval_rate_difference"] = (a - b) if a is not None and b is not None else None
        a, b = row["with"]["spread_bp"], row["without"]["spread_bp"]
        row["spread_difference_bp"] = (a - b) if a is not None and b is not None else None
    return out


def complaints(scope: Scope, period: Period, limit: int = 200) -> list[dict]:
    """Returns and rejections in the period with the reason given (newest first): one query."""
    qs = (_scoped(HistoryEntry.objects.order_by(), scope, "application__")
          .filter(_in("at", period), action__in=[Action.RETURN, Action.REJECT])
          .select_related("application__bank", "application__enterprise").order_by("-at", "-id")[:limit])
    out = []
    for h in qs:
        app = h.application
        reason = h.note or (app.return_note if h.action == Action.RETURN else app.decision_reason)
        out.append({"application": app.pk, "number": app.number, "at": h.at, "kind": h.action,
                    "bank": app.bank_id, "bank_name": app.bank.name, "enterprise_name": app.enterprise.name,
                    "reason": reason})
    return out


# Keep names importable for the pages, the API and the reports.
__all__ = ["Scope", "Period", "DIMENSIONS", "dashboard", "breakdown", "by_unit", "bank_evaluation", "city_average",
           "policy_effect", "complaints", "share", "lpr_on", "lpr_rates"]
