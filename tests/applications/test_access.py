"""The access matrix for applications, their history, evidence files, verification requests,
notifications and the access log; constant query counts for every list."""

from decimal import Decimal

import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import Notification
from banks import services as bank_services

from ..helpers import TenantMatrix, assert_constant_queries, client_for
from .conftest import HELD, UNHELD, flow_of, product_fields, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("flow")]  # TenantMatrix.make uses flow_of

BANK_SIDE = {"officer", "approver", "bank_admin"}
REGULATORS = {"district", "city", "admin"}


def _submitted_with_evidence(world):
    flow = flow_of(world)
    app = flow.draft(claims=[HELD, UNHELD])
    ev = services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD,
                               uploaded=upload("老字号.pdf"))
    services.application_submit(application=app, user=world.enterprise)
    return app, ev


class TestApplicationAccess(TenantMatrix):
    """A submitted application: the enterprise, its bank, its district regulator, the
    municipal bureau and admins. Not the other enterprise, the other bank, the other district."""

    allowed = {"enterprise", *BANK_SIDE, *REGULATORS}

    def make(self, world):
        return flow_of(world).to(Status.SUBMITTED)

    def detail_urls(self, obj):
        return [(reverse("applications:detail", args=[obj.pk]), False),
                (reverse("api:application-detail", args=[obj.pk]), True),
                (reverse("api:application-history", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("applications:list"), False), (reverse("api:application-list"), True)]

    def key(self, obj):
        return obj.number


class TestDraftAccess(TenantMatrix):
    """A draft is the enterprise's alone."""

    allowed = {"enterprise"}

    def make(self, world):
        return flow_of(world).draft()

    def detail_urls(self, obj):
        return [(reverse("applications:detail", args=[obj.pk]), False),
                (reverse("api:application-detail", args=[obj.pk]), True)]

    def list_urls(self):
        return [(reverse("applications:list"), False), (reverse("api:application-list"), True)]

    def key(self, obj):
        return obj.number


class TestProfileAccess(TenantMatrix):
    """The profile through an application: the enterprise, and its bank under authorisation."""

    allowed = {"enterprise", *BANK_SIDE, *REGULATORS}

    def make(self, world):
        return flow_of(world).to(Status.SUBMITTED)

    def detail_urls(self, obj):
        return [(reverse("api:application-profile", args=[obj.pk]), True)]


class TestEvidenceAccess(TenantMatrix):
    """Evidence: the enterprise, its bank under authorisation, and the district regulator
    that was asked to verify a claim of the application. Nobody else (not even the city)."""

    allowed = {"enterprise", *BANK_SIDE, "district"}

    def make(self, world):
        app, ev = _submitted_with_evidence(world)
        services.application_accept(application=app, user=world.officer)
        services.verification_request_create(application=app, user=world.officer, element_code=UNHELD,
                                             question="请核实")
        return ev

    def detail_urls(self, obj):
        return [(reverse("applications:evidence_download", args=[obj.application_id, obj.pk]), False),
                (reverse("api:application-evidence-file", args=[obj.application_id, obj.pk]), True)]


class TestVerificationRequestAccess(TenantMatrix):
    allowed = {"enterprise", *BANK_SIDE, *REGULATORS}

    def make(self, world):
        app, _ev = _submitted_with_evidence(world)
        services.application_accept(application=app, user=world.officer)
        return services.verification_request_create(application=app, user=world.officer, element_code=UNHELD,
                                                    question="请核实是否为中华老字号")

    def detail_urls(self, obj):
        return [(reverse("regulators:request_detail", args=[obj.pk]), False),
                (reverse("api:verification-request-detail", args=[obj.pk]), True)]

    def list_urls(self):
        # The inbox page is the regulators'; banks open it for their own bank's requests (the list
        # behind their verification figures); the enterprise reads requests on the application.
        return [(reverse("regulators:inbox"), False, {"enterprise"}),
                (reverse("api:verification-request-list"), True)]

    def key(self, obj):
        return obj.enterprise_id


class TestNotificationAccess(TenantMatrix):
    allowed = {"enterprise"}

    def make(self, world):
        app = flow_of(world).to(Status.SUBMITTED)
        services.application_accept(application=app, user=world.officer)
        return Notification.objects.get(recipient=world.enterprise, kind="accept")

    def detail_urls(self, obj):
        return []

    def list_urls(self):
        return [(reverse("applications:notifications"), False)]

    def key(self, obj):
        return reverse("applications:notification_open", args=[obj.pk])


def test_opening_someone_elses_notification_is_404(flow, world):
    app = flow.to(Status.SUBMITTED)
    services.application_accept(application=app, user=world.officer)
    n = Notification.objects.get(recipient=world.enterprise, kind="accept")
    assert client_for(world, "enterprise_2").get(
        reverse("applications:notification_open", args=[n.pk])).status_code == 404
    r = client_for(world, "enterprise").get(reverse("applications:notification_open", args=[n.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("applications:detail", args=[app.pk])
    n.refresh_from_db()
    assert n.read_at is not None


class TestAccessLogAccess(TenantMatrix):
    allowed = {"enterprise", "admin"}

    def make(self, world):
        app = flow_of(world).to(Status.SUBMITTED)
        services.profile_open(application=app, user=world.officer)
        return app

    def detail_urls(self, obj):
        return []

    def list_urls(self):
        return [(reverse("applications:access_log"), False)]

    def key(self, obj):
        return obj.number


def test_bank_profile_open_is_logged_with_the_authorisation(flow, world):
    app = flow.to(Status.SUBMITTED)
    r = client_for(world, "officer", api=True).get(reverse("api:application-profile", args=[app.pk]))
    assert r.status_code == 200
    assert HELD in {e["code"] for c in r.json()["categories"] for e in c["elements"]}
    row = app.access_log.get()
    assert (row.user, row.kind, row.authorisation, row.enterprise_id) == (
        world.officer, "profile", app.authorisations.get(), world.ent.uscc)
    client_for(world, "officer").get(reverse("applications:detail", args=[app.pk]))
    assert app.access_log.count() == 2
    client_for(world, "enterprise").get(reverse("applications:detail", args=[app.pk]))
    assert app.access_log.count() == 2


# --- constant queries --------------------------------------------------------------------------

def _grow_applications(flow, world, n=3):
    def grow():
        for _i in range(n):
            app = flow.draft(claims=[HELD, UNHELD])
            services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD, uploaded=upload())
            services.application_submit(application=app, user=world.enterprise)
            services.application_accept(application=app, user=world.officer)
            services.verification_request_create(application=app, user=world.officer, element_code=UNHELD,
                                                 question="请核实")
    return grow


@pytest.mark.parametrize(("who", "url", "api"), [
    ("officer", "applications:list", False),
    ("enterprise", "applications:list", False),
    ("district", "applications:list", False),
    ("city", "applications:list", False),
    ("officer", "api:application-list", True),
    ("enterprise", "api:application-list", True),
    ("district", "regulators:inbox", False),
    ("officer", "api:verification-request-list", True),
    ("district", "api:verification-request-list", True),
    ("enterprise", "applications:notifications", False),
    ("officer", "applications:notifications", False),
])
def test_lists_run_constant_queries(flow, world, who, url, api):
    _grow_applications(flow, world, 1)()
    assert_constant_queries(client_for(world, who, api=api), reverse(url), _grow_applications(flow, world))


def test_access_log_runs_constant_queries(flow, world):
    app = flow.to(Status.SUBMITTED)

    def grow():
        for _i in range(3):
            services.profile_open(application=app, user=world.officer)
            services.profile_open(application=app, user=world.approver)

    services.profile_open(application=app, user=world.officer)
    assert_constant_queries(client_for(world, "enterprise"), reverse("applications:access_log"), grow)


def test_access_log_with_evidence_rows_runs_constant_queries(flow, world):
    """Evidence opens carry the evidence row (and its name) into the log page."""
    app = flow.draft(claims=[HELD, UNHELD])
    files = [services.evidence_add(application=app, user=world.enterprise, element_code=UNHELD,
                                   uploaded=upload(f"证书{i}.pdf")) for i in range(4)]
    app = services.application_submit(application=app, user=world.enterprise)

    def grow():
        for ev in files[1:]:
            services.evidence_open(evidence=ev, user=world.officer).close()
            services.evidence_open(evidence=ev, user=world.approver).close()

    services.evidence_open(evidence=files[0], user=world.officer).close()
    services.profile_open(application=app, user=world.officer)
    assert_constant_queries(client_for(world, "enterprise"), reverse("applications:access_log"), grow)


def test_bank_queue_filters(flow, world):
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import Application

    old = flow.to(Status.SUBMITTED)
    new = flow.to(Status.UNDER_REVIEW)
    Application.objects.filter(pk=old.pk).update(status_changed_at=timezone.now() - timedelta(days=5))
    client = client_for(world, "officer", api=True)

    def ids(**params):
        return {row["id"] for row in client.get(reverse("api:application-list"), params).json()["results"]}

    assert ids() == {old.pk, new.pk}
    assert ids(status="submitted") == {old.pk}
    assert ids(age="3") == {old.pk}
    assert ids(district="110108") == {old.pk, new.pk}
    assert ids(district="110105") == set()
    assert ids(product=flow.product.pk) == {old.pk, new.pk}
    other_product = bank_services.product_create(actor=world.admin, bank=world.bank,
                                                 **product_fields(name="京质贷·设备贷"))
    third = services.application_create(user=world.enterprise, product=other_product, amount=Decimal("1000000"),
                                        term_months=12, purpose="equipment", need_statement="x", authorise=True)
    services.application_submit(application=third, user=world.enterprise)
    assert ids(product=flow.product.pk) == {old.pk, new.pk}
    assert ids(product=other_product.pk) == {third.pk}
    page = client_for(world, "officer").get(reverse("applications:list"), {"age": "3"})
    assert page.content.decode().count('data-testid="application-row"') == 1


@pytest.mark.parametrize("finished", [Status.WITHDRAWN, Status.REJECTED, Status.DISBURSED])
def test_age_filter_keeps_only_waiting_applications(flow, world, finished):
    """?age=N lists what has waited N days in its stage; a finished application waits for nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import Application

    waiting = flow.to(Status.SUBMITTED)
    done = flow.to(finished)
    Application.objects.filter(pk__in=[waiting.pk, done.pk]).update(
        status_changed_at=timezone.now() - timedelta(days=10))
    client = client_for(world, "officer", api=True)
    rows = client.get(reverse("api:application-list"), {"age": "7"}).json()["results"]
    assert [row["id"] for row in rows] == [waiting.pk]
    page = client_for(world, "officer").get(reverse("applications:list"), {"age": "7"})
    assert page.content.decode().count('data-testid="application-row"') == 1
    # The list shows no waiting time for a finished application.
    listed = {a.pk: a for a in client_for(world, "officer").get(reverse("applications:list")).context["object_list"]}
    assert listed[waiting.pk].is_waiting and not listed[done.pk].is_waiting
