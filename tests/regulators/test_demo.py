"""The demo world has a published typical case (with consent and a photo), a draft, a built
recommended list of opted-in enterprises and an invitation; each role's pages show them;
seeding twice adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from identity.models import User
from regulators.cases.models import CaseStatus, TypicalCase
from regulators.recommendations.models import (
    Invitation,
    RecommendationConsent,
    RecommendedEntry,
    RecommendedList,
)

pytestmark = pytest.mark.django_db


def test_demo_cases_list_and_invitation(db, client):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    published = TypicalCase.objects.get(status=CaseStatus.PUBLISHED)
    assert published.consents.filter(ended_at__isnull=True).exists() and published.photos.count() == 1
    draft = TypicalCase.objects.get(status=CaseStatus.DRAFT)
    assert not draft.consents.exists()
    entries = RecommendedEntry.objects.all()
    assert entries.count() >= 2 and RecommendedList.objects.count() == 1
    assert set(entries.values_list("consent_id", flat=True)) <= set(
        RecommendationConsent.objects.values_list("pk", flat=True))
    invitation = Invitation.objects.get()
    counts = (TypicalCase.objects.count(), RecommendedEntry.objects.count(), Invitation.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert (TypicalCase.objects.count(), RecommendedEntry.objects.count(), Invitation.objects.count()) == counts

    assert published.title in client.get(reverse("regulators:public_case_list")).content.decode()
    photo = published.photos.get()
    assert client.get(reverse("regulators:case_photo", args=[published.pk, photo.pk])).status_code == 200
    for username, url, text in (
            ("demo-enterprise", reverse("regulators:invitation_list"), invitation.bank.name),
            ("demo-enterprise-2", reverse("regulators:case_detail", args=[draft.pk]), draft.title),
            ("demo-officer", reverse("regulators:recommended_list"), invitation.enterprise.name),
            ("demo-city", reverse("regulators:case_list"), draft.title),
            ("demo-district", reverse("regulators:case_list"), published.title)):
        client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, (username, url)
        assert text in response.content.decode(), (username, url)
