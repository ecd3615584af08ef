"""factory_boy factories shared by every app's tests."""

import itertools

import factory

from banks.models import Bank, Branch
from identity import uscc
from identity.choices import Role
from identity.models import Enterprise, User

_seq = itertools.count(1)


def make_uscc(division="110108", kind="1", department="9") -> str:
    n = next(_seq)
    body = f"T{n:07d}"
    return uscc.make_code(department, kind, division, body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    class Params:
        division = "110108"

    uscc = factory.LazyAttribute(lambda o: make_uscc(o.division))
    name = factory.Sequence(lambda n: f"北京测试{n}科技有限公司")
    enterprise_type = "有限责任公司(自然人投资或控股)"
    legal_form = "legal_person"
    status = "existing"
    registration_authority = "北京市市场监督管理局"
    district_id = "110108"
    regulator_unit = factory.LazyAttribute(lambda o: _unit(o.district_id))


def _unit(code):
    from identity.models import RegulatorUnit

    return RegulatorUnit.objects.get(code=code) if code else None


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bank

    name = factory.Sequence(lambda n: f"测试银行{n}")
    kind_id = "city_commercial"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    bank = factory.SubFactory(BankFactory)
    name = factory.Sequence(lambda n: f"第{n}支行")
    district_id = "110108"


PASSWORD = "Correct-Horse-Battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.PLATFORM_ADMIN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
