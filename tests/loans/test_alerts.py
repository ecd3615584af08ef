"""Risk alerts from the library's change events: a sync listing a borrower alerts its bank and
its district and nobody else, exactly once; expiry, revocation and good news; the overlap
window for late commits; acknowledgement and escalation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import Status
from applications.models import Notification
from elements import services as element_services
from elements.models import ChangeEvent, Distinction, ElementType
from elements.sync import run_file
from jingzhidai.errors import ApplicationError, TransitionNotAllowed
from loans import services
from loans.choices import AlertAction, Audience
from loans.models import AlertScan, RiskAlert

from ..factories import EnterpriseFactory
from ..helpers import client_for
from .conftest import make_loan

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,列入日期,列入原因,列入决定机关,移出日期,移出原因\n"


def abnormal_file(tmp_path, rows, name="abnormal.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _alert_notices(user):
    return Notification.objects.filter(recipient=user, kind="risk_alert")


def test_a_sync_listing_a_borrower_alerts_its_bank_and_district_and_nobody_else_once(
        world, flow, tmp_path, django_capture_on_commit_callbacks):
    loan = make_loan(world, flow, days_ago=10)
    stranger = EnterpriseFactory(district_id="110105", division="110105")
    path = abnormal_file(tmp_path, [(world.ent.uscc, "甲", "2026-11-20", "未按规定报送年度报告", "海淀区市场监督管理局", "", ""),
                                    (stranger.uscc, "乙", "2026-11-20", "通过登记的住所无法联系", "朝阳区市场监督管理局", "", "")])
    with django_capture_on_commit_callbacks(execute=True):
        batch = run_file(feed="abnormal", path=path)
    # The end of the sync started the job: the alerts exist as soon as the sync returns.
    alerts = list(RiskAlert.objects.order_by("audience"))
    assert [(a.audience, a.loan_id, a.bank_id, a.regulator_unit_id) for a in alerts] == [
        (Audience.BANK, loan.pk, world.bank.pk, None), (Audience.DISTRICT, None, None, world.district.regulator_unit_id)]
    assert all(a.event.batch_id == batch.pk and not a.good_news and a.notified_at for a in alerts)
    for user in (world.officer, world.approver, world.district):
        notices = list(_alert_notices(user))
        assert len(notices) == 1, user
        assert "未按规定报送年度报告" in notices[0].subject + notices[0].body
        assert f"#{batch.pk}" in notices[0].body  # names its source: batch and row
    for user in (world.officer_2, world.district_2, world.enterprise, world.city, world.bank_admin):
        assert not _alert_notices(user).exists(), user
    # Re-running the job and the same sync raises nothing twice.
    assert services.risk_alerts_raise() == 0
    with django_capture_on_commit_callbacks(execute=True):
        run_file(feed="abnormal", path=path)
    assert RiskAlert.objects.count() == 2 and _alert_notices(world.officer).count() == 1


def test_open_applications_alert_too_but_not_drafts_nor_earlier_changes(world, flow):
    # A change recorded before the enterprise submitted is not news to the bank.
    ChangeEvent.objects.create(enterprise=world.ent_2, kind="penalty", record_type="penalty", source="regulator",
                               data={"decision_no": "京朝市监罚〔2025〕9号"})
    submitted = flow.to(Status.SUBMITTED, other=True)
    flow.draft()  # world.ent's draft: its bank holds nothing yet
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="草稿期间")
    services.risk_alerts_raise()
    assert not RiskAlert.objects.exists()
    element_services.listing_record(enterprise=world.ent_2, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district_2, entry_reason="申请期间")
    services.risk_alerts_raise()
    bank = RiskAlert.objects.get(audience=Audience.BANK)
    assert (bank.application_id, bank.loan_id, bank.bank_id) == (submitted.pk, None, world.bank_2.pk)
    assert RiskAlert.objects.get(audience=Audience.DISTRICT).regulator_unit_id == world.district_2.regulator_unit_id
    assert _alert_notices(world.officer_2).count() == 1 and not _alert_notices(world.officer).exists()


def test_manual_entry_alerts_with_the_regulator_as_source_and_removal_is_good_news(
        world, flow, django_capture_on_commit_callbacks):
    loan = make_loan(world, flow, days_ago=10)
    with django_capture_on_commit_callbacks(execute=True):
        listing = element_services.listing_record(enterprise=world.ent, kind="abnormal",
                                                  listed_on=timezone.localdate(), user=world.district,
                                                  entry_reason="现场核查无法联系", reason="住所无法联系")
    bad = RiskAlert.objects.get(audience=Audience.BANK)
    assert bad.loan_id == loan.pk and not bad.good_news
    notice = _alert_notices(world.officer).get()
    assert world.district.display_name in notice.body
    # Issue 14: rendered per reader; the authority's words and the regulator's name stay as written.
    subject, body = notice.rendered(language="en")
    assert subject.startswith("Risk alert: ") and "Abnormal operation list" in subject and loan.number in body
    assert "Source: entered by" in body and "住所无法联系" in body
    assert notice.rendered(language="zh-hans")[0].startswith("风险预警：")
    with django_capture_on_commit_callbacks(execute=True):
        element_services.listing_remove(listing=listing, removed_on=timezone.localdate(), user=world.district,
                                        reason="已更正住所")
    good = RiskAlert.objects.filter(audience=Audience.BANK, good_news=True)
    assert good.count() == 1 and good.get().event.kind == "removed"
    assert RiskAlert.objects.filter(audience=Audience.DISTRICT, good_news=True).count() == 1


def test_a_claimed_distinction_expiring_or_revoked_alerts_an_unclaimed_one_does_not(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    today = timezone.localdate()
    claimed = Distinction.objects.get(enterprise=world.ent)
    other_type = ElementType.objects.filter(nature="distinction", retired_at__isnull=True).exclude(
        pk=claimed.element_type_id).first()
    element_services.distinction_record(enterprise=world.ent, element_type=other_type, user=world.district,
                                        reason="测试", granted_on=today - timedelta(days=30),
                                        expires_on=today + timedelta(days=5))
    Distinction.objects.filter(pk=claimed.pk).update(expires_on=today + timedelta(days=5))
    services.risk_alerts_raise()
    assert not RiskAlert.objects.exists()  # a distinction granted is no risk
    element_services.distinctions_expire(today=today + timedelta(days=6))
    assert ChangeEvent.objects.filter(kind="distinction_lapsed").count() == 2
    services.risk_alerts_raise()
    alert = RiskAlert.objects.get(audience=Audience.BANK)
    assert alert.loan_id == loan.pk and alert.event.element_type_id == claimed.element_type_id
    assert alert.event.kind == "distinction_lapsed"


def test_registration_status_ending_alerts(world, flow, tmp_path):
    make_loan(world, flow, days_ago=10)
    header = "统一社会信用代码,企业名称,登记机关,住所,登记状态\n"
    path = tmp_path / "reg.csv"
    path.write_text(header + f"{world.ent.uscc},{world.ent.name},海淀区市场监督管理局,北京市海淀区中关村大街1号,吊销\n",
                    encoding="utf-8")
    run_file(feed="registration", path=path)
    services.risk_alerts_raise()
    alert = RiskAlert.objects.get(audience=Audience.BANK)
    assert alert.event.kind == "registration_changed"


def test_a_late_committing_event_is_read_within_the_overlap_window(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    now = timezone.now()
    services.risk_alerts_raise(now=now - timedelta(hours=2))
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="迟到的事务")
    late = ChangeEvent.objects.order_by("-id").first()
    # A scan that started while this event's transaction was still open: it read up to the
    # event's id without seeing it.
    AlertScan.objects.create(started_at=now, upto=late.pk)
    assert services.risk_alerts_raise(now=now + timedelta(minutes=5)) == 2
    assert RiskAlert.objects.get(audience=Audience.BANK).loan_id == loan.pk


def test_acknowledge_and_escalate(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="测试")
    services.risk_alerts_raise()
    alert = RiskAlert.objects.get(audience=Audience.BANK)
    district_alert = RiskAlert.objects.get(audience=Audience.DISTRICT)
    RiskAlert.objects.filter(pk__in=[alert.pk, district_alert.pk]).update(
        created_at=timezone.now() - timedelta(days=10))
    assert services.risk_alerts_escalate() == 1  # only the bank's alert waits for an acknowledgement
    assert Notification.objects.filter(recipient=world.approver, kind="risk_alert_escalated").count() == 1
    assert not Notification.objects.filter(recipient=world.officer, kind="risk_alert_escalated").exists()
    assert services.risk_alerts_escalate() == 0
    with pytest.raises(ApplicationError) as e:
        services.risk_alert_acknowledge(alert=alert, user=world.officer, action=AlertAction.OTHER, note="")
    assert "note" in e.value.extra["fields"]
    for who in (world.officer_2, world.district, world.enterprise, world.bank_admin):
        with pytest.raises(ApplicationError) as e:
            services.risk_alert_acknowledge(alert=alert, user=who, action=AlertAction.CONTINUE)
        assert e.value.status_code == 403
    a = services.risk_alert_acknowledge(alert=alert, user=world.officer, action=AlertAction.TIGHTEN,
                                        note="按月走访")
    assert a.acknowledged_by == world.officer and a.action == AlertAction.TIGHTEN
    with pytest.raises(TransitionNotAllowed):
        services.risk_alert_acknowledge(alert=alert, user=world.approver, action=AlertAction.CONTINUE)
    assert loan.alerts.filter(acknowledged_at__isnull=True).count() == 0


def test_recent_alerts_are_not_escalated_before_five_working_days(world, flow):
    make_loan(world, flow, days_ago=10)
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="测试")
    services.risk_alerts_raise()
    # Six calendar days ago over a weekend can be fewer than five working days.
    RiskAlert.objects.update(created_at=timezone.now() - timedelta(days=3))
    assert services.risk_alerts_escalate() == 0


def test_only_a_market_regulation_penalty_alerts(world, flow, tmp_path):
    """Issue 12 names "a market-regulation penalty"; issue 11: another department's penalty is
    information, not a reason. A tax bureau's penalty alerts nobody, a market-regulation one does."""
    from ..elements.conftest import write_csv

    loan = make_loan(world, flow, days_ago=10)
    day = timezone.localdate().isoformat()
    path = write_csv(tmp_path / "penalty.csv", "penalty", [
        {"统一社会信用代码": world.ent.uscc, "企业名称": world.ent.name, "决定书文号": "京海税罚〔2026〕7号",
         "违法行为类型": "未按期申报", "处罚内容": "罚款2000元", "决定机关": "国家税务总局北京市海淀区税务局",
         "处罚决定日期": day},
        {"统一社会信用代码": world.ent.uscc, "企业名称": world.ent.name, "决定书文号": "京海市监罚〔2026〕8号",
         "违法行为类型": "产品质量", "处罚内容": "罚款5000元", "决定机关": "北京市海淀区市场监督管理局",
         "处罚决定日期": day}])
    run_file(feed="penalty", path=path)
    assert ChangeEvent.objects.filter(kind="penalty", enterprise=world.ent).count() == 2
    services.risk_alerts_raise()
    bank = RiskAlert.objects.get(audience=Audience.BANK)
    assert bank.loan_id == loan.pk and bank.event.data["decision_no"] == "京海市监罚〔2026〕8号"
    assert RiskAlert.objects.filter(audience=Audience.DISTRICT).count() == 1


def test_a_claimed_distinction_revoked_alerts(world, flow):
    loan = make_loan(world, flow, days_ago=10)
    claimed = Distinction.objects.get(enterprise=world.ent)
    element_services.distinction_revoke(distinction=claimed, user=world.district, reason="证书被撤销",
                                        revoked_on=timezone.localdate())
    services.risk_alerts_raise()
    alert = RiskAlert.objects.get(audience=Audience.BANK)
    assert alert.loan_id == loan.pk and alert.event.kind == "distinction_revoked"
    assert "证书被撤销" in _alert_notices(world.officer).get().body


@pytest.mark.parametrize("status, alerts", [("注销", 2), ("迁出", 2), ("吊销（未注销）", 2), ("停业", 0)])
def test_registration_status_turning_deregistered_or_moved_out_alerts(world, flow, tmp_path, status, alerts):
    make_loan(world, flow, days_ago=10)
    header = "统一社会信用代码,企业名称,登记机关,住所,登记状态\n"
    path = tmp_path / "reg.csv"
    path.write_text(header + f"{world.ent.uscc},{world.ent.name},海淀区市场监督管理局,北京市海淀区中关村大街1号,{status}\n",
                    encoding="utf-8")
    run_file(feed="registration", path=path)
    services.risk_alerts_raise()
    assert RiskAlert.objects.count() == alerts


def test_alerts_are_e_mailed_to_the_bank_desk_and_the_district_once(world, flow, tmp_path, mailoutbox,
                                                                     django_capture_on_commit_callbacks):
    make_loan(world, flow, days_ago=10)
    for u in (world.officer, world.approver, world.district, world.officer_2, world.district_2, world.enterprise):
        type(u).objects.filter(pk=u.pk).update(email=f"{u.username}@example.cn")
    path = abnormal_file(tmp_path, [(world.ent.uscc, "甲", "2026-11-20", "邮件测试原因", "海淀区市场监督管理局", "", "")])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_file(feed="abnormal", path=path)
    with django_capture_on_commit_callbacks(execute=True):
        services.risk_alerts_raise()  # a re-run e-mails nothing again
    to = sorted(a for m in mailoutbox if "邮件测试原因" in m.subject + m.body for a in m.to)
    assert to == sorted(f"{u.username}@example.cn" for u in (world.officer, world.approver, world.district))


def test_the_alert_job_runs_a_constant_number_of_queries_per_batch(world, flow):
    """More events, loans, banks and districts in one batch cost no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_loan(world, flow, days_ago=10)
    make_loan(world, flow, days_ago=10)
    flow.to(Status.SUBMITTED, other=True)  # world.ent_2's open application at bank_2, another district
    element_services.listing_record(enterprise=world.ent, kind="abnormal", listed_on=timezone.localdate(),
                                    user=world.district, entry_reason="一")
    with CaptureQueriesContext(connection) as one:
        assert services.risk_alerts_raise() == 2 + 1
    for n, (ent, reg) in enumerate([(world.ent, world.district)] * 3 + [(world.ent_2, world.district_2)] * 2):
        element_services.listing_record(enterprise=ent, kind="abnormal",
                                        listed_on=timezone.localdate() - timedelta(days=n + 1), user=reg,
                                        entry_reason=f"批{n}")
    with CaptureQueriesContext(connection) as many:
        assert services.risk_alerts_raise() == 3 * (2 + 1) + 2 * (1 + 1)
    assert len(many) == len(one), [q["sql"][:80] for q in many]


def test_a_failed_spot_check_alerts_a_passed_one_does_not(world, flow, tmp_path):
    from ..elements.conftest import write_csv

    loan = make_loan(world, flow, days_ago=10)
    day = timezone.localdate().isoformat()
    row = {"统一社会信用代码": world.ent.uscc, "受检单位": world.ent.name, "抽查级别": "市级", "规格型号": "JZ-1",
           "生产日期/批号": "", "抽查日期": day, "组织机关": "北京市市场监督管理局"}
    path = write_csv(tmp_path / "spot.csv", "spotcheck", [
        {**row, "产品名称": "电子天平", "抽查结果": "合格", "不合格项目": ""},
        {**row, "产品名称": "数显卡尺", "抽查结果": "不合格", "不合格项目": "示值误差"}])
    run_file(feed="spotcheck", path=path)
    services.risk_alerts_raise()
    bank = RiskAlert.objects.get(audience=Audience.BANK)
    assert bank.loan_id == loan.pk and bank.event.kind == "spotcheck_failed"
    assert "示值误差" in _alert_notices(world.officer).get().body
    assert RiskAlert.objects.filter(audience=Audience.DISTRICT).count() == 1


def test_an_annulled_penalty_is_good_news_named_in_words(world, flow, tmp_path):
    from django.utils import translation

    from elements.models import Penalty

    from ..elements.conftest import write_csv

    loan = make_loan(world, flow, days_ago=10)
    path = write_csv(tmp_path / "penalty.csv", "penalty", [
        {"统一社会信用代码": world.ent.uscc, "企业名称": world.ent.name, "决定书文号": "京海市监罚〔2026〕9号",
         "违法行为类型": "产品质量", "处罚内容": "罚款", "决定机关": "北京市海淀区市场监督管理局",
         "处罚决定日期": timezone.localdate().isoformat()}])
    run_file(feed="penalty", path=path)
    element_services.record_annul(record=Penalty.objects.get(enterprise=world.ent), user=world.district,
                                  reason="行政复议撤销")
    services.risk_alerts_raise()
    good = RiskAlert.objects.get(audience=Audience.BANK, good_news=True)
    assert good.loan_id == loan.pk
    notice = _alert_notices(world.officer).get(subject__contains="行政复议撤销")
    assert "行政处罚" in notice.subject and "penalty" not in notice.subject + notice.body
    with translation.override("zh-hans"):
        page = client_for(world, "officer").get(reverse("loans:alert_detail", args=[good.pk])).content.decode()
    assert "行政复议撤销" in page and "penalty记录" not in page
