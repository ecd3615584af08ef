"""Demo world, banks part: partner banks of several kinds with their admission history,
branches, 京质贷 products with different quality conditions (one withdrawn, one at a suspended
bank), and bank staff. Idempotent: run it again and nothing is duplicated."""

from decimal import Decimal

from django.conf import settings

from identity.choices import Role
from identity.demo import _user
from identity.models import District, User

from . import services
from .choices import BankAction, BankStatus, ProductAction, ProductStatus, RateKind
from .models import Bank, Branch, Product

BANKS = [
    # name, English, kind, credit code, status, branches [(name, district)], details
    ("中国工商银行北京市分行", "ICBC Beijing Branch", "state_owned", "911100008019209123", BankStatus.ADMITTED,
     [("海淀支行", "110108"), ("朝阳支行", "110105")],
     dict(head_office="中国工商银行股份有限公司（北京市西城区复兴门内大街55号）", beijing_office="中国工商银行北京市分行",
          beijing_address="北京市西城区复兴门南大街2号", contact_name="普惠金融部 刘经理", contact_phone="010-66410000")),
    ("北京银行", "Bank of Beijing", "city_commercial", "91110000101174712L", BankStatus.ADMITTED,
     [("中关村分行", "110108"), ("通州支行", "110112")],
     dict(head_office="北京银行股份有限公司（北京市西城区金融大街丙17号）", beijing_office="北京银行总行营业部",
          beijing_address="北京市西城区金融大街丙17号", contact_name="小微金融部 陈经理", contact_phone="010-66223000")),
    ("招商银行北京分行", "China Merchants Bank Beijing Branch", "joint_stock", "", BankStatus.ADMITTED,
     [("亦庄支行", "110115")],
     dict(head_office="招商银行股份有限公司（深圳市福田区深南大道7088号）", beijing_office="招商银行北京分行",
          contact_name="普惠金融部 黄经理", contact_phone="010-66200000")),
    ("国家开发银行北京市分行", "China Development Bank Beijing Branch", "policy", "", BankStatus.ADMITTED, [],
     dict(head_office="国家开发银行（北京市西城区复兴门内大街18号）", beijing_office="国家开发银行北京市分行")),
    ("北京农村商业银行", "Beijing Rural Commercial Bank", "rural", "", BankStatus.ADMITTED, [("顺义支行", "110113")],
     dict(head_office="北京农村商业银行股份有限公司", beijing_office="北京农村商业银行总行营业部")),
    ("汇丰银行（中国）北京分行", "HSBC China Beijing Branch", "foreign", "", BankStatus.SUSPENDED, [],
     dict(head_office="汇丰银行（中国）有限公司（上海）", beijing_office="汇丰银行（中国）有限公司北京分行")),
]

ADMISSION_NOTE = "京质贷首批合作金融机构（演示数据）"
SUSPENSION_REASON = "合作协议续签材料未按期报送，暂停受理新申请（演示数据）"

QC = {"credit_must_hold": True}
PRODUCTS = [
    # bank, name, English, status, fields
    ("中国工商银行北京市分行", "京质贷·质量信用贷", "Jingzhidai Quality Credit Loan", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("500000"), amount_max=Decimal("10000000"), term_min_months=6, term_max_months=36,
        rate_kind=RateKind.LPR_SPREAD, spread_min_bp=-20, spread_max_bp=60, guarantee_types=["credit"],
        conditions={**QC, "any_of": [{"category": "management"}, {"category": "brand"}]},
        description="纯信用、随借随还，面向具备质量管理或质量品牌要素的企业。")),
    ("中国工商银行北京市分行", "京质贷·标准领跑贷", "Jingzhidai Standards Forerunner Loan", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("1000000"), amount_max=Decimal("30000000"), term_min_months=12, term_max_months=60,
        rate_kind=RateKind.FIXED, rate_min=Decimal("3.10"), rate_max=Decimal("4.20"),
        guarantee_types=["credit", "surety"],
        conditions={**QC, "all_of": [{"element": "infrastructure.iso_quality"}],
                    "any_of": [{"element": "brand.standard_forerunner"},
                               {"element": "infrastructure.standard_lead_drafter"}]})),
    ("中国工商银行北京市分行", "京质贷·老字号贷", "Jingzhidai Time-honored Brand Loan", ProductStatus.WITHDRAWN, dict(
        amount_min=Decimal("300000"), amount_max=Decimal("5000000"), term_min_months=6, term_max_months=24,
        rate_kind=RateKind.LPR_SPREAD, spread_min_bp=0, spread_max_bp=50, guarantee_types=["credit", "mortgage"],
        conditions={**QC, "all_of": [{"element": "brand.time_honored"}]})),
    ("北京银行", "京质贷·专精特新质量贷", "Jingzhidai Specialised Innovators Quality Loan", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("1000000"), amount_max=Decimal("20000000"), term_min_months=12, term_max_months=36,
        rate_kind=RateKind.LPR_SPREAD, spread_min_bp=0, spread_max_bp=100, guarantee_types=["surety", "pledge"],
        conditions={**QC, "any_of": [{"category": "innovation"}, {"category": "infrastructure"}]},
        description="支持知识产权质押，面向质量创新、质量基础能力突出的科技型企业。")),
    ("北京银行", "京质贷·普惠质量贷", "Jingzhidai Inclusive Quality Loan", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("100000"), amount_max=Decimal("3000000"), term_min_months=3, term_max_months=12,
        rate_kind=RateKind.LPR_SPREAD, spread_min_bp=-10, spread_max_bp=80, guarantee_types=["credit"],
        conditions=dict(QC))),
    ("招商银行北京分行", "质量领航贷", "Quality Pilot Loan", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("2000000"), amount_max=Decimal("50000000"), term_min_months=12, term_max_months=60,
        rate_kind=RateKind.LPR_SPREAD, spread_min_bp=-30, spread_max_bp=30, guarantee_types=["mortgage", "pledge"],
        conditions={**QC, "all_of": [{"category": "management"}, {"category": "brand"}]})),
    ("国家开发银行北京市分行", "质量基础设施专项贷款", "Quality Infrastructure Special Loan", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("10000000"), amount_max=Decimal("500000000"), term_min_months=24, term_max_months=120,
        rate_kind=RateKind.FIXED, rate_min=Decimal("2.60"), rate_max=Decimal("3.40"),
        guarantee_types=["surety", "mortgage"],
        conditions={**QC, "any_of": [{"element": "infrastructure.standardization_pilot"},
                                     {"element": "infrastructure.standards_secretariat"},
                                     {"element": "infrastructure.metrology_spec_drafter"},
                                     {"element": "infrastructure.national_testing_center"}]})),
    ("北京农村商业银行", "京质贷·乡村质量贷", "Jingzhidai Rural Quality Loan", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("100000"), amount_max=Decimal("5000000"), term_min_months=6, term_max_months=36,
        rate_kind=RateKind.LPR_SPREAD, spread_min_bp=10, spread_max_bp=120, guarantee_types=["surety", "mortgage"],
        conditions={**QC, "any_of": [{"element": "brand.geographical_indication"},
                                     {"element": "brand.time_honored"}, {"category": "management"}]})),
    ("汇丰银行（中国）北京分行", "质量贸易融资", "Quality Trade Finance", ProductStatus.ACTIVE, dict(
        amount_min=Decimal("1000000"), amount_max=Decimal("20000000"), term_min_months=3, term_max_months=12,
        rate_kind=RateKind.FIXED, rate_min=Decimal("3.50"), rate_max=Decimal("4.80"), guarantee_types=["pledge"],
        conditions={**QC, "all_of": [{"element": "infrastructure.iso_quality"}]})),
]


def _seed_bank(admin, name, name_en, kind, code, status, details):
    bank = Bank.objects.filter(name=name).first()
    if bank is None:
        bank = services.bank_admit(actor=admin, name=name, kind=kind, note=ADMISSION_NOTE, name_en=name_en,
                                   credit_code=code, **details)
    else:
        fields = {"name_en": name_en, "kind_id": kind, "credit_code": code, **details}
        if any(getattr(bank, k) != v for k, v in fields.items()):
            bank = services.bank_update(actor=admin, bank=bank, **fields)
    if status == BankStatus.SUSPENDED and bank.status == BankStatus.ADMITTED:
        bank = services.bank_transition(actor=admin, bank=bank, action=BankAction.SUSPEND, reason=SUSPENSION_REASON)
    return bank


def seed(stdout=None):
    admin = User.objects.get(username="demo-admin")
    districts = {d.code: d for d in District.objects.all()}
    banks = {}
    for name, name_en, kind, code, status, branches, details in BANKS:
        bank = _seed_bank(admin, name, name_en, kind, code, status, details)
        for bname, dcode in branches:
            Branch.objects.update_or_create(bank=bank, name=bname, defaults={"district": districts[dcode]})
        banks[name] = bank
    icbc, bob = banks["中国工商银行北京市分行"], banks["北京银行"]
    pw = settings.DEMO_PASSWORD
    haidian = Branch.objects.get(bank=icbc, name="海淀支行")
    _user("demo-officer", pw, first_name="王客户经理", role=Role.BANK_OFFICER, bank=icbc, bank_branch=haidian)
    _user("demo-approver", pw, first_name="赵审批", role=Role.BANK_APPROVER, bank=icbc)
    _user("demo-bank-admin", pw, first_name="钱管理员", role=Role.BANK_ADMIN, bank=icbc)
    _user("demo-officer-2", pw, first_name="孙客户经理", role=Role.BANK_OFFICER, bank=bob)
    _user("demo-bank-admin-2", pw, first_name="周管理员", role=Role.BANK_ADMIN, bank=bob)

    created = 0
    for bank_name, name, name_en, status, fields in PRODUCTS:
        bank = banks[bank_name]
        product = Product.objects.filter(bank=bank, name=name).first()
        if product is None:
            # Published by the platform admin, so products of suspended banks can be seeded too.
            product = services.product_create(actor=admin, bank=bank, name=name, name_en=name_en,
                                              reason="演示数据", **fields)
            created += 1
        if status == ProductStatus.WITHDRAWN and product.status == ProductStatus.ACTIVE:
            services.product_transition(actor=admin, product=product, action=ProductAction.WITHDRAW,
                                        reason="产品额度已用完，暂停发售（演示数据）")
    if stdout:
        stdout.write(f"banks: {len(banks)} banks, {Product.objects.count()} products ({created} new), "
                     "bank staff ready")
