"""The monthly recommended list, built set-based (no query per enterprise)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elements.selectors import profiles_get
from identity.choices import Role
from identity.selectors import role_of
from identity.services import registration_ended
from jingzhidai.errors import ApplicationError

from .models import RecommendationConsent, RecommendedEntry, RecommendedList

BUILD_CHUNK = 2000


def _summary(profile) -> list[dict]:
    return [{"code": c.code, "name": str(c.name), "elements": [e.name for e in c.elements]}
            for c in profile.categories]


@transaction.atomic
def recommended_list_build(*, user=None, as_of=None) -> RecommendedList:
    """A new dated snapshot: every enterprise with consent in force, whose registration is still in
    force (identity.services.registration_ended), whose quality credit holds on `as_of` (default
    today) and who holds at least one distinction, with its five-category
    summary. Profiles come from `elements.selectors.profiles_get` (the library's rules, a few
    queries per 2,000 enterprises); `user` None is the monthly beat job, otherwise the
    municipal bureau on demand."""
    if user is not None and role_of(user) != Role.CITY_REGULATOR:
        raise ApplicationError(_("Only the municipal bureau builds the recommended list."), code="not_allowed",
                               status_code=403)
    as_of = as_of or timezone.localdate()
    snapshot = RecommendedList.objects.create(month=as_of.replace(day=1), as_of=as_of, built_by=user)
    consents = RecommendationConsent.objects.filter(ended_at__isnull=True).order_by("pk").values(
        "pk", "enterprise_id", "enterprise__name", "enterprise__district_id", "enterprise__industry",
        "enterprise__status")
    opted_in = listed = 0
    chunk = []

    def flush():
        nonlocal listed
        profiles = profiles_get(enterprise_ids=[c["enterprise_id"] for c in chunk], as_of=as_of)
        rows = []
        for c in chunk:
            if registration_ended(c["enterprise__status"]):
                continue  # deregistered, revoked, moved out…: out of the programme, whatever it consented to
            profile = profiles[c["enterprise_id"]]
            held = profile.distinction_codes()
            if not profile.quality_credit.holds or not held:
                continue
            rows.append(RecommendedEntry(snapshot=snapshot, enterprise_id=c["enterprise_id"], consent_id=c["pk"],
                                         district_id=c["enterprise__district_id"],
                                         enterprise_name=c["enterprise__name"],
                                         industry=c["enterprise__industry"] or "", summary=_summary(profile),
                                         distinctions=len(held)))
        RecommendedEntry.objects.bulk_create(rows, batch_size=BUILD_CHUNK)
        listed += len(rows)
        chunk.clear()

    for c in consents.iterator(chunk_size=BUILD_CHUNK):
        opted_in += 1
        chunk.append(c)
        if len(chunk) >= BUILD_CHUNK:
            flush()
    if chunk:
        flush()
    snapshot.opted_in, snapshot.entries_count = opted_in, listed
    snapshot.save(update_fields=["opted_in", "entries_count"])
    return snapshot
