"""The record lists' filters on odd input: `?q=` on every record list (the enterprise code is a
foreign key: a text lookup on it was a 500), and ids out of the database's range."""

from datetime import date

import pytest

from ..helpers import client_for
from .test_profile_rules import distinction, listing, penalty, spotcheck

pytestmark = pytest.mark.django_db

RECORDS = {"distinctions": "distinction_list", "listings": "listing_list", "penalties": "penalty_list",
           "spot-checks": "spotcheck_list"}


def _records(world):
    distinction(world.ent, "management.china_quality_award", granted_on=date(2021, 9, 1), level="national")
    listing(world.ent)
    penalty(world.ent, date(2024, 1, 5))
    spotcheck(world.ent, date(2024, 2, 5))
    distinction(world.ent_2, "management.china_quality_award", granted_on=date(2021, 9, 1), level="national")


@pytest.mark.parametrize("resource", RECORDS)
def test_q_on_every_record_api_finds_by_code_prefix_and_name(world, resource):
    _records(world)
    api = client_for(world, "city", api=True)
    by_code = api.get(f"/api/v1/{resource}/", {"q": world.ent.uscc[:10]})
    assert by_code.status_code == 200
    assert {r["enterprise"] for r in by_code.json()["results"]} == {world.ent.uscc}
    by_name = api.get(f"/api/v1/{resource}/", {"q": world.ent.name[2:]})
    assert by_name.status_code == 200 and {r["enterprise"] for r in by_name.json()["results"]} == {world.ent.uscc}
    assert api.get(f"/api/v1/{resource}/", {"q": "无此企业"}).json()["count"] == 0


@pytest.mark.parametrize("resource", RECORDS)
def test_q_on_every_record_page(world, resource):
    _records(world)
    web = client_for(world, "city")
    response = web.get(f"/elements/records/{resource}/", {"q": world.ent.uscc[:10]})
    assert response.status_code == 200
    assert world.ent.name in response.content.decode() and world.ent_2.name not in response.content.decode()


@pytest.mark.parametrize("resource", RECORDS)
@pytest.mark.parametrize("value", ["9" * 20, "-" + "9" * 20, "1.5"])
def test_a_batch_id_out_of_range_is_a_400_in_the_api_and_an_empty_page(world, resource, value):
    _records(world)
    response = client_for(world, "city", api=True).get(f"/api/v1/{resource}/", {"batch": value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "batch" in body["extra"]["fields"]
    page = client_for(world, "city").get(f"/elements/records/{resource}/", {"batch": value})
    assert page.status_code == 200 and world.ent.name not in page.content.decode()


def test_an_event_cursor_out_of_range_is_a_400(world):
    response = client_for(world, "city", api=True).get("/api/v1/change-events/", {"after": "9" * 20})
    assert response.status_code == 400 and "after" in response.json()["extra"]["fields"]
