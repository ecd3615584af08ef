"""Demo world, applications part (runs after identity, banks and elements): applications of
demo-enterprise in different states, so every role's pages show something.

- 京质贷·质量信用贷 of ICBC (demo-officer's bank), submitted and awaiting acceptance;
- the same product, under verification, with an added claim (首席质量官制度) the library lacks,
  its evidence, and an open verification request to demo-district;
- the same product, approved by demo-approver on demo-officer's proposal, contracted and
  partly disbursed;
- Bank of Beijing's 普惠质量贷, returned by demo-officer-2 for more material;
- a draft.
Idempotent: when demo-enterprise already has the demo applications, nothing is added."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from banks import selectors as bank_selectors
from banks.models import Product
from identity.models import User

from . import services
from .models import Application

MARK = "【演示】"
# Days before the decision at which an application backdated by `stages_backdate` reached each stage.
BACKDATED_STAGES = (("created_at", 14), ("submitted_at", 12), ("accepted_at", 9), ("proposed_at", 4),
                    ("decided_at", 0))
ADDED_CLAIM = "management.chief_quality_officer"
DEMO_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] "
            b"/Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _say(stdout, text):
    if stdout:
        stdout.write(text)


def _rate(product):
    """The middle of the product's effective rate range."""
    rng = bank_selectors.product_rate_range(product, bank_selectors.lpr_current())
    if rng is None:
        return Decimal("3.50")
    return ((rng[0] + rng[1]) / 2).quantize(Decimal("0.01"))


def seed(stdout=None):
    users = {u.username: u for u in User.objects.filter(username__in=[
        "demo-enterprise", "demo-officer", "demo-approver", "demo-officer-2"]).select_related("enterprise")}
    if len(users) < 4:
        _say(stdout, "applications: demo users missing, skipped (run the identity and banks demos first)")
        return {}
    ent_user, officer, approver, officer_2 = (users[n] for n in ("demo-enterprise", "demo-officer", "demo-approver",
                                                                 "demo-officer-2"))
    if Application.objects.filter(enterprise=ent_user.enterprise, need_statement__startswith=MARK).exists():
        _say(stdout, "applications: demo applications already there")
        return {}
    icbc = Product.objects.filter(bank=officer.bank, name="京质贷·质量信用贷").select_related("bank").first()
    bob = Product.objects.filter(bank=officer_2.bank, name="京质贷·普惠质量贷").select_related("bank").first()
    if icbc is None or bob is None:
        _say(stdout, "applications: the demo products are missing, skipped")
        return {}
    profile = services.profile_get(enterprise=ent_user.enterprise)
    meets, missing = bank_selectors.product_match(icbc, profile)
    if not meets:
        _say(stdout, f"applications: demo-enterprise does not meet {icbc}: {missing}; skipped")
        return {}

    def draft(product, amount, term, purpose, text, claims=None):
        return services.application_create(
            user=ent_user, product=product, amount=Decimal(amount), term_months=term, purpose=purpose,
            purpose_description=text, need_statement=f"{MARK}{text}，资金缺口约{int(Decimal(amount) / 10000)}万元，"
                                                     "以经营性现金流还款。", claims=claims, authorise=True)

    created = {}
    # 1. Submitted, awaiting demo-officer.
    app = draft(icbc, "2000000", 12, "equipment", "购置三坐标测量机等精密检测设备")
    created["submitted"] = services.application_submit(application=app, user=ent_user)

    # 2. Under verification with an open request to demo-district about a claim the library lacks.
    held = sorted(profile.held_codes() - set(profile.quality_credit.conditions))
    app = draft(icbc, "3000000", 24, "technical", "产线数字化技术改造", claims=[*held, ADDED_CLAIM])
    services.evidence_add(application=app, user=ent_user, element_code=ADDED_CLAIM,
                          uploaded=SimpleUploadedFile("首席质量官任命文件.pdf", DEMO_PDF, "application/pdf"))
    services.application_submit(application=app, user=ent_user)
    app = services.application_accept(application=app, user=officer, note="材料齐全，进入核实")
    services.verification_request_create(application=app, user=officer, element_code=ADDED_CLAIM,
                                         question="请核实该企业是否已建立首席质量官制度（附任命文件）。")
    created["under_review"] = app

    # 3. Approved (maker: demo-officer, checker: demo-approver), contracted, partly disbursed.
    app = draft(icbc, "5000000", 36, "quality", "质量管理体系升级与实验室建设")
    services.application_submit(application=app, user=ent_user)
    services.application_accept(application=app, user=officer)
    services.application_propose(application=app, user=officer, credit_line="5000000", annual_rate=_rate(icbc),
                                 term_months=36, guarantee_type=icbc.guarantee_types[0],
                                 notes="质量管理、品牌要素齐全，信用良好")
    services.application_approve(application=app, user=approver, note="同意")
    today = timezone.localdate()
    services.application_contract(application=app, user=approver, number=f"ICBC-JZD-{today:%Y}-{app.pk:04d}",
                                  signed_on=today)
    created["disbursed"] = services.application_disburse(application=app, user=approver, amount="3000000",
                                                         date=today)

    # 4. Returned by Bank of Beijing for more material.
    if bank_selectors.product_match(bob, profile)[0]:
        app = draft(bob, "800000", 12, "other", "原材料采购周转")
        services.application_submit(application=app, user=ent_user)
        created["returned"] = services.application_return(application=app, user=officer_2,
                                                          note="请补充近一年财务报表及主要购销合同。")
    # 5. A draft.
    created["draft"] = draft(icbc, "1000000", 12, "quality", "计量器具更新")
    _say(stdout, f"applications: {len(created)} demo applications ({', '.join(created)})")
    return {k: v.pk for k, v in created.items()}


def stages_backdate(app, *, decided_on):
    """Move a decided application's stage times back so that it was decided on `decided_on`
    (a contract may not be signed before the approval): the demo world and the post-loan tests
    build loans that started months ago. History rows are append-only and keep their times."""
    decided = timezone.make_aware(datetime.combine(decided_on, time(10)))
    app.refresh_from_db()
    Application.objects.filter(pk=app.pk).update(
        status_changed_at=decided,
        **{name: decided - timedelta(days=days) for name, days in BACKDATED_STAGES
           if getattr(app, name) is not None})
    app.refresh_from_db()
    return app
