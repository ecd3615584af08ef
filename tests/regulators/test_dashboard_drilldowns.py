"""The drill-downs added at stop 17: fund use by purpose, enterprises with a profile and those whose
quality credit holds, and the banks' verification requests sent and answered. Each list, opened
from the page's own link, holds exactly the rows behind the figure, under the same doors; no
district sees another's rows."""

import html
import re
from decimal import Decimal as D

import pytest

from identity.models import RegulatorUnit
from regulators import metrics
from regulators.metrics import Period, Scope

from ..helpers import client_for
from .dashboard_fixture import Q3, build

pytestmark = pytest.mark.django_db

QS = "period=quarter&quarter=2026-Q3"


@pytest.fixture
def q3(world, product, product_2):
    return build(world, product, product_2)


def _href(page: str, testid: str) -> str:
    m = re.search(rf'<a href="([^"]+)"[^>]*data-testid="{testid}"', page) or re.search(
        rf'data-testid="{testid}"><a href="([^"]+)"', page)
    assert m, testid
    return html.unescape(m.group(1))


def _hrefs(page: str, testid: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'<a href="([^"]+)"[^>]*data-testid="{testid}"', page)]


def _open(world, who, url):
    response = client_for(world, who).get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("who", ["city", "district"])
def test_fund_use_links_to_the_reports_behind_each_amount(q3, world, who):
    scope = Scope() if who == "city" else Scope(unit=world.district.regulator_unit_id)
    f = metrics.dashboard(scope, Period(*Q3))["fund_use"]
    page = _open(world, who, f"/regulators/dashboard/?{QS}").content.decode()
    total = _open(world, who, _href(page, "fund-use-total"))
    assert total.context["total"] == f["reported"] > 0
    for row in f["by_purpose"]:
        listed = _open(world, who, _href(page, f"fund-use-{row['key']}"))
        assert listed.context["total"] == row["amount"], row["key"]
        assert all(r.purpose == row["key"] for r in listed.context["object_list"])


@pytest.mark.parametrize("who", ["city", "district"])
def test_enterprise_figures_link_to_the_enterprises_behind_them(q3, world, who):
    scope = Scope() if who == "city" else Scope(unit=world.district.regulator_unit_id)
    f = metrics.dashboard(scope, Period(*Q3))["enterprises"]
    page = _open(world, who, f"/regulators/dashboard/?{QS}").content.decode()
    with_profile = _open(world, who, _href(page, "card-with_profile"))
    credit = _open(world, who, _href(page, "card-quality_credit"))
    assert with_profile.context["paginator"].count == f["with_profile"]
    assert credit.context["paginator"].count == f["quality_credit"]
    assert (f["with_profile"], f["quality_credit"]) == ((2, 1) if who == "city" else (1, 1))


def test_bank_evaluation_links_to_the_requests_sent_and_answered(q3, world):
    rows = metrics.bank_evaluation(Period(*Q3))
    page = _open(world, "city", f"/regulators/dashboard/banks/?{QS}").content.decode()
    asked, answered = _hrefs(page, "vr-asked"), _hrefs(page, "vr-answered")
    assert len(asked) == len(answered) == len(rows)
    for row, a, b in zip(rows, asked, answered, strict=True):
        assert _open(world, "city", a).context["paginator"].count == row["verification"]["asked"], row["label"]
        assert _open(world, "city", b).context["paginator"].count == row["verification"]["answered"], row["label"]
    assert sum(r["verification"]["asked"] for r in rows) == 3


def test_a_bank_opens_its_own_requests_from_its_evaluation(q3, world):
    own = next(r for r in metrics.bank_evaluation(Period(*Q3)) if r["key"] == world.bank.pk)
    page = _open(world, "officer", f"/regulators/dashboard/banks/?{QS}").content.decode()
    (asked,), (answered,) = _hrefs(page, "vr-asked"), _hrefs(page, "vr-answered")
    listed = _open(world, "officer", asked)
    assert listed.context["paginator"].count == own["verification"]["asked"] == 2
    # The inbox's rows are values (jingzhidai/rows.py): the request's application's bank.
    assert {r.application__bank_id for r in listed.context["object_list"]} == {world.bank.pk}
    assert _open(world, "officer", answered).context["paginator"].count == own["verification"]["answered"]
    # another bank's requests are not in its door, whatever the query string says
    other = _open(world, "officer", f"/regulators/verification-requests/?bank={world.bank_2.pk}")
    assert other.context["paginator"].count == 0


def test_no_district_sees_another_districts_rows(q3, world):
    chaoyang = RegulatorUnit.objects.get(code="110105").pk
    haidian = world.district.regulator_unit_id
    for url in ("/loans/fund-use/", "/elements/enterprises/?as_of=2026-09-30",
                "/regulators/verification-requests/?asked_from=2026-07-01&asked_to=2026-09-30"):
        sep = "&" if "?" in url else "?"
        mine = _open(world, "district", url)
        assert mine.context["paginator"].count > 0, url
        assert _open(world, "district", f"{url}{sep}unit={chaoyang}").context["paginator"].count == 0, url
        theirs = _open(world, "district_2", f"{url}{sep}unit={haidian}")
        assert theirs.context["paginator"].count == 0, url
    rows = _open(world, "district", "/loans/fund-use/").context["object_list"]
    assert {r.loan.enterprise_id for r in rows} == {world.ent.uscc}
    assert _open(world, "district", "/loans/fund-use/").context["total"] == D("400000")


def test_banks_see_no_list_of_profiles_from_their_dashboard(q3, world):
    page = _open(world, "officer", f"/regulators/dashboard/?{QS}").content.decode()
    assert "/elements/enterprises/" not in page


def test_reading_the_complaint_rows_is_audited(q3, world):
    from audit.models import AuditAction, AuditEvent

    assert metrics.complaints(Scope(), Period(*Q3))  # the page shows rows
    _open(world, "city", f"/regulators/dashboard/banks/?{QS}")
    _open(world, "district", f"/regulators/dashboard/banks/?{QS}&export=complaints")
    rows = AuditEvent.objects.filter(object_type="applications.historyentry").order_by("id")
    assert [(r.user_id, r.action) for r in rows] == [(world.city.pk, AuditAction.LIST),
                                                      (world.district.pk, AuditAction.EXPORT)]
    assert "quarter=2026-Q3" in rows[0].query
