"""Reads of loans, their schedules, repayments, fund-use reports and risk alerts.
`<entities>_visible_to(user)` are the only doors (forbidden answers like missing: 404)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.choices import Purpose
from identity.choices import BANK_ROLES, Role
from identity.scoping import CLOSED, scoped
from identity.selectors import role_of

from .choices import NON_PERFORMING, Audience, FundUseStatus
from .models import FundUseReport, Instalment, Loan, LoanHistory, Repayment, RiskAlert
from .schedules import CENT
from .workflow import OPEN, SERVICING

QUALITY_PURPOSES = (Purpose.QUALITY, Purpose.TECHNICAL, Purpose.EQUIPMENT)


def loans_visible_to(user) -> QuerySet[Loan]:
    """The enterprise its own; bank staff their bank's; a district regulator the loans of its
    unit's enterprises; the municipal bureau and platform admins all."""
    return scoped(Loan.objects.select_related("contract", "application", "product", "enterprise__district", "bank"),
                  user)


def loan_list(user) -> QuerySet[Loan]:
    """For the loan book and the API list: with the number of open alerts, counted per row
    shown (a correlated subquery), not by grouping every visible loan before the page is taken."""
    open_alerts = (RiskAlert.objects.filter(loan=OuterRef("pk"), audience=Audience.BANK, acknowledged_at__isnull=True)
                   .order_by().values("loan").annotate(n=Count("pk")).values("n"))
    return loans_visible_to(user).annotate(
        open_alerts=Coalesce(Subquery(open_alerts, output_field=IntegerField()), 0)
    ).order_by("-created_at", "-id")


def loan_book_figures(qs: QuerySet[Loan]) -> dict:
    """Totals for the loan book and the district page: one aggregate query."""
    a = qs.aggregate(
        n_all=Count("pk"), n_open=Count("pk", filter=Q(status__in=OPEN)),
        s_outstanding=Sum("outstanding", filter=Q(status__in=OPEN)),
        n_overdue=Count("pk", filter=Q(status__in=OPEN, days_past_due__gt=0)),
        s_overdue=Sum("outstanding", filter=Q(status__in=OPEN, days_past_due__gt=0)),
        s_npl=Sum("outstanding", filter=Q(status__in=OPEN, classification__in=NON_PERFORMING)),
    )
    total = a["s_outstanding"] or Decimal(0)
    f = {"count": a["n_all"], "open": a["n_open"], "outstanding": total, "overdue": a["n_overdue"],
         "overdue_amount": a["s_overdue"] or Decimal(0), "npl": a["s_npl"] or Decimal(0)}
    f["npl_share"] = (f["npl"] / total * 100).quantize(Decimal("0.1")) if total else None
    return f


def schedule_of(loan) -> QuerySet[Instalment]:
    return loan.instalments.order_by("number")


def repayments_of(loan) -> QuerySet[Repayment]:
    return loan.repayments.select_related("recorded_by").order_by("date", "id")


def history_of(loan) -> QuerySet[LoanHistory]:
    return loan.history.order_by("at", "id")


@dataclass
class ScheduleRow:
    instalment: Instalment
    paid_to_date: Decimal  # what the repayments cover of this instalment
    state: str  # "paid", "partly", "due", "overdue", "future"


def schedule_against_actual(loan, today: date | None = None) -> list[ScheduleRow]:
    """Each planned instalment with how much of it the repayments (principal + interest,
    cumulated in order) cover."""
    today = today or timezone.localdate()
    paid = loan.repaid_principal + loan.repaid_interest
    rows, before = [], Decimal(0)
    for i in schedule_of(loan):
        covered = min(max(paid - before, Decimal(0)), i.total)
        before += i.total
        if covered >= i.total:
            state = "paid"
        elif i.due_on < today:
            state = "overdue"
        elif covered > 0:
            state = "partly"
        else:
            state = "future"
        rows.append(ScheduleRow(instalment=i, paid_to_date=covered, state=state))
    return rows


def due_positions(*, loan_ids=None, statuses=SERVICING) -> dict[int, tuple[date, Decimal]]:
    """For each loan (of `statuses`, or the ids given): the first instalment the repayments do
    not cover (principal + interest, cumulated in schedule order), as (due date, amount still
    owed up to and including it). A loan absent from the answer owes nothing scheduled. One
    query, on PostgreSQL and SQLite alike."""
    i_table, l_table = Instalment._meta.db_table, Loan._meta.db_table
    params: list = []
    if loan_ids is not None:
        ids = [int(x) for x in loan_ids]
        if not ids:
            return {}
        where = f"l.id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    else:
        where = f"l.status IN ({', '.join(['%s'] * len(statuses))})"
        params += [str(s) for s in statuses]
    # Half a cent of tolerance: SQLite sums decimals as floating point.
    sql = f"""
        WITH c AS (
            SELECT i.loan_id, i.number, i.due_on,
                   SUM(i.principal + i.interest) OVER (PARTITION BY i.loan_id ORDER BY i.number) AS cum,
                   l.repaid_principal + l.repaid_interest AS paid
            FROM {i_table} i JOIN {l_table} l ON l.id = i.loan_id WHERE {where}),
        u AS (SELECT loan_id, number, due_on, cum - paid AS owed FROM c WHERE cum - paid > 0.005),
        f AS (SELECT loan_id, MIN(number) AS number FROM u GROUP BY loan_id)
        SELECT u.loan_id, u.due_on, u.owed FROM u JOIN f ON f.loan_id = u.loan_id AND f.number = u.number"""
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    out = {}
    for loan_id, due_on, owed in rows:
        if isinstance(due_on, str):
            due_on = date.fromisoformat(due_on[:10])
        out[loan_id] = (due_on, Decimal(str(owed)).quantize(CENT))
    return out


def due_position_of(rows, *, paid) -> tuple[date, Decimal] | None:
    """`due_positions`' rule for one schedule held in memory (schedules.Instalment rows, in
    order) and what has been paid (principal + interest): the first instalment the payments do
    not cover, as (due date, amount still owed up to and including it); None when they cover
    it all. For a loan being opened, before its schedule is saved."""
    cumulated = Decimal(0)
    for row in rows:
        cumulated += row.principal + row.interest
        if cumulated - paid > Decimal("0.005"):
            return row.due_on, (cumulated - paid).quantize(CENT)
    return None


# --- fund use ------------------------------------------------------------------------------

def fund_use_reports_visible_to(user) -> QuerySet[FundUseReport]:
    """Whoever sees the loan sees its reports (the figures); files: `fund_use_files_visible_to`."""
    return FundUseReport.objects.filter(loan__in=loans_visible_to(user).values("pk")).select_related(
        "loan__contract", "loan__enterprise", "reported_by", "reviewed_by")


def fund_use_files_visible_to(user) -> QuerySet[FundUseReport]:
    """Supporting files: the enterprise and the bank holding the loan only."""
    role = role_of(user)
    if role == Role.ENTERPRISE or role in BANK_ROLES:
        return fund_use_reports_visible_to(user)
    return FundUseReport.objects.none()


@dataclass
class FundUseFigures:
    disbursed: Decimal
    reported: Decimal
    by_purpose: list  # (label, amount)
    quality: Decimal  # the three quality purposes of notice §四(四)
    quality_share: Decimal | None  # percent of what was reported
    unreported: Decimal


def fund_use_figures(loan) -> FundUseFigures:
    sums = dict(loan.fund_use.order_by().values("purpose").annotate(total=Sum("amount")).values_list("purpose", "total"))
    reported = sum(sums.values(), Decimal(0))
    quality = sum((sums.get(p, Decimal(0)) for p in QUALITY_PURPOSES), Decimal(0))
    share = (quality / reported * 100).quantize(Decimal("0.1")) if reported else None
    return FundUseFigures(disbursed=loan.disbursed, reported=reported,
                          by_purpose=[(p.label, sums.get(p.value, Decimal(0))) for p in Purpose],
                          quality=quality, quality_share=share, unreported=loan.disbursed - reported)


def fund_use_waiting_for_bank(user) -> QuerySet[FundUseReport]:
    return fund_use_reports_visible_to(user).filter(status__in=[FundUseStatus.SUBMITTED, FundUseStatus.ANSWERED])


# --- risk alerts ---------------------------------------------------------------------------

def risk_alerts_visible_to(user) -> QuerySet[RiskAlert]:
    """Bank staff: their bank's alerts. A district regulator: every alert about its unit's
    enterprises (its own and the banks', read-only). Municipal bureau and admins: all.
    Enterprises: none (the bank's risk assessment is the bank's)."""
    qs = RiskAlert.objects.select_related("event__element_type", "event__batch", "event__user", "enterprise",
                                          "loan__contract", "application", "bank", "acknowledged_by")
    qs = scoped(qs, user, enterprise=CLOSED, unit="enterprise__regulator_unit")
    return qs.filter(audience=Audience.BANK) if role_of(user) in BANK_ROLES else qs


def alert_acknowledgeable_by(alert, user) -> bool:
    return (alert.is_open and user.is_authenticated and user.role in (Role.BANK_OFFICER, Role.BANK_APPROVER)
            and user.bank_id == alert.bank_id)


# --- dated positions (the regulators' figures and their drill-down lists) ----------------------

def loans_position_at(qs: QuerySet[Loan], day: date) -> QuerySet[Loan]:
    """Annotate each loan with its position at the end of `day`, from dated records only:
    `balance_at` (disbursed up to the day minus principal repaid up to it), `status_at` (its last
    status step before the next day began) and `classification_at` (the last classification
    recorded as of a day on or before it, 正常 when none). Loans whose contract was not yet
    signed are left out."""
    from datetime import datetime, time, timedelta

    from django.db.models import DecimalField, Value

    from applications.models import Disbursement

    from .choices import Classification, LoanAction

    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    money = DecimalField(max_digits=20, decimal_places=2)
    drawn = (Disbursement.objects.filter(contract_id=OuterRef("contract_id"), date__lte=day).order_by()
             .values("contract_id").annotate(s=Sum("amount")).values("s"))
    repaid = (Repayment.objects.filter(loan_id=OuterRef("pk"), date__lte=day).order_by()
              .values("loan_id").annotate(s=Sum("principal")).values("s"))
    status = (LoanHistory.objects.filter(loan_id=OuterRef("pk"), at__lt=end).exclude(action=LoanAction.CLASSIFY)
              .order_by("-at", "-id").values("to_status")[:1])
    # By the day it is as of, even when the bank reported it later (as repayments count by their date).
    classified = (LoanHistory.objects.filter(loan_id=OuterRef("pk"), action=LoanAction.CLASSIFY,
                                             effective_on__lte=day)
                  .order_by("-effective_on", "-at", "-id").values("classification")[:1])
    zero = Value(Decimal(0), output_field=money)
    return qs.filter(contract__signed_on__lte=day).annotate(
        balance_at=Coalesce(Subquery(drawn, output_field=money), zero)
        - Coalesce(Subquery(repaid, output_field=money), zero),
        # A contract recorded after its signing day opens the loan with a later history row: until
        # its first step the loan stands as opened (repaying).
        status_at=Coalesce(Subquery(status), Value("repaying")),
        classification_at=Coalesce(Subquery(classified), Value(Classification.NORMAL)))


# A loan still carries a balance the bank services in these statuses (as of a day).
HELD = ("repaying", "overdue", "extended", "defaulted")
LATE = ("overdue", "defaulted")


def loans_held_at(qs: QuerySet[Loan], day: date) -> QuerySet[Loan]:
    """Loans with a positive balance in a servicing status at the end of `day`."""
    return loans_position_at(qs, day).filter(balance_at__gt=0, status_at__in=HELD)
