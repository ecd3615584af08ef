"""Fixtures for the application workflow: a product of world.bank that world.ent meets, and a
builder that brings an application to any status through the services (never by assigning
`status`)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import services
from applications.choices import Status
from banks import services as bank_services
from banks.choices import RateKind
from elements import services as element_services
from elements.models import ElementType

HELD = "management.chief_quality_officer"  # recorded in the library for world.ent and world.ent_2
UNHELD = "brand.time_honored"  # claimed without a library record

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def upload(name="certificate.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def product_fields(**overrides):
    fields = dict(
        name="京质贷·质量贷", amount_min=Decimal("100000"), amount_max=Decimal("5000000"), term_min_months=6,
        term_max_months=36, rate_kind=RateKind.FIXED, rate_min=Decimal("3.2"), rate_max=Decimal("4.5"),
        guarantee_types=["credit", "surety"],
        conditions={"credit_must_hold": True, "any_of": [{"category": "management"}]},
    )
    fields.update(overrides)
    return fields


@pytest.fixture
def product(world):
    return bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields())


@pytest.fixture
def product_2(world):
    return bank_services.product_create(actor=world.admin, bank=world.bank_2, **product_fields(name="北京质量贷"))


@pytest.fixture
def held(world):
    """world.ent and world.ent_2 each hold a management distinction in the library."""
    t = ElementType.objects.get(code=HELD)
    for ent, who in ((world.ent, world.district), (world.ent_2, world.district_2)):
        element_services.distinction_record(enterprise=ent, element_type=t, user=who, reason="测试数据",
                                            granted_on=timezone.localdate() - timedelta(days=100))


class Flow:
    """Brings applications to a status through the services, as the world's users."""

    def __init__(self, world, product, product_2):
        self.world, self.product, self.product_2 = world, product, product_2

    def draft(self, *, other=False, claims=None, authorise=True, amount="1000000", term=12):
        w = self.world
        return services.application_create(
            user=w.enterprise_2 if other else w.enterprise, product=self.product_2 if other else self.product,
            amount=Decimal(amount), term_months=term, purpose="equipment", purpose_description="购置检测设备",
            need_statement="购置三坐标测量机，资金缺口100万元。", claims=claims, authorise=authorise)

    def to(self, status, *, other=False, **kwargs):
        w = self.world
        officer, approver = (w.officer_2, None) if other else (w.officer, w.approver)
        ent_user = w.enterprise_2 if other else w.enterprise
        app = self.draft(other=other, **kwargs)
        if status == Status.DRAFT:
            return app
        app = services.application_submit(application=app, user=ent_user)
        if status == Status.SUBMITTED:
            return app
        if status == Status.WITHDRAWN:
            return services.application_withdraw(application=app, user=ent_user, note="不再需要")
        if status == Status.RETURNED:
            return services.application_return(application=app, user=officer, note="请补充设备采购合同")
        app = services.application_accept(application=app, user=officer)
        if status == Status.UNDER_REVIEW:
            return app
        app = services.application_propose(application=app, user=officer, credit_line="1000000", annual_rate="3.6",
                                           term_months=12, guarantee_type="credit", notes="质量要素良好")
        if status == Status.PROPOSED:
            return app
        if other:
            raise ValueError("bank_2 has no approver in the world")
        if status == Status.REJECTED:
            return services.application_reject(application=app, user=approver, reason="经营现金流不足")
        app = services.application_approve(application=app, user=approver)
        if status == Status.APPROVED:
            return app
        app = services.application_contract(application=app, user=officer, number=f"HT-{app.pk}",
                                            signed_on=timezone.localdate())
        if status == Status.CONTRACTED:
            return app
        app = services.application_disburse(application=app, user=approver, amount="400000")
        assert status == Status.DISBURSED
        return app


@pytest.fixture
def flow(world, product, product_2, held):
    world._product, world._product_2 = product, product_2
    return Flow(world, product, product_2)


def flow_of(world):
    """The test's `flow` builder, for `TenantMatrix.make(world)`, which gets no other fixture:
    a module of matrices marks its tests with `pytest.mark.usefixtures("flow")`."""
    return Flow(world, world._product, world._product_2)
