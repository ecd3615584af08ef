"""Demo world, identity part: a few hundred enterprises across every district (valid codes,
Chinese names), some of them ineligible for each reason, and the fixed demo users that do not
need a bank (banks/demo.py adds bank staff)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from . import services, uscc
from .choices import Role
from .models import District, RegulatorUnit, User

DEMO_ENTERPRISE = dict(uscc_org="MA01JQD0", name="北京京质精密仪器有限公司", district="110108",
                       type="有限责任公司(自然人投资或控股)", industry="仪器仪表制造业")
DEMO_ENTERPRISE_2 = dict(uscc_org="MA02JQD0", name="北京朝阳标准件制造股份有限公司", district="110105",
                         type="股份有限公司(非上市、自然人投资或控股)", industry="通用设备制造业")

TRADE_NAMES = list("华京燕兴盛泰恒嘉瑞博中信安达科联宏远通宇鑫源新丰德顺金银星海辰光明正和天")
INDUSTRIES = [
    ("精密机械", "通用设备制造业"), ("电子科技", "计算机、通信和其他电子设备制造业"), ("生物医药", "医药制造业"),
    ("食品", "食品制造业"), ("新材料", "化学原料和化学制品制造业"), ("检测技术", "专业技术服务业"),
    ("智能装备", "专用设备制造业"), ("软件", "软件和信息技术服务业"), ("环保科技", "生态保护和环境治理业"),
    ("汽车零部件", "汽车制造业"), ("仪器仪表", "仪器仪表制造业"), ("服装", "纺织服装、服饰业"),
]
LEGAL_PERSON_TYPES = ["有限责任公司(自然人投资或控股)", "有限责任公司(法人独资)", "股份有限公司(非上市、自然人投资或控股)",
                      "有限责任公司(国有独资)"]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂")

# (enterprise type, status text, code kind): enterprises that fail eligibility, one kind each.
INELIGIBLE = [
    ("有限责任公司分公司(自然人投资或控股)", "存续", "1"),
    ("个人独资企业", "存续", "1"),
    ("普通合伙企业", "在业", "1"),
    ("个体工商户", "存续", "2"),
    ("有限责任公司(自然人投资或控股)", "吊销，未注销", "1"),
    ("有限责任公司(自然人投资或控股)", "注销", "1"),
]

DEMO_USERS = [
    # username, first_name, role, regulator unit code
    ("demo-district", "海淀区局 示例", Role.DISTRICT_REGULATOR, "110108"),
    ("demo-district-2", "朝阳区局 示例", Role.DISTRICT_REGULATOR, "110105"),
    ("demo-city", "市局 示例", Role.CITY_REGULATOR, "110000"),
]


def _org_body(rng) -> str:
    return "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))


def demo_enterprise_code(spec) -> str:
    return uscc.make_code("9", "1", spec["district"], spec["uscc_org"])


def _person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _enterprise_row(rng, district: District, *, name=None, etype=None, status="存续", kind="1", industry=None,
                    division=None, authority=None, org=None):
    trade = "".join(rng.sample(TRADE_NAMES, 2))
    sector, industry_name = rng.choice(INDUSTRIES)
    code = uscc.make_code("9", kind, division or district.code, org or _org_body(rng))
    return dict(
        uscc_code=code,
        name=name or f"北京{trade}{sector}{'有限公司' if kind == '1' else '经营部'}",
        enterprise_type=etype or rng.choice(LEGAL_PERSON_TYPES),
        legal_representative=_person(rng),
        registered_capital=Decimal(rng.choice([50, 100, 200, 500, 1000, 3000, 5000, 12000])),
        established_on=date(2000, 1, 1) + timedelta(days=rng.randint(0, 8500)),
        registration_authority=authority or f"北京市{district.name}市场监督管理局",
        address=f"北京市{district.name}{rng.choice(['科技园路', '工业园区', '创新大街', '经济开发区'])}{rng.randint(1, 300)}号",
        status_text=status,
        industry=industry or industry_name,
    )


def seed(stdout=None, per_district: int = 18) -> dict:
    rng = random.Random(20261126)
    districts = list(District.objects.all())
    rows = []
    for d in districts:
        for _i in range(per_district):
            rows.append(_enterprise_row(rng, d))
    for i, (etype, status, kind) in enumerate(INELIGIBLE * 3):
        rows.append(_enterprise_row(rng, districts[i % len(districts)], etype=etype, status=status, kind=kind,
                                    name=None))
    # Special areas and municipal-level registrations.
    daxing = next(d for d in districts if d.code == "110115")
    for _i in range(12):
        rows.append(_enterprise_row(rng, daxing, division="110302", authority="北京经济技术开发区商务金融局"))
    fangshan = next(d for d in districts if d.code == "110111")
    for _i in range(4):
        rows.append(_enterprise_row(rng, fangshan, authority="房山区燕山市场监管分局"))
    for _i in range(6):
        rows.append(_enterprise_row(rng, rng.choice(districts), division="110000", authority="北京市市场监督管理局"))
    by_code = {d.code: d for d in districts}
    fixed = []
    for spec in (DEMO_ENTERPRISE, DEMO_ENTERPRISE_2):
        row = _enterprise_row(rng, by_code[spec["district"]], name=spec["name"], etype=spec["type"],
                              industry=spec["industry"], org=spec["uscc_org"])
        rows.append(row)
        fixed.append(row["uscc_code"])
    for row in rows:
        services.enterprise_upsert(**row)

    units = {u.code: u for u in RegulatorUnit.objects.all()}
    password = settings.DEMO_PASSWORD
    for username, first_name, role, unit in DEMO_USERS:
        _user(username, password, first_name=first_name, role=role, regulator_unit=units[unit])
    _user("demo-admin", password, first_name="平台管理员", role=Role.PLATFORM_ADMIN, is_staff=True,
          is_superuser=True)
    _user("demo-enterprise", password, first_name="张质量", role=Role.ENTERPRISE, enterprise_id=fixed[0])
    _user("demo-enterprise-2", password, first_name="李标准", role=Role.ENTERPRISE, enterprise_id=fixed[1])
    if stdout:
        stdout.write(f"identity: {len(rows)} enterprises, demo users ready")
    return {"enterprises": fixed}


def _user(username, password, **fields) -> User:
    user, _created = User.objects.update_or_create(username=username, defaults={
        "enterprise": None, "bank": None, "bank_branch": None, "regulator_unit": None, "is_active": True, **fields})
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
