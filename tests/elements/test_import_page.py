"""The import page shows the expected columns of each list and offers a template file with
the header row (issue 14)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from elements.choices import SYNC_FEEDS, Feed
from elements.sync.feeds import COLUMNS

from ..helpers import client_for

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_lists_columns_and_templates(world):
    page = client_for(world, "district").get(reverse("elements:batch_upload")).content.decode()
    assert 'data-testid="expected-columns"' in page
    for feed in SYNC_FEEDS:
        assert f'data-feed="{feed}"' in page
        assert reverse("elements:batch_template", args=[feed, "xlsx"]) in page
        assert reverse("elements:batch_template", args=[feed, "csv"]) in page
        for column in COLUMNS[feed]:
            assert column.header in page
    assert "---------" not in page


@pytest.mark.parametrize("feed", SYNC_FEEDS)
def test_the_xlsx_template_has_the_header_row(world, feed):
    r = client_for(world, "city").get(reverse("elements:batch_template", args=[feed, "xlsx"]))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    ws = load_workbook(io.BytesIO(r.content), read_only=True).active
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert header == [c.header for c in COLUMNS[feed]]


def test_the_csv_template_opens_in_excel_and_reads_back(world):
    r = client_for(world, "city").get(reverse("elements:batch_template", args=[Feed.PENALTY, "csv"]))
    text = r.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(text[1:]))) == [c.header for c in COLUMNS[Feed.PENALTY]]


def test_the_uploaded_template_is_recognised_as_its_list(world, tmp_path):
    """A template filled in and uploaded reads as the list it was made for (no unknown columns)."""
    from elements.sync.readers import open_reader

    r = client_for(world, "city").get(reverse("elements:batch_template", args=[Feed.ABNORMAL, "xlsx"]))
    path = tmp_path / "abnormal.xlsx"
    path.write_bytes(r.content)
    reader = open_reader(str(path))
    assert list(reader.rows()) == []  # the header row only, and the archive checks pass
    assert reader.headers == [c.header for c in COLUMNS[Feed.ABNORMAL]]


@pytest.mark.parametrize(("who", "status"), [("enterprise", 403), ("officer", 403), ("anonymous", 302)])
def test_only_regulators_and_admins(world, who, status):
    r = client_for(world, who).get(reverse("elements:batch_template", args=[Feed.PENALTY, "xlsx"]))
    assert r.status_code == status


def test_unknown_list_or_format_is_404(world):
    client = client_for(world, "city")
    assert client.get(reverse("elements:batch_template", args=["claim", "xlsx"])).status_code == 404
    assert client.get(reverse("elements:batch_template", args=[Feed.PENALTY, "pdf"])).status_code == 404


def test_a_holding_credit_shows_no_zero_reason_count(world):
    """Issue 14: no "0 项原因" under 良好."""
    page = client_for(world, "enterprise").get(reverse("elements:my_profile"), follow=True).content.decode()
    assert 'data-testid="credit-status"' in page
    assert "0 项原因" not in page and 'data-testid="credit-reason-count"' not in page
