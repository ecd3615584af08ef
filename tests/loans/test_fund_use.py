"""Fund use: the enterprise reports, never beyond what was disbursed; the share of the three
quality purposes; the bank accepts or questions, the enterprise answers; a missing first
report is flagged to the bank after 90 days."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from applications.models import Notification
from jingzhidai.errors import ApplicationError, TransitionNotAllowed
from loans import selectors, services
from loans.choices import FundUseStatus
from loans.models import FundUseReport

from .conftest import make_loan, upload

pytestmark = pytest.mark.django_db


def _report(loan, world, amount, purpose="equipment", **kw):
    return services.fund_use_report_create(loan=loan, user=world.enterprise, purpose=purpose, amount=amount,
                                           date=timezone.localdate(), description="购置三坐标测量机", **kw)


def test_totals_never_exceed_the_disbursed_and_shares(world, flow):
    loan = make_loan(world, flow, days_ago=10, disburse="500000")
    _report(loan, world, "300000", "equipment", uploaded=upload("发票.pdf"))
    _report(loan, world, "100000", "quality")
    _report(loan, world, "100000", "other")
    with pytest.raises(TransitionNotAllowed) as e:
        _report(loan, world, "0.01", "quality")
    assert e.value.code == "over_disbursed" and e.value.extra["remaining"] == "0.00"
    figures = selectors.fund_use_figures(loan)
    assert figures.reported == Decimal("500000") and figures.quality == Decimal("400000")
    assert figures.quality_share == Decimal("80.0") and figures.unreported == 0
    assert Notification.objects.filter(recipient=world.officer, kind="fund_use_reported").count() == 3


def test_only_the_enterprise_reports_and_bad_input_changes_nothing(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    for who in (world.officer, world.enterprise_2, world.district):
        with pytest.raises(ApplicationError) as e:
            services.fund_use_report_create(loan=loan, user=who, purpose="quality", amount="1",
                                            date=timezone.localdate(), description="x")
        assert e.value.status_code == 403
    bad = [({"purpose": "gold"}, "purpose"), ({"amount": "-5"}, "amount"), ({"description": " "}, "description"),
           ({"date": timezone.localdate() + timedelta(days=1)}, "date"),
           ({"date": timezone.localdate() - timedelta(days=30)}, "date")]
    for fields, field in bad:
        data = {"purpose": "quality", "amount": "100", "date": timezone.localdate(), "description": "设备", **fields}
        with pytest.raises(ApplicationError) as e:
            services.fund_use_report_create(loan=loan, user=world.enterprise, **data)
        assert field in e.value.extra["fields"], fields
    with pytest.raises(ApplicationError) as e:
        _report(loan, world, "100", uploaded=upload("x.pdf", content=b"MZ\x90\x00" + b"\x00" * 64))
    assert e.value.code == "file_type"
    assert not FundUseReport.objects.exists()


def test_nothing_to_report_before_disbursement(world, flow):
    loan = make_loan(world, flow, days_ago=10, disburse=None)
    with pytest.raises(TransitionNotAllowed):
        _report(loan, world, "100")


def test_review_question_answer(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    report = _report(loan, world, "200000")
    with pytest.raises(ApplicationError) as e:
        services.fund_use_report_review(report=report, user=world.officer, accepted=False, note="")
    assert e.value.code == "note_required"
    report = services.fund_use_report_review(report=report, user=world.officer, accepted=False,
                                             note="请补充设备采购合同")
    assert report.status == FundUseStatus.QUESTIONED
    assert Notification.objects.filter(recipient=world.enterprise, kind="fund_use_reviewed").exists()
    with pytest.raises(TransitionNotAllowed):
        services.fund_use_report_review(report=report, user=world.approver, accepted=True)
    with pytest.raises(ApplicationError) as e:
        services.fund_use_report_answer(report=report, user=world.officer, answer="x")
    assert e.value.status_code == 403
    report = services.fund_use_report_answer(report=report, user=world.enterprise, answer="合同已上传至附件")
    assert report.status == FundUseStatus.ANSWERED
    report = services.fund_use_report_review(report=report, user=world.approver, accepted=True)
    assert report.status == FundUseStatus.ACCEPTED
    with pytest.raises(TransitionNotAllowed):
        services.fund_use_report_answer(report=report, user=world.enterprise, answer="again")


def test_missing_first_report_flagged_to_the_bank_once(world, flow, settings):
    settings.LOANS_FUND_USE_REPORT_DAYS = 30
    late = make_loan(world, flow, days_ago=40)
    reported = make_loan(world, flow, days_ago=40)
    _report(reported, world, "1000")
    recent = make_loan(world, flow, days_ago=10)
    assert services.loans_fund_use_flag() == 1
    late.refresh_from_db()
    recent.refresh_from_db()
    assert late.fund_use_flagged_at is not None and recent.fund_use_flagged_at is None
    assert Notification.objects.filter(recipient=world.officer, kind="loan_fund_use_missing").count() == 1
    assert not Notification.objects.filter(recipient=world.enterprise, kind="loan_fund_use_missing").exists()
    assert services.loans_fund_use_flag() == 0


def test_a_rolled_back_report_leaves_a_file_that_the_nightly_sweep_deletes(world, flow, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    loan = make_loan(world, flow, days_ago=10)
    kept = _report(loan, world, "1000", uploaded=upload("发票.pdf"))

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        _report(loan, world, "1000", uploaded=upload("发票2.pdf"))
        raise Abort
    month = kept.file.name.rsplit("/", 1)[0]
    orphans = {f"{month}/{n}" for n in default_storage.listdir(month)[1]} - {kept.file.name}
    assert len(orphans) == 1
    assert services.fund_use_orphans_sweep(hours=1) == []  # too young: may still be in flight
    assert services.fund_use_orphans_sweep(hours=0) == sorted(orphans)
    assert default_storage.exists(kept.file.name)


def test_loan_notices_read_in_the_readers_language(world, flow):
    """Issue 14: a loan notice is rendered per reader: the amount's unit and the status follow
    the reader's language; the enterprise's description is shown as written."""
    loan = make_loan(world, flow, days_ago=10, disburse="500000")
    _report(loan, world, "300000")
    n = Notification.objects.get(recipient=world.officer, kind="fund_use_reported")
    assert n.message == "fund_use_reported"
    zh_subject, zh_body = n.rendered(language="zh-hans")
    en_subject, en_body = n.rendered(language="en")
    assert "30 万元" in zh_subject and "30 10k yuan" in en_subject and "review" in en_subject
    assert zh_body == en_body == "购置三坐标测量机"
    report = FundUseReport.objects.get(loan=loan)
    services.fund_use_report_review(report=report, user=world.officer, accepted=False, note="请补充合同")
    n = Notification.objects.get(recipient=world.enterprise, kind="fund_use_reviewed")
    assert "questioned" in n.rendered(language="en")[0].lower()
