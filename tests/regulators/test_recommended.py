"""The recommended list (notice §三): only enterprises that opted in (recorded, revocable),
whose quality credit holds and who hold a distinction; a dated snapshot built set-based; banks
of the partner list browse it and invite; revoking takes an enterprise off the list at once;
each role sees what its door holds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from banks import services as bank_services
from banks.choices import BankStatus
from elements import services as element_services
from elements.choices import ListingKind
from elements.models import ElementType
from elements.selectors import profile_get, profiles_get
from identity.choices import Role
from jingzhidai.errors import ApplicationError, TransitionNotAllowed
from regulators.recommendations import services
from regulators.recommendations.models import (
    Invitation,
    RecommendationConsent,
    RecommendedEntry,
    RecommendedList,
)

from ..applications.conftest import HELD, product_fields
from ..factories import EnterpriseFactory, UserFactory
from ..helpers import client_for

pytestmark = pytest.mark.django_db


def distinguish(enterprise, user):
    element_services.distinction_record(enterprise=enterprise, element_type=ElementType.objects.get(code=HELD),
                                        user=user, reason="测试", granted_on=timezone.localdate() - timedelta(days=30))


@pytest.fixture
def listed(world):
    """world.ent opted in and holds a distinction; world.ent_2 holds one but did not opt in."""
    distinguish(world.ent, world.district)
    distinguish(world.ent_2, world.district_2)
    services.recommendation_opt_in(user=world.enterprise)
    return services.recommended_list_build(user=world.city)


def entries_seen(world, who):
    r = client_for(world, who, api=True).get(reverse("api:recommended-list"))
    return r.status_code, ([e["uscc"] for e in r.json()["results"]] if r.status_code == 200 else [])


def test_only_opted_in_enterprises_with_credit_and_a_distinction_are_listed(world, listed):
    assert list(listed.entries.values_list("enterprise_id", flat=True)) == [world.ent.uscc]
    assert listed.opted_in == 1 and listed.entries_count == 1
    entry = listed.entries.get()
    assert entry.consent.granted_by == world.enterprise
    names = {c["code"]: c["elements"] for c in entry.summary}
    assert set(names) == {"credit", "management", "brand", "infrastructure", "innovation"}
    assert names["management"] == [ElementType.objects.get(code=HELD).name]


def test_no_distinction_or_no_credit_keeps_an_opted_in_enterprise_off(world):
    distinguish(world.ent_2, world.district_2)
    element_services.listing_record(enterprise=world.ent_2, kind=ListingKind.ABNORMAL, user=world.district_2,
                                    listed_on=timezone.localdate() - timedelta(days=10), entry_reason="测试")
    services.recommendation_opt_in(user=world.enterprise)  # opted in, no distinction
    services.recommendation_opt_in(user=world.enterprise_2)  # opted in, credit does not hold
    snapshot = services.recommended_list_build()
    assert snapshot.opted_in == 2 and not snapshot.entries.exists()


def test_consent_is_the_enterprises_own_and_revocable(world, listed):
    assert entries_seen(world, "officer") == (200, [world.ent.uscc])
    with pytest.raises(ApplicationError):
        services.recommendation_opt_in(user=world.officer)
    r = client_for(world, "enterprise", api=True).delete(reverse("api:recommendation-consent"))
    assert r.status_code == 204
    consent = RecommendationConsent.objects.get()
    assert consent.ended_at is not None and consent.ended_by == world.enterprise
    # Off the current list view at once, for every role; the snapshot row is kept.
    for who in ("officer", "city", "district"):
        assert entries_seen(world, who) == (200, []), who
    assert RecommendedEntry.objects.filter(enterprise=world.ent).exists()
    # Opting in again does not bring it back before the next build.
    services.recommendation_opt_in(user=world.enterprise)
    assert entries_seen(world, "officer") == (200, [])
    services.recommended_list_build(user=world.city)
    assert entries_seen(world, "officer") == (200, [world.ent.uscc])
    assert RecommendationConsent.objects.count() == 2


def test_the_enterprise_opts_in_from_its_page(world):
    r = client_for(world, "enterprise").post(reverse("regulators:recommendation_mine"), {"consent": "yes"})
    assert r.status_code == 302
    assert RecommendationConsent.objects.filter(enterprise=world.ent, ended_at__isnull=True).count() == 1
    page = client_for(world, "enterprise").get(reverse("regulators:recommendation_mine")).content.decode()
    assert world.enterprise.display_name in page
    r = client_for(world, "enterprise").post(reverse("regulators:recommendation_mine"), {"consent": "no"})
    assert not RecommendationConsent.objects.filter(ended_at__isnull=True).exists()
    r = client_for(world, "enterprise_2", api=True).get(reverse("api:recommendation-consent"))
    assert r.json()["recommended"] is False  # its own consent only
    assert client_for(world, "officer", api=True).get(reverse("api:recommendation-consent")).status_code == 403


@pytest.mark.parametrize(("who", "status", "seen"), [
    ("officer", 200, True), ("approver", 200, True), ("bank_admin", 200, True), ("officer_2", 200, True),
    ("city", 200, True), ("admin", 200, True), ("district", 200, True), ("district_2", 200, False),
    ("enterprise", 200, False), ("enterprise_2", 200, False), ("anonymous", 401, False),
])
def test_who_sees_the_list(world, listed, who, status, seen):
    code, ids = entries_seen(world, who)
    assert code in ((401, 403) if status == 401 else (status,))
    assert (world.ent.uscc in ids) == seen
    assert world.ent_2.uscc not in ids  # never an enterprise that did not opt in
    page = client_for(world, who).get(reverse("regulators:recommended_list"))
    if who in ("enterprise", "enterprise_2", "anonymous"):
        assert page.status_code in (302, 403)
    else:
        assert page.status_code == 200 and (world.ent.name in page.content.decode()) == seen
        assert world.ent_2.name not in page.content.decode()


def test_a_suspended_bank_sees_no_list_and_invites_nobody(world, listed):
    bank_services.bank_transition(bank=world.bank, actor=world.admin, action="suspend", reason="测试")
    world.bank.refresh_from_db()
    assert world.bank.status == BankStatus.SUSPENDED
    assert entries_seen(world, "officer") == (200, [])
    with pytest.raises(ApplicationError):
        services.invitation_create(user=world.officer, entry=listed.entries.get())


def test_a_bank_invites_and_the_enterprise_sees_it(world, listed):
    product = bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields())
    entry = listed.entries.get()
    r = client_for(world, "officer", api=True).post(reverse("api:invitation-list"), {
        "entry": entry.pk, "product": product.pk, "message": "欢迎申请"}, format="json")
    assert r.status_code == 201, r.json()
    invitation = Invitation.objects.get()
    assert (invitation.enterprise, invitation.bank, invitation.product) == (world.ent, world.bank, product)
    # Once per bank while open.
    r = client_for(world, "bank_admin", api=True).post(reverse("api:invitation-list"), {"entry": entry.pk},
                                                       format="json")
    assert r.status_code == 409
    # Another bank's product is refused.
    r = client_for(world, "officer_2", api=True).post(reverse("api:invitation-list"), {
        "entry": entry.pk, "product": product.pk}, format="json")
    assert r.status_code == 400
    # The enterprise: a home card, the list, a notification; others do not see it.
    home = client_for(world, "enterprise").get(reverse("identity:home"), follow=True).content.decode()
    assert reverse("regulators:invitation_list") in home
    page = client_for(world, "enterprise").get(reverse("regulators:invitation_list")).content.decode()
    assert world.bank.name in page and f"?product={product.pk}" in page
    notice = world.enterprise.notifications.get(kind="invitation")
    # Issue 14: rendered per reader; the bank's own message is shown as written.
    subject, body = notice.rendered(language="en")
    assert "invites you to apply" in subject and "Product: " in body and body.endswith("欢迎申请")
    assert "邀请" in notice.rendered(language="zh-hans")[0]
    for who, seen in (("enterprise", True), ("enterprise_2", False), ("officer", True), ("officer_2", False),
                      ("district", True), ("district_2", False), ("city", True)):
        ids = [i["id"] for i in client_for(world, who, api=True).get(reverse("api:invitation-list")).json()["results"]]
        assert (invitation.pk in ids) == seen, who
    r = client_for(world, "enterprise_2", api=True).post(reverse("api:invitation-decline", args=[invitation.pk]))
    assert r.status_code == 404
    r = client_for(world, "enterprise", api=True).post(reverse("api:invitation-decline", args=[invitation.pk]))
    assert r.status_code == 200 and r.json()["status"] == "declined"


@pytest.mark.parametrize("who", ["approver", "district", "city", "enterprise"])
def test_only_bank_officers_and_admins_invite(world, listed, who):
    r = client_for(world, who, api=True).post(reverse("api:invitation-list"), {"entry": listed.entries.get().pk},
                                              format="json")
    assert r.status_code in (403, 404)
    assert not Invitation.objects.exists()


def test_an_enterprise_that_did_not_opt_in_cannot_be_invited(world, listed):
    services.recommendation_opt_out(user=world.enterprise)
    with pytest.raises(ApplicationError) as refused:
        services.invitation_create(user=world.officer, entry=listed.entries.get())
    assert refused.value.status_code == 404


def test_only_the_municipal_bureau_builds_on_demand(world, django_capture_on_commit_callbacks):
    for who in ("district", "officer", "enterprise", "admin"):
        with pytest.raises(ApplicationError):
            services.recommended_list_build(user=world.users[who])
        with pytest.raises(ApplicationError):
            services.recommended_list_request(user=world.users[who])
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(world, "city", api=True).post(reverse("api:recommended-list-list"))
    assert r.status_code == 202 and r.json() == {"status": "queued"}
    assert RecommendedList.objects.get().built_by == world.city  # built by the (eager) worker
    with django_capture_on_commit_callbacks(execute=True):
        r = client_for(world, "city").post(reverse("regulators:recommended_build"))
    assert r.status_code == 302 and RecommendedList.objects.count() == 2
    assert client_for(world, "district", api=True).post(reverse("api:recommended-list-list")).status_code == 403
    assert client_for(world, "district").post(reverse("regulators:recommended_build")).status_code == 403


def test_opting_out_without_consent_is_a_conflict(world):
    with pytest.raises(TransitionNotAllowed):
        services.recommendation_opt_out(user=world.enterprise)


def test_bulk_profiles_agree_with_the_single_profile(world):
    distinguish(world.ent, world.district)
    element_services.listing_record(enterprise=world.ent_2, kind=ListingKind.ABNORMAL, user=world.district_2,
                                    listed_on=timezone.localdate() - timedelta(days=10), entry_reason="测试")
    many = profiles_get(enterprise_ids=[world.ent.uscc, world.ent_2.uscc])
    for ent in (world.ent, world.ent_2):
        assert many[ent.uscc] == profile_get(enterprise=ent)


def test_the_build_runs_the_same_queries_whatever_the_number_of_enterprises(world):
    def opt_in(n):
        for _ in range(n):
            ent = EnterpriseFactory()
            distinguish(ent, world.district)
            services.recommendation_opt_in(user=UserFactory(role=Role.ENTERPRISE, enterprise=ent))

    opt_in(2)
    profile_get(enterprise=world.ent)  # the element catalog is read once, then kept (elements.selectors)
    with CaptureQueriesContext(connection) as few:
        assert services.recommended_list_build().entries_count == 2
    opt_in(8)
    with CaptureQueriesContext(connection) as more:
        assert services.recommended_list_build().entries_count == 10
    assert len(more) == len(few), "\n".join(q["sql"] for q in more.captured_queries)


def test_the_monthly_task_builds_a_list(world):
    from regulators.tasks import recommended_list_build

    distinguish(world.ent, world.district)
    services.recommendation_opt_in(user=world.enterprise)
    list_id = recommended_list_build.apply().get()
    assert RecommendedEntry.objects.filter(snapshot_id=list_id, enterprise=world.ent).exists()


def test_list_pages_run_a_constant_number_of_queries(world, listed):
    from ..helpers import assert_constant_queries

    product = bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields())
    services.invitation_create(user=world.officer, entry=listed.entries.get(), product=product)

    def grow():
        for _ in range(3):
            ent = EnterpriseFactory()
            distinguish(ent, world.district)
            services.recommendation_opt_in(user=UserFactory(role=Role.ENTERPRISE, enterprise=ent))
        snapshot = services.recommended_list_build()
        invited = Invitation.objects.values("enterprise_id")
        for entry in snapshot.entries.exclude(enterprise__in=invited):
            services.invitation_create(user=world.officer, entry=entry, product=product)

    assert_constant_queries(client_for(world, "officer"), reverse("regulators:recommended_list"), grow)
    assert_constant_queries(client_for(world, "city", api=True), reverse("api:recommended-list"), grow)
    assert_constant_queries(client_for(world, "officer"), reverse("regulators:invitation_list"), grow)
    assert_constant_queries(client_for(world, "officer", api=True), reverse("api:invitation-list"), grow)


def test_the_monthly_build_is_scheduled(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="regulators.recommended_list_build")
    assert task.enabled and task.crontab.day_of_month == "1" and str(task.crontab.timezone) == "Asia/Shanghai"


def test_regulators_reads_of_the_list_are_audited(world, listed):
    from audit.models import AuditEvent

    client_for(world, "city").get(reverse("regulators:recommended_list"))
    client_for(world, "district", api=True).get(reverse("api:recommended-list"))
    entry = listed.entries.get()
    client_for(world, "city").get(reverse("regulators:recommended_entry", args=[entry.pk]))
    rows = AuditEvent.objects.filter(object_type="regulators.recommendedentry")
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([world.city.pk, world.district.pk, world.city.pk])
    assert rows.filter(object_id=str(entry.pk)).count() == 1


def test_banks_reads_of_the_list_are_audited_like_the_regulators(world, listed):
    from audit.models import AuditAction, AuditEvent

    entry = listed.entries.get()
    assert client_for(world, "officer").get(reverse("regulators:recommended_list")).status_code == 200
    assert client_for(world, "officer").get(reverse("regulators:recommended_entry", args=[entry.pk])).status_code == 200
    api = client_for(world, "bank_admin", api=True)
    assert api.get(reverse("api:recommended-list")).status_code == 200
    assert api.get(reverse("api:recommended-detail", args=[entry.pk])).status_code == 200
    rows = AuditEvent.objects.filter(object_type="regulators.recommendedentry").order_by("id")
    assert [(r.user_id, r.action, r.object_id) for r in rows] == [
        (world.officer.pk, AuditAction.LIST, ""), (world.officer.pk, AuditAction.READ, str(entry.pk)),
        (world.bank_admin.pk, AuditAction.LIST, ""), (world.bank_admin.pk, AuditAction.READ, str(entry.pk))]
    assert all(r.organization and r.request_id for r in rows)
    # the enterprise reading its own invitations is not a read of others' data
    client_for(world, "enterprise").get(reverse("regulators:invitation_list"))
    assert AuditEvent.objects.filter(user_id=world.enterprise.pk).count() == 0


@pytest.mark.parametrize("status,listed_after", [("deregistered", False), ("revoked", False), ("moved_out", False),
                                                 ("liquidating", False), ("operating", True), ("existing", True)])
def test_the_build_rechecks_the_registration_status(world, listed, status, listed_after):
    """An enterprise that opted in while in business and was deregistered (or its licence revoked)
    since is not listed at the next build, though its consent and its profile still hold."""
    from identity.models import Enterprise

    assert listed.entries.filter(enterprise=world.ent).exists()
    Enterprise.objects.filter(pk=world.ent.pk).update(status=status)
    again = services.recommended_list_build(user=world.city)
    assert again.entries.filter(enterprise=world.ent).exists() is listed_after
    assert again.opted_in == 1 and again.entries_count == int(listed_after)
    assert profile_get(enterprise=world.ent).quality_credit.holds


def test_deep_pages_walk_the_list_once_in_order_with_a_bounded_count(world, listed, monkeypatch):
    """Pages as the applications list pages (jingzhidai/paging.py): the ids of a page from the
    narrow ordered query, the count exact up to a bound and estimated above it."""
    from jingzhidai import paging

    for _ in range(11):
        ent = EnterpriseFactory()
        distinguish(ent, world.district)
        services.recommendation_opt_in(user=UserFactory(role=Role.ENTERPRISE, enterprise=ent))
    snapshot = services.recommended_list_build()
    expected = list(snapshot.entries.order_by("district_id", "enterprise_name", "id").values_list("pk", flat=True))
    assert len(expected) == 12
    api = client_for(world, "officer", api=True)
    seen, page = [], 1
    while True:
        body = api.get(reverse("api:recommended-list"), {"page": page, "page_size": 5}).json()
        assert body["count"] == 12 and body["count_estimated"] is False
        seen += [e["id"] for e in body["results"]]
        if not body["next"]:
            break
        page += 1
    assert seen == expected and page == 3
    monkeypatch.setattr(paging, "COUNT_BOUND", 4)
    body = api.get(reverse("api:recommended-list"), {"page": 3, "page_size": 5}).json()
    assert body["count_estimated"] is True and [e["id"] for e in body["results"]] == expected[10:]
    assert body["next"] is None
    html = client_for(world, "officer").get(reverse("regulators:recommended_list"), {"page": 1})
    assert html.status_code == 200 and html.context["paginator"].count_estimated is True
