"""Every list filter's empty choice says 全部 / All, never "---------" or "未知" (issue 14)."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.filters import ApplicationFilter, VerificationRequestFilter
from loans.filters import LoanFilter, RiskAlertFilter

from ..helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("cls", [ApplicationFilter, VerificationRequestFilter, LoanFilter, RiskAlertFilter])
def test_empty_choices_read_all(cls):
    with translation.override("zh-hans"):
        html = str(cls(data={}).form)
    assert "---------" not in html and "未知" not in html
    assert "全部" in html


@pytest.mark.parametrize(("who", "url"), [
    ("city", "elements:distinction_list"), ("city", "elements:listing_list"), ("city", "elements:penalty_list"),
    ("city", "elements:spotcheck_list"), ("city", "elements:batch_list"), ("city", "elements:batch_upload"),
    ("city", "identity:enterprise_list"), ("admin", "identity:user_list"), ("city", "banks:bank_list"),
    ("officer", "applications:list"), ("officer", "loans:list"), ("officer", "loans:alerts"),
    ("district", "regulators:inbox")])
def test_list_pages_show_no_dashes(world, who, url):
    page = client_for(world, who).get(reverse(url)).content.decode()
    assert "---------" not in page
