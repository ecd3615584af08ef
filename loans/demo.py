"""Demo world, loans part (runs after applications): loans of demo-enterprise at ICBC in every
state, fund-use reports (accepted, questioned), and risk alerts (open, acknowledged, good news).

- the applications demo's disbursed loan (signed today): repaying, with two fund-use reports;
- equal instalments signed 100 days ago, one instalment paid: overdue;
- monthly interest signed 60 days ago, interest paid, extended by 6 months (展期);
- equal principal for 6 months signed 200 days ago, everything paid: settled;
- equal instalments signed 150 days ago, nothing paid: defaulted (关注 → 次级);
- monthly interest signed 300 days ago: defaulted and written off (损失);
- demo-district records demo-enterprise on the abnormal list and removes it the same day after
  the address is corrected: the bank gets a risk alert (acknowledged: tighten monitoring) and
  the good news (left open), demo-district its copies.
Idempotent: marked by the contract numbers (ICBC-DEMO-…)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from applications import services as app_services
from applications.choices import RepaymentMethod, Status
from applications.demo import MARK, _rate
from applications.models import Application
from banks.models import Product
from elements import services as element_services
from identity.models import User

from . import services
from .choices import AlertAction, Audience, Classification
from .models import Loan, RiskAlert

PREFIX = "ICBC-DEMO-"


def backdate_approval(application, day):
    """A demo (or test) loan signed in the past needs its approval on or before the signing day
    (applications refuses a contract signed before the approval): the application's steps up to
    the approval are moved to the start of that day, in order."""
    moment = timezone.make_aware(datetime.combine(day, time(9)))
    Application.objects.filter(pk=application.pk).update(submitted_at=moment, accepted_at=moment,
                                                         proposed_at=moment, decided_at=moment)
    application.refresh_from_db()
    return application


def _say(stdout, text):
    if stdout:
        stdout.write(text)


def seed(stdout=None):
    users = {u.username: u for u in User.objects.filter(username__in=[
        "demo-enterprise", "demo-officer", "demo-approver", "demo-district"]).select_related("enterprise")}
    if len(users) < 4:
        _say(stdout, "loans: demo users missing, skipped")
        return {}
    ent_user, officer, approver, district = (users[n] for n in ("demo-enterprise", "demo-officer", "demo-approver",
                                                                "demo-district"))
    if Loan.objects.filter(contract__number__startswith=PREFIX).exists():
        _say(stdout, "loans: demo loans already there")
        return {}
    product = Product.objects.filter(bank=officer.bank, name="京质贷·质量信用贷").select_related("bank").first()
    if product is None:
        _say(stdout, "loans: the demo product is missing, skipped")
        return {}
    today = timezone.localdate()
    services.loans_reconcile()

    def loan(tag, method, days_ago, amount="1000000", term=12, purpose="equipment", text="设备更新"):
        app = app_services.application_create(
            user=ent_user, product=product, amount=Decimal(amount), term_months=term, purpose=purpose,
            purpose_description=text, need_statement=f"{MARK}{text}，以经营性现金流还款。", authorise=True)
        app_services.application_submit(application=app, user=ent_user)
        app_services.application_accept(application=app, user=officer)
        app_services.application_propose(application=app, user=officer, credit_line=amount,
                                         annual_rate=_rate(product), term_months=term,
                                         guarantee_type=product.guarantee_types[0], notes="质量要素良好")
        app_services.application_approve(application=app, user=approver, note="同意")
        signed = today - timedelta(days=days_ago)
        backdate_approval(app, signed)
        app_services.application_contract(application=app, user=approver, number=f"{PREFIX}{tag}-{app.pk:04d}",
                                          signed_on=signed, repayment_method=method)
        app_services.application_disburse(application=app, user=approver, amount=amount, date=signed)
        return Loan.objects.select_related("contract").get(application=app)

    def pay(ln, instalments, tag):
        for i in instalments:
            services.repayment_record(loan=ln, user=officer, date=min(i.due_on, today), principal=i.principal,
                                      interest=i.interest, reference=f"{ln.contract.number}-{tag}{i.number}")

    created = {}
    # 1. Repaying: the applications demo's loan, with fund-use reports.
    first = Loan.objects.filter(application__enterprise=ent_user.enterprise,
                                application__status=Status.DISBURSED).exclude(
        contract__number__startswith=PREFIX).select_related("contract").first()
    if first is not None:
        services.fund_use_report_create(loan=first, user=ent_user, purpose="quality", amount="1200000",
                                        date=today, description="质量检测实验室仪器采购（三坐标测量机、光谱仪）")
        report = services.fund_use_report_create(loan=first, user=ent_user, purpose="other", amount="500000",
                                                 date=today, description="原材料采购")
        services.fund_use_report_review(report=first.fund_use.get(purpose="quality"), user=officer, accepted=True)
        services.fund_use_report_review(report=report, user=officer, accepted=False,
                                        note="请说明原材料采购与质量提升项目的关系，并补充采购合同。")
        created["repaying"] = first
    # 2. Overdue: one of several instalments paid.
    ln = loan("OVERDUE", RepaymentMethod.EQUAL_INSTALMENTS, 100, text="产线数字化改造")
    pay(ln, list(ln.instalments.order_by("number")[:1]), "P")
    services.fund_use_report_create(loan=ln, user=ent_user, purpose="technical", amount="800000",
                                    date=ln.first_disbursed_on + timedelta(days=5), description="数控系统升级")
    created["overdue"] = ln
    # 3. Extended: interest paid so far, maturity moved by six months.
    ln = loan("EXTENDED", RepaymentMethod.INTEREST_MONTHLY, 60, amount="2000000", text="计量器具更新")
    pay(ln, ln.instalments.filter(due_on__lt=today).order_by("number"), "I")
    services.loan_extend(loan=ln, user=officer, maturity_on=ln.maturity_on + timedelta(days=183),
                         reason="下游客户回款周期延长，企业申请展期六个月")
    created["extended"] = ln
    # 4. Settled: six months of equal principal, all repaid.
    ln = loan("SETTLED", RepaymentMethod.EQUAL_PRINCIPAL, 200, amount="600000", term=6, purpose="quality",
              text="质量管理体系认证")
    pay(ln, ln.instalments.order_by("number"), "P")
    created["settled"] = ln
    # 5. Defaulted, and 6. written off.
    ln = loan("DEFAULT", RepaymentMethod.EQUAL_INSTALMENTS, 150, text="检测设备购置")
    services.loans_overdue_refresh()
    services.loan_classify(loan=ln, user=officer, classification=Classification.SUBSTANDARD)
    services.loan_default(loan=ln, user=approver, reason="企业停产，逾期超过90天，已启动催收")
    created["defaulted"] = ln
    ln = loan("WRITEOFF", RepaymentMethod.INTEREST_MONTHLY, 300, amount="500000", text="设备更新")
    services.loans_overdue_refresh()
    services.loan_default(loan=ln, user=approver, reason="企业注销前未清偿")
    services.loan_classify(loan=ln, user=officer, classification=Classification.LOSS)
    services.loan_write_off(loan=ln, user=approver, reason="经诉讼无可执行财产，按规定核销")
    created["written_off"] = ln
    services.loans_overdue_refresh()
    # Alerts: a listing (acknowledged) and its removal the same day (good news, open).
    listing = element_services.listing_record(enterprise=ent_user.enterprise, kind="abnormal",
                                              listed_on=today - timedelta(days=3), user=district,
                                              entry_reason="【演示】现场核查：通过登记的住所无法联系",
                                              reason="通过登记的住所或者经营场所无法联系", authority="海淀区市场监督管理局")
    services.risk_alerts_raise()
    for alert in RiskAlert.objects.filter(audience=Audience.BANK, event__record_id=listing.pk,
                                          acknowledged_at__isnull=True)[:1]:
        services.risk_alert_acknowledge(alert=alert, user=officer, action=AlertAction.TIGHTEN,
                                        note="已电话联系企业，要求一周内更正住所；期间按周跟踪")
    element_services.listing_remove(listing=listing, removed_on=today, user=district, reason="企业已办理住所变更登记",
                                    authority="海淀区市场监督管理局")
    services.risk_alerts_raise()
    n = Application.objects.filter(enterprise=ent_user.enterprise, loan__isnull=False).count()
    _say(stdout, f"loans: {len(created)} demo loans in every state ({', '.join(created)}), {n} loans in all, "
                 f"{RiskAlert.objects.count()} alerts")
    return {k: v.pk for k, v in created.items()}
