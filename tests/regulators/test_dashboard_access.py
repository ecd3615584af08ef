"""Who sees which dashboard figures and drill-down rows; the API's shape and errors; Excel
exports match the figures; a constant number of queries."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from identity.models import RegulatorUnit
from regulators import metrics
from regulators.metrics import Period, Scope

from ..helpers import client_for
from .dashboard_fixture import Q3, build

pytestmark = pytest.mark.django_db

PAGES = ["/regulators/dashboard/", "/regulators/dashboard/banks/", "/regulators/dashboard/policy/"]
QS = "period=quarter&quarter=2026-Q3"
API = "/api/v1/dashboard/?from=2026-07-01&to=2026-09-30"


@pytest.fixture
def q3(world, product, product_2):
    return build(world, product, product_2)


def _api(world, who, url):
    return client_for(world, who, api=True).get(url)


@pytest.mark.parametrize("who", ["enterprise", "enterprise_2"])
def test_enterprises_get_404(q3, world, who):
    for url in PAGES:
        assert client_for(world, who).get(f"{url}?{QS}").status_code == 404
    assert _api(world, who, API).status_code == 404


def test_anonymous_is_sent_to_sign_in(q3, world):
    for url in PAGES:
        r = client_for(world, "anonymous").get(url)
        assert r.status_code == 302 and "/login/" in r["Location"]
    assert _api(world, "anonymous", API).status_code in (401, 403)


@pytest.mark.parametrize("who", ["district", "district_2", "city", "admin", "officer", "approver", "bank_admin",
                                 "officer_2", "bank_admin_2"])
def test_every_page_opens_for_its_roles(q3, world, who):
    for url in PAGES:
        assert client_for(world, who).get(f"{url}?{QS}").status_code == 200, (who, url)


def test_a_district_sees_its_own_figures_only(q3, world):
    haidian, chaoyang = world.ent.regulator_unit, world.ent_2.regulator_unit
    mine = _api(world, "district", API).json()
    assert mine["scope"]["unit_code"] == haidian.code
    assert mine["applications"]["submitted"] == 3
    other = _api(world, "district_2", API).json()
    assert other["applications"]["submitted"] == 2
    # Asking for the other district: 404 on the API and on every page, the error shape on the API.
    r = _api(world, "district", f"{API}&district={chaoyang.code}")
    assert r.status_code == 404 and set(r.json()) == {"message", "code", "extra"}
    for url in PAGES:
        assert client_for(world, "district").get(f"{url}?{QS}&unit={chaoyang.code}").status_code == 404
    # Its own code is fine.
    assert _api(world, "district", f"{API}&district={haidian.code}").status_code == 200


def test_a_district_drill_down_never_lists_another_district(q3, world):
    """The link behind a figure, even edited to name another unit, goes through the list's door."""
    chaoyang = world.ent_2.regulator_unit_id
    url = f"/api/v1/applications/?stage=submitted&date_from=2026-07-01&date_to=2026-09-30&unit={chaoyang}"
    body = _api(world, "district", url).json()
    assert body["count"] == 0
    body = _api(world, "district_2", url).json()
    assert body["count"] == 2


def test_a_bank_sees_itself_and_the_city_average_never_another_bank(q3, world):
    mine = _api(world, "officer", API).json()
    assert mine["scope"]["bank"] == world.bank.pk
    assert [r["key"] for r in mine["by_bank"]] == [world.bank.pk]
    assert mine["applications"]["submitted"] == 3
    assert _api(world, "officer", f"{API}&bank={world.bank_2.pk}").status_code == 404
    for url in PAGES:
        assert client_for(world, "officer").get(f"{url}?{QS}&bank={world.bank_2.pk}").status_code == 404
    page = client_for(world, "bank_admin").get(f"/regulators/dashboard/banks/?{QS}").content.decode()
    assert world.bank.name in page and world.bank_2.name not in page
    assert 'data-testid="average-row"' in page
    page = client_for(world, "officer").get(f"/regulators/dashboard/?{QS}").content.decode()
    assert world.bank_2.name not in page
    assert 'data-testid="city-average"' in page


def test_the_city_sees_all_and_compares_districts(q3, world):
    body = _api(world, "city", API).json()
    assert body["applications"]["submitted"] == 5
    assert {r["key"] for r in body["by_bank"]} == {world.bank.pk, world.bank_2.pk}
    page = client_for(world, "city").get(f"/regulators/dashboard/?{QS}").content.decode()
    assert 'data-testid="table-units"' in page
    assert world.ent.regulator_unit.name in page and world.ent_2.regulator_unit.name in page
    r = _api(world, "city", f"{API}&district={world.ent_2.regulator_unit.code}&bank={world.bank_2.pk}")
    assert r.json()["applications"]["submitted"] == 2
    assert _api(world, "city", f"{API}&district=999999").status_code == 404
    assert _api(world, "city", f"{API}&bank=999999").status_code == 404
    municipal = RegulatorUnit.objects.get(code="110000")
    assert _api(world, "city", f"{API}&district={municipal.code}").status_code == 404


def test_api_errors_have_the_common_shape(q3, world):
    for url in ("/api/v1/dashboard/", "/api/v1/dashboard/?from=2026-07-01",
                "/api/v1/dashboard/?from=2026-09-01&to=2026-07-01", "/api/v1/dashboard/?from=x&to=y"):
        r = _api(world, "city", url)
        assert r.status_code == 400, url
        assert set(r.json()) == {"message", "code", "extra"}


def test_api_is_in_the_schema(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/dashboard/" in schema


def test_drill_down_lists_hold_exactly_the_rows_behind_each_figure(q3, world):
    f = metrics.dashboard(Scope(), Period(*Q3))
    base = "/api/v1/applications/?date_from=2026-07-01&date_to=2026-09-30&stage="
    for stage, figure in (("submitted", f["applications"]["submitted"]), ("approved", f["applications"]["approved"]),
                          ("decided", f["applications"]["decided"]), ("rejected", f["applications"]["rejected"]),
                          ("accepted", f["applications"]["accepted"]), ("contracted", f["applications"]["contracted"]),
                          ("returned", f["applications"]["returned"])):
        assert _api(world, "city", base + stage).json()["count"] == figure, stage
    assert _api(world, "city", base + "approved&guarantee=credit").json()["count"] == f["credit_loans"]["credit"]
    status = "/api/v1/applications/?date_from=2026-07-01&date_to=2026-09-30&stage=submitted&status_at_end="
    assert _api(world, "city", status + "disbursed").json()["count"] == 2
    assert _api(world, "city", status + "returned").json()["count"] == 1
    loans = "/api/v1/loans/?as_of=2026-09-30&position="
    assert _api(world, "city", loans + "held").json()["count"] == f["loans"]["loans"]
    assert _api(world, "city", loans + "overdue").json()["count"] == f["loans"]["overdue_loans"]
    assert _api(world, "city", loans + "npl").json()["count"] == f["loans"]["npl_loans"]
    alerts = client_for(world, "city").get("/loans/alerts/?open_on=2026-09-30").content.decode()
    assert alerts.count('data-testid="alert-row"') == f["open_alerts"]
    vr = client_for(world, "city").get("/regulators/verification-requests/?asked_from=2026-07-01&asked_to=2026-09-30"
                                       "&late_at_end=true").content.decode()
    assert vr.count('data-testid="request-row"') == f["verification"]["overdue"]


def test_every_figure_on_the_page_links_to_its_list(q3, world):
    page = client_for(world, "city").get(f"/regulators/dashboard/?{QS}").content.decode()
    for marker in ("stage=submitted", "stage=approved", "stage=decided", "stage=accepted", "stage=contracted",
                   "stage=disbursement", "position=npl", "position=overdue", "open_on=2026-09-30",
                   "late_at_end=true", "status_at_end=disbursed"):
        assert marker in page, marker


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    return book[book.sheetnames[0]]


def test_excel_totals_match_the_dashboard(q3, world):
    f = metrics.dashboard(Scope(), Period(*Q3))
    client = client_for(world, "city")
    for table in ("by_bank", "by_product", "by_purpose", "by_industry", "by_month"):
        sheet = _sheet(client.get(f"/regulators/dashboard/?{QS}&export={table}"))
        rows = list(sheet.iter_rows(values_only=True))
        total = rows[-1]
        assert total[0] == "合计"
        assert total[1] == f["applications"]["submitted"], table
        assert total[2] == 420  # 4,200,000 yuan in 万元
        assert total[5] == f["applications"]["approved"]
        assert sheet.cell(row=len(rows), column=3).number_format == "#,##0.00"
    summary = [r for r in _sheet(client.get(f"/regulators/dashboard/?{QS}&export=summary")).iter_rows(values_only=True)]
    assert ("申请提交数", 5) in [(r[0], r[1]) for r in summary] or any(r[1] == 5 for r in summary)
    banks = list(_sheet(client.get(f"/regulators/dashboard/banks/?{QS}&export=banks")).iter_rows(values_only=True))
    assert banks[-1][1] == 5  # received, all banks
    assert client.get(f"/regulators/dashboard/?{QS}&export=nonsense").status_code == 404
    policy = list(_sheet(client.get(f"/regulators/dashboard/policy/?{QS}&export=policy")).iter_rows(values_only=True))
    assert len(policy) == 1 + 2


def test_excel_text_never_starts_a_formula(q3, world):
    from applications.models import HistoryEntry

    from .dashboard_fixture import at

    HistoryEntry.objects.create(application=q3.a4, action="return", from_status="submitted", to_status="returned",
                                note="=HYPERLINK(\"http://x\")", at=at(9, 21))
    rows = list(_sheet(client_for(world, "city").get(f"/regulators/dashboard/banks/?{QS}&export=complaints"))
                .iter_rows(values_only=True))
    assert any(str(r[5]).startswith("'=") for r in rows[1:])


def test_the_dashboard_runs_a_constant_number_of_queries(q3, world, product):
    with CaptureQueriesContext(connection) as before:
        metrics.compute_dashboard(Scope(), Period(*Q3))
    from applications.models import Application

    for a in list(Application.objects.all()):
        a.pk = None
        a.save()
    with CaptureQueriesContext(connection) as after:
        metrics.compute_dashboard(Scope(), Period(*Q3))
    assert len(after) == len(before)


def test_query_count_is_pinned(q3, django_assert_num_queries):
    with django_assert_num_queries(47):
        metrics.compute_dashboard(Scope(), Period(*Q3))
    with django_assert_num_queries(16):
        metrics._bank_evaluation(Period(*Q3))


def test_a_closed_period_is_kept_until_a_row_dated_within_it_arrives(q3, world, django_assert_num_queries):
    from datetime import date
    from decimal import Decimal

    from loans.models import Repayment

    period = Period(*Q3)
    first = metrics.dashboard(Scope(), period)
    with django_assert_num_queries(1):  # the watermark only
        assert metrics.dashboard(Scope(), period) == first
    # A repayment dated after the period: the kept figures stay (watermark + one check).
    Repayment.objects.create(loan=q3.l3, bank=q3.l3.bank, date=date(2026, 11, 2), principal=Decimal("1000"),
                             interest=Decimal("0"), reference="LATE-1", source="page")
    with django_assert_num_queries(2):
        assert metrics.dashboard(Scope(), period) == first
    # A backdated one (dated inside the period): recomputed, the outstanding balance moves.
    Repayment.objects.create(loan=q3.l3, bank=q3.l3.bank, date=date(2026, 9, 29), principal=Decimal("100000"),
                             interest=Decimal("0"), reference="BACK-1", source="page")
    again = metrics.dashboard(Scope(), period)
    assert again["amounts"]["outstanding"] == first["amounts"]["outstanding"] - Decimal("100000")
    assert again == metrics.compute_dashboard(Scope(), period)


def test_the_nightly_precompute_keeps_the_last_closed_periods(q3, world):
    from datetime import date

    from regulators.precompute import last_closed, precompute

    assert last_closed(date(2026, 12, 1)) == [Period(date(2026, 11, 1), date(2026, 11, 30)),
                                              Period(date(2026, 7, 1), date(2026, 9, 30))]
    assert precompute([Period(*Q3)]) > 3
