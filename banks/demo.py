"""Demo world, banks part: partner banks of several kinds, branches, and bank staff."""

from django.conf import settings

from identity.choices import Role
from identity.demo import _user
from identity.models import District

from .choices import BankStatus
from .models import Bank, Branch

BANKS = [
    # name, English, kind, credit code, status, branches [(name, district)]
    ("中国工商银行北京市分行", "ICBC Beijing Branch", "state_owned", "911100008019209123", BankStatus.ADMITTED,
     [("海淀支行", "110108"), ("朝阳支行", "110105")]),
    ("北京银行", "Bank of Beijing", "city_commercial", "91110000101174712L", BankStatus.ADMITTED,
     [("中关村分行", "110108"), ("通州支行", "110112")]),
    ("招商银行北京分行", "China Merchants Bank Beijing Branch", "joint_stock", "", BankStatus.ADMITTED,
     [("亦庄支行", "110115")]),
    ("国家开发银行北京市分行", "China Development Bank Beijing Branch", "policy", "", BankStatus.ADMITTED, []),
    ("北京农村商业银行", "Beijing Rural Commercial Bank", "rural", "", BankStatus.ADMITTED, [("顺义支行", "110113")]),
    ("汇丰银行（中国）北京分行", "HSBC China Beijing Branch", "foreign", "", BankStatus.SUSPENDED, []),
]


def seed(stdout=None):
    districts = {d.code: d for d in District.objects.all()}
    banks = {}
    for name, name_en, kind, code, status, branches in BANKS:
        bank, _ = Bank.objects.update_or_create(
            name=name, defaults={"name_en": name_en, "kind_id": kind, "credit_code": code, "status": status})
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
    if stdout:
        stdout.write(f"banks: {len(banks)} banks, bank staff ready")
