"""Issue 14: catalog entries named in the page's language (never a code, never both languages
side by side) and records signed by the person and the unit, not the username."""

from django.utils import translation

from elements.choices import Source
from elements.models import ElementCategory, ElementType

from ..helpers import client_for
from .test_profile_rules import listing


def test_element_names_follow_the_language(db):
    element = ElementType.objects.get(code="management.china_quality_award_nomination")
    category = ElementCategory.objects.get(code="credit")
    with translation.override("zh-hans"):
        assert (element.local_name, str(element)) == ("中国质量奖提名奖", "中国质量奖提名奖")
        assert str(category) == "质量信用"
    with translation.override("en"):
        assert str(element) == "China Quality Award nomination"
        assert category.local_name == "Quality credit"
    element.name_en = ""
    with translation.override("en"):
        assert str(element) == "中国质量奖提名奖"  # no English name: the Chinese one, never the code


def test_provenance_names_person_and_unit(world):
    world.district.first_name, world.district.last_name = "王核实", ""
    world.district.save()
    record = listing(world.ent, source=Source.REGULATOR, entered_by=world.district, entry_reason="现场核查")
    with translation.override("zh-hans"):
        text = record.provenance()
    assert "王核实" in text and "海淀区市场监督管理局" in text and world.district.username not in text
    claimed = listing(world.ent, listed_on=record.listed_on.replace(day=6), source=Source.CLAIM,
                      confirmed_by=world.district)
    with translation.override("en"):
        assert "王核实 (海淀区市场监督管理局)" in claimed.provenance()


def test_catalog_page_shows_names_not_codes(world):
    page = client_for(world, "city").get("/elements/catalog/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "中国质量奖提名奖" in page
    assert ">management.china_quality_award_nomination<" not in page
    assert "Quality credit" not in page
