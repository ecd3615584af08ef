"""Demo typical cases: one published (demo-district drafted it about demo-enterprise's loan at
ICBC, with a photo; demo-enterprise consented; demo-city published it) and one draft waiting for
demo-enterprise-2's consent (demo-district-2). Idempotent: nothing is added once either
enterprise has a case."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from elements.selectors import profile_get
from identity.models import User
from loans.models import Loan

from . import services
from .models import TypicalCase

PUBLISHED_TITLE = "“{element}”助力精密仪器企业获得信用贷款"
DRAFT_TITLE = "企业标准“领跑者”助力标准件企业设备更新"


def _say(stdout, text):
    if stdout:
        stdout.write(text)


def _photo():
    image = Image.new("RGB", (640, 400), (235, 242, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 220, 600, 360), fill=(60, 110, 170))
    draw.rectangle((80, 120, 260, 220), fill=(120, 160, 200))
    draw.ellipse((420, 60, 520, 160), fill=(250, 200, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return SimpleUploadedFile("workshop.jpg", out.getvalue(), content_type="image/jpeg")


def _element(enterprise, preferred=()):
    from elements.models import ElementType

    held = profile_get(enterprise=enterprise).distinction_codes()
    code = next((c for c in preferred if c in held), held[0] if held else None)
    return ElementType.objects.filter(code=code).first() if code else ElementType.objects.filter(
        category_id="management").order_by("order").first()


def seed(stdout=None):
    users = {u.username: u for u in User.objects.filter(username__in=[
        "demo-enterprise", "demo-enterprise-2", "demo-district", "demo-district-2", "demo-city", "demo-officer",
        "demo-officer-2"]).select_related("enterprise", "bank")}
    if len(users) < 7:
        _say(stdout, "regulators: demo users missing, cases skipped")
        return
    if TypicalCase.objects.filter(enterprise__in=[users["demo-enterprise"].enterprise_id,
                                                  users["demo-enterprise-2"].enterprise_id]).exists():
        _say(stdout, "regulators: demo cases already there")
        return
    ent = users["demo-enterprise"].enterprise
    loan = Loan.objects.filter(enterprise=ent, bank=users["demo-officer"].bank).order_by("-created_at").first()
    element = _element(ent, ["management.china_quality_award_nomination"])
    case = services.case_create(
        user=users["demo-district"], enterprise=ent, loan=loan, bank=None if loan else users["demo-officer"].bank,
        element_type=element, title=PUBLISHED_TITLE.format(element=element.name),
        amount=loan.disbursed if loan and loan.disbursed else 1000000, annual_rate=loan.contract.annual_rate
        if loan else None, term_months=loan.contract.term_months if loan else 12,
        summary=f"企业凭“{element.name}”和质量信用，在无抵押的情况下获得工商银行京质贷信用贷款，用于购置检测设备。",
        body=f"北京京质精密仪器有限公司是海淀区一家精密测量仪器制造企业。企业获得“{element.name}”，近三年无经营异常、"
             "无行政处罚、产品抽查全部合格。\n\n企业在京质贷平台提交申请后，银行通过要素信息库核实了企业的质量要素，"
             "区市场监管局在三个工作日内完成了补充核实。银行据此给予信用贷款，利率低于企业此前的抵押贷款。\n\n"
             "贷款用于购置三坐标测量机，企业产品一次交检合格率进一步提高。")
    services.case_photo_add(case=case, user=users["demo-district"], uploaded=_photo(), caption="企业检测车间（示意）")
    services.case_consent_give(case=case, user=users["demo-enterprise"])
    services.case_publish(case=case, user=users["demo-city"])
    ent_2 = users["demo-enterprise-2"].enterprise
    services.case_create(
        user=users["demo-district-2"], enterprise=ent_2, bank=users["demo-officer-2"].bank,
        element_type=_element(ent_2, ["brand.standard_forerunner"]), title=DRAFT_TITLE, amount=2000000,
        term_months=24, summary="企业凭企业标准“领跑者”称号获得北京银行京质贷，用于设备更新（草稿，待企业同意）。",
        body="北京朝阳标准件制造股份有限公司……（草稿）")
    _say(stdout, "regulators: a published typical case and a draft")
