"""A hand-computed world for the dashboard figures: the third quarter of 2026 (Asia/Shanghai),
seven applications with exact stage times, two loans, repayments, classifications, verification
requests, risk alerts and fund-use reports, and two LPR rates. Rows are written directly (the
services stamp "now"; the figures must be checked against dated history). The expected figures
are worked out by hand in EXPECTED (test_dashboard_metrics.py says how)."""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from applications.choices import Action, Status
from applications.models import Application, Claim, Contract, Disbursement, HistoryEntry, VerificationRequest
from banks.models import LoanPrimeRate
from elements.choices import ListingKind
from elements.models import ChangeEvent, Distinction, ElementType, Listing
from loans.choices import Audience, Classification, LoanAction, LoanStatus
from loans.models import FundUseReport, Loan, LoanHistory, Repayment, RiskAlert

HELD = "management.chief_quality_officer"
BRAND = "brand.time_honored"
Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def at(month, day, hour=10, year=2026):
    return timezone.make_aware(datetime(year, month, day, hour, 0))


def build(world, product, product_2):
    LoanPrimeRate.objects.all().delete()
    LoanPrimeRate.objects.create(effective_on=date(2026, 6, 20), one_year=Decimal("3.00"))
    LoanPrimeRate.objects.create(effective_on=date(2026, 8, 20), one_year=Decimal("2.90"))
    held, brand = ElementType.objects.get(code=HELD), ElementType.objects.get(code=BRAND)
    n = iter(range(1, 100))

    def app(ent, bank, prod, amount, purpose, steps, *, decided=None, claims=()):
        """steps: [(action, at, note)] in order; decided: (credit line, rate, guarantee)."""
        user = world.enterprise if ent == world.ent else world.enterprise_2
        a = Application.objects.create(enterprise=ent, bank=bank, product=prod, amount=Decimal(amount), term_months=12,
                                       purpose=purpose, need_statement="测试", created_by=user,
                                       created_at=at(1, 2))
        status, fields = Status.DRAFT, {}
        stamps = {Action.SUBMIT: "submitted_at", Action.ACCEPT: "accepted_at", Action.RETURN: "returned_at",
                  Action.PROPOSE: "proposed_at", Action.APPROVE: "decided_at", Action.REJECT: "decided_at",
                  Action.CONTRACT: "contracted_at", Action.DISBURSE: "disbursed_at", Action.WITHDRAW: "withdrawn_at"}
        target = {Action.SUBMIT: Status.SUBMITTED, Action.ACCEPT: Status.UNDER_REVIEW, Action.RETURN: Status.RETURNED,
                  Action.PROPOSE: Status.PROPOSED, Action.APPROVE: Status.APPROVED, Action.REJECT: Status.REJECTED,
                  Action.CONTRACT: Status.CONTRACTED, Action.DISBURSE: Status.DISBURSED,
                  Action.WITHDRAW: Status.WITHDRAWN}
        for action, when, note in steps:
            HistoryEntry.objects.create(application=a, action=action, from_status=status, to_status=target[action],
                                        note=note, at=when)
            status = target[action]
            fields.setdefault(stamps[action], when)
        if decided:
            line, rate, guarantee = decided
            fields.update(credit_line=Decimal(line), annual_rate=Decimal(rate), guarantee_type=guarantee)
        Application.objects.filter(pk=a.pk).update(status=status, status_changed_at=steps[-1][1] if steps else a.created_at,
                                                   **fields)
        for t in claims:
            Claim.objects.create(application=a, element_type=t, origin="added")
        a.refresh_from_db()
        return a

    def loan(a, signed, amount, drawn_on):
        c = Contract.objects.create(application=a, number=f"HT-{next(n)}", signed_on=signed, amount=Decimal(amount),
                                    annual_rate=a.annual_rate, term_months=12, maturity_on=date(2027, signed.month, 1),
                                    recorded_by=world.officer if a.bank == world.bank else world.officer_2, bank=a.bank)
        Disbursement.objects.create(application=a, contract=c, amount=Decimal(amount), date=drawn_on,
                                    recorded_by=c.recorded_by)
        # The loans app opens the loan from the contract (its receiver, stamped now): re-date its history.
        ln = Loan.objects.get(contract=c)
        LoanHistory._base_manager.filter(loan=ln).delete()  # append-only: explicitly, fixture only
        LoanHistory.objects.create(loan=ln, action=LoanAction.OPEN, to_status=LoanStatus.REPAYING,
                                   at=timezone.make_aware(datetime.combine(signed, datetime.min.time())))
        return ln

    a1 = app(world.ent, world.bank, product, "1000000", "equipment",
             [(Action.SUBMIT, at(7, 1), ""), (Action.ACCEPT, at(7, 3), ""), (Action.PROPOSE, at(7, 5), ""),
              (Action.APPROVE, at(7, 8), ""), (Action.CONTRACT, at(7, 10), ""), (Action.DISBURSE, at(7, 12), "")],
             decided=("800000", "3.500", "credit"), claims=(held, brand))
    a2 = app(world.ent, world.bank, product, "500000", "quality",
             [(Action.SUBMIT, at(7, 5, 9), ""), (Action.ACCEPT, at(7, 9, 9), ""), (Action.PROPOSE, at(7, 12, 9), ""),
              (Action.REJECT, at(7, 15, 9), "经营现金流不足")],
             decided=("500000", "4.000", "credit"), claims=(held,))
    a3 = app(world.ent_2, world.bank_2, product_2, "2000000", "technical",
             [(Action.SUBMIT, at(8, 1, 8), ""), (Action.ACCEPT, at(8, 2, 8), ""), (Action.PROPOSE, at(8, 20, 8), ""),
              (Action.APPROVE, at(8, 22, 8), ""), (Action.CONTRACT, at(8, 25, 8), ""),
              (Action.DISBURSE, at(8, 28, 8), "")],
             decided=("1500000", "3.200", "surety"), claims=(brand,))
    a4 = app(world.ent, world.bank, product, "300000", "quality",
             [(Action.SUBMIT, at(9, 20), ""), (Action.ACCEPT, at(10, 5), "")])
    a5 = app(world.ent, world.bank, product, "600000", "other",
             [(Action.SUBMIT, at(6, 25), ""), (Action.ACCEPT, at(6, 26), ""), (Action.PROPOSE, at(6, 30), ""),
              (Action.APPROVE, at(7, 2), "")],
             decided=("600000", "3.800", "credit"), claims=(held,))
    app(world.ent_2, world.bank_2, product_2, "700000", "other", [])  # a draft: never counted
    a7 = app(world.ent_2, world.bank_2, product_2, "400000", "other",
             [(Action.SUBMIT, at(7, 20), ""), (Action.RETURN, at(7, 22), "请补充财务报表")])

    l1 = loan(a1, date(2026, 7, 10), "800000", date(2026, 7, 12))
    l3 = loan(a3, date(2026, 8, 25), "1500000", date(2026, 8, 28))
    Repayment.objects.create(loan=l1, bank=a1.bank, date=date(2026, 9, 15), principal=Decimal("200000"),
                             interest=Decimal("1000"), reference="R1", source="page")
    Repayment.objects.create(loan=l1, bank=a1.bank, date=date(2026, 10, 10), principal=Decimal("100000"),
                             interest=Decimal("500"), reference="R2", source="page")
    LoanHistory.objects.create(loan=l1, action=LoanAction.OVERDUE, from_status=LoanStatus.REPAYING,
                               to_status=LoanStatus.OVERDUE, at=at(9, 20, 2))
    LoanHistory.objects.create(loan=l1, action=LoanAction.CURE, from_status=LoanStatus.OVERDUE,
                               to_status=LoanStatus.REPAYING, at=at(10, 15, 2))
    LoanHistory.objects.create(loan=l1, action=LoanAction.CLASSIFY, from_status=LoanStatus.OVERDUE,
                               to_status=LoanStatus.OVERDUE, at=at(9, 26), classification=Classification.SUBSTANDARD,
                               effective_on=date(2026, 9, 25))
    LoanHistory.objects.create(loan=l3, action=LoanAction.CLASSIFY, from_status=LoanStatus.REPAYING,
                               to_status=LoanStatus.REPAYING, at=at(10, 6),
                               classification=Classification.SPECIAL_MENTION, effective_on=date(2026, 10, 5))
    # Today's state differs from the state at the end of Q3 on purpose (cured, reclassified).
    Loan.objects.filter(pk=l1.pk).update(status=LoanStatus.REPAYING, classification=Classification.NORMAL)

    def vr(a, asked, due, answered):
        claim = a.claims.first() or Claim.objects.create(application=a, element_type=held, origin="added")
        return VerificationRequest.objects.create(
            application=a, claim=claim, element_type=claim.element_type, enterprise=a.enterprise,
            regulator_unit=a.enterprise.regulator_unit, question="请核实", asked_by=world.officer, asked_at=asked,
            due_on=due, status="confirmed" if answered else "open", answered_at=answered)

    vr(a1, at(7, 4), date(2026, 7, 11), at(7, 6))
    vr(a2, at(7, 10), date(2026, 7, 17), at(7, 20))
    vr(a3, at(9, 25), date(2026, 9, 28), at(10, 2))

    def alert(a, ln, created, acknowledged=None):
        event = ChangeEvent.objects.create(enterprise=a.enterprise, kind="listed", record_type="listing",
                                           source="manual", occurred_on=created.date())
        return RiskAlert.objects.create(event=event, audience=Audience.BANK, enterprise=a.enterprise, application=a,
                                        loan=ln, bank=a.bank, created_at=created, acknowledged_at=acknowledged)

    alert(a1, l1, at(8, 1), at(8, 5))
    alert(a3, l3, at(9, 1))
    alert(a1, l1, at(10, 2))

    def fund(ln, purpose, amount, day):
        FundUseReport.objects.create(loan=ln, purpose=purpose, amount=Decimal(amount), date=day, description="用途",
                                     reported_by=world.enterprise)

    fund(l1, "quality", "300000", date(2026, 8, 1))
    fund(l1, "other", "100000", date(2026, 9, 1))
    fund(l3, "equipment", "500000", date(2026, 9, 10))
    fund(l3, "technical", "50000", date(2026, 10, 3))

    for i, ent in enumerate((world.ent, world.ent_2)):
        Distinction.objects.create(enterprise=ent, key=f"t-dist-{i}", content_hash="x", element_type=held,
                                   granted_on=date(2026, 1, 10), source="manual")
    Listing.objects.create(enterprise=world.ent_2, key="t-list-1", content_hash="x", kind=ListingKind.ABNORMAL,
                           listed_on=date(2026, 9, 1), source="manual")
    return SimpleNamespace(a1=a1, a2=a2, a3=a3, a4=a4, a5=a5, a7=a7, l1=l1, l3=l3, held=held, brand=brand)
