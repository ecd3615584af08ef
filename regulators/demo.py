"""Demo world, regulators part (runs last): a year of history so that every dashboard chart shows
something real — applications created over the last twelve months across the partner banks and
the districts (applications.grow, with every workflow step dated), rates and guarantees that
vary, the loans of their contracts with dated repayments, overdue spells, classifications and
fund-use reports, and answered verification requests.

Enterprises of the registry that hold a distinction, a few per regulator unit, get an enterprise
account that cannot sign in (as grow_demo does for bank staff) so that grow spreads applications
over them. Idempotent: marked by the applications' purpose description (HISTORY)."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from applications import grow
from applications.models import Application, Claim, Contract, VerificationRequest
from elements.models import Distinction
from identity.choices import Role
from identity.models import Enterprise, User
from loans import services as loan_services
from loans.choices import Classification, LoanAction, LoanStatus
from loans.models import FundUseReport, Loan, LoanHistory, Repayment

HISTORY = "演示历史数据（近一年）"
APPLICATIONS = 360  # settings.DEMO_HISTORY_APPLICATIONS overrides (the test settings keep it small)
PER_UNIT = 3
RATES = [Decimal(x) for x in ("3.150", "3.300", "3.450", "3.600", "3.850", "4.100")]
GUARANTEES = ["credit", "credit", "surety", "mortgage", "pledge"]
PURPOSES = ["quality", "technical", "equipment", "other"]


def _say(stdout, text):
    if stdout:
        stdout.write(text)


def _accounts():
    """Non-login enterprise accounts for a few enterprises per unit that hold a distinction."""
    held = Distinction.objects.filter(enterprise_id=OuterRef("uscc"))
    has_user = User.objects.filter(enterprise_id=OuterRef("uscc"))
    picked, per_unit = [], {}
    for uscc, unit in (Enterprise.objects.filter(Exists(held), regulator_unit__isnull=False).exclude(Exists(has_user))
                       .order_by("uscc").values_list("uscc", "regulator_unit_id")):
        if per_unit.get(unit, 0) < PER_UNIT:
            per_unit[unit] = per_unit.get(unit, 0) + 1
            picked.append(uscc)
    users = []
    for uscc in picked:
        u = User(username=f"hist-{uscc}", role=Role.ENTERPRISE, enterprise_id=uscc, is_active=False)
        u.set_unusable_password()
        users.append(u)
    User.objects.bulk_create(users)
    return len(users)


def history_seed(stdout=None):
    if Application.objects.filter(purpose_description=HISTORY).exists():
        _say(stdout, "regulators: a year of history already there")
        return {}
    if not User.objects.filter(username="demo-officer").exists():
        _say(stdout, "regulators: demo users missing, skipped")
        return {}
    accounts = _accounts()
    before = Application.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    grow.grow(applications=getattr(settings, "DEMO_HISTORY_APPLICATIONS", APPLICATIONS), seed=2026,
              horizon_days=365)
    new = Application.objects.filter(pk__gt=before)
    _evidence_files(new)
    rng = random.Random(2026)
    apps = list(new.only("pk", "annual_rate", "guarantee_type", "purpose"))
    for a in apps:
        a.purpose_description = HISTORY
        a.purpose = rng.choice(PURPOSES)
        if a.annual_rate is not None:
            a.annual_rate = rng.choice(RATES)
            a.guarantee_type = rng.choice(GUARANTEES)
    Application.objects.bulk_update(apps, ["purpose_description", "purpose", "annual_rate", "guarantee_type"])
    rates = {a.pk: a.annual_rate for a in apps if a.annual_rate is not None}
    contracts = list(Contract.objects.filter(application__in=new))
    for c in contracts:
        c.annual_rate = rates.get(c.application_id, c.annual_rate)
    Contract.objects.bulk_update(contracts, ["annual_rate"])
    loan_services.loans_reconcile()
    loans = _loan_history(new, rng)
    asked = _verification(new, rng)
    _say(stdout, f"regulators: a year of history: {len(apps)} applications ({accounts} enterprise accounts that "
                 f"cannot sign in), {loans} loans with repayments and fund use, {asked} verification requests")
    return {"applications": len(apps), "loans": loans, "verification_requests": asked}


def _evidence_files(new) -> int:
    """grow writes evidence rows as metadata only; the demo world's rows get a stored file (the
    demo certificate) so that every evidence row opens, and backups and restores check out."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from applications.demo import DEMO_PDF
    from applications.models import Evidence

    digest = hashlib.sha256(DEMO_PDF).hexdigest()
    rows = list(Evidence.objects.filter(application__in=new).only("pk", "file"))
    for ev in rows:
        ev.file.name = default_storage.save(ev.file.name, ContentFile(DEMO_PDF))
        ev.sha256, ev.size = digest, len(DEMO_PDF)
    Evidence.objects.bulk_update(rows, ["file", "sha256", "size"])
    return len(rows)


def _loan_history(new, rng) -> int:
    """Date each new loan's history (opened at its contract), add a repayment a month and a half
    after the first drawing, an overdue spell for one in six (cured for half of them), a
    classification for one in eight, and one or two fund-use reports."""
    today = timezone.localdate()
    loans = list(Loan.objects.filter(application__in=new).select_related("contract", "application"))
    repayments, history, reports = [], [], []
    for ln in loans:
        c = ln.contract
        # Demo data only: the loan was opened "now" by the receiver; date it at its contract. The
        # history is append-only, so this says so explicitly through the base manager.
        LoanHistory._base_manager.filter(loan=ln).update(at=c.recorded_at)
        first = ln.first_disbursed_on
        if first is None:
            continue
        paid_on = first + timedelta(days=45)
        if paid_on < today:
            principal = (ln.disbursed * Decimal(rng.choice(["0.1", "0.2", "0.3"]))).quantize(Decimal("0.01"))
            repayments.append(Repayment(loan=ln, bank_id=ln.bank_id, date=paid_on, principal=principal,
                                        interest=(ln.disbursed * Decimal("0.003")).quantize(Decimal("0.01")),
                                        reference=f"HIST-{ln.pk}", source="demo"))
            ln.repaid_principal = principal
            ln.outstanding = ln.disbursed - principal
        start = timezone.make_aware(datetime.combine(first, time(10)))
        if ln.pk % 6 == 0 and first + timedelta(days=75) < today:
            history.append(LoanHistory(loan=ln, action=LoanAction.OVERDUE, from_status=LoanStatus.REPAYING,
                                       to_status=LoanStatus.OVERDUE, at=start + timedelta(days=75),
                                       note="演示：逾期"))
            ln.status = LoanStatus.OVERDUE
            if ln.pk % 12 == 0 and first + timedelta(days=105) < today:
                history.append(LoanHistory(loan=ln, action=LoanAction.CURE, from_status=LoanStatus.OVERDUE,
                                           to_status=LoanStatus.REPAYING, at=start + timedelta(days=105)))
                ln.status = LoanStatus.REPAYING
        if ln.pk % 8 == 0 and first + timedelta(days=95) < today:
            cls = Classification.SUBSTANDARD if ln.pk % 16 == 0 else Classification.SPECIAL_MENTION
            history.append(LoanHistory(loan=ln, action=LoanAction.CLASSIFY, from_status=ln.status,
                                       to_status=ln.status, at=start + timedelta(days=96), classification=cls,
                                       effective_on=first + timedelta(days=95), note="演示：五级分类"))
            ln.classification, ln.classified_on = cls, first + timedelta(days=95)
        for k in range(1 + ln.pk % 2):
            spent = first + timedelta(days=20 + 25 * k)
            if spent < today:
                reports.append(FundUseReport(
                    loan=ln, purpose=rng.choice(PURPOSES), date=spent, description="演示：资金用途",
                    amount=(ln.disbursed * Decimal(rng.choice(["0.3", "0.4", "0.5"]))).quantize(Decimal("0.01")),
                    reported_by_id=ln.application.created_by_id, status="accepted"))
    Repayment.objects.bulk_create(repayments)
    LoanHistory.objects.bulk_create(history)
    FundUseReport.objects.bulk_create(reports)
    Loan.objects.bulk_update(loans, ["repaid_principal", "outstanding", "status", "classification", "classified_on"])
    return len(loans)


def _verification(new, rng) -> int:
    """One in five accepted applications asked its district a question the day after acceptance,
    answered two to twelve days later (due in seven: some late)."""
    now = timezone.now()
    officers = dict(User.objects.filter(role=Role.BANK_OFFICER).order_by("-pk").values_list("bank_id", "pk"))
    rows = []
    for a in new.filter(accepted_at__isnull=False).select_related("enterprise").order_by("pk"):
        if a.pk % 5 or a.enterprise.regulator_unit_id is None:
            continue
        claim = Claim.objects.filter(application=a).first()
        asked = a.accepted_at + timedelta(days=1)
        answered = asked + timedelta(days=rng.randint(2, 12))
        if claim is None or answered > now or a.bank_id not in officers:
            continue
        rows.append(VerificationRequest(
            application=a, claim=claim, element_type_id=claim.element_type_id, enterprise_id=a.enterprise_id,
            regulator_unit_id=a.enterprise.regulator_unit_id, question="演示：请核实该项质量要素。",
            asked_by_id=officers[a.bank_id], asked_at=asked, due_on=(asked + timedelta(days=7)).date(),
            status="confirmed", answer_note="演示：已核实。", answered_at=answered))
    VerificationRequest.objects.bulk_create(rows)
    return len(rows)



def seed(stdout=None) -> dict:
    """The year of history, then each part of the workspace seeds its own over it: the recommended
    list, typical cases, and the reports' demo (regulators/reports/demo.py: the last closed month's
    city-wide report archived and published as 情况通报)."""
    from .cases.demo import seed as seed_cases
    from .recommendations.demo import seed as seed_recommendations
    from .reports import demo as reports_demo

    history = history_seed(stdout=stdout) or {}
    seed_recommendations(stdout)
    seed_cases(stdout)
    return {"history": history, "reports": reports_demo.seed(stdout=stdout)}
