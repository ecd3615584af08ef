"""Reads of the element library. `*_visible_to(user)` are the only doors; every one of them
goes through `enterprises_with_profile_visible_to`, so when applications grants banks access
under an enterprise's authorisation, it is added in one place."""

import uuid
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from identity.choices import SEE_ALL_ROLES, Role
from identity.models import Enterprise
from identity.selectors import enterprises_visible_to
from jingzhidai.dates import PLAUSIBLE_MAX, PLAUSIBLE_MIN
from jingzhidai.errors import ApplicationError

from . import rules
from .choices import ListingKind, Nature, SpotCheckResult, SpotCheckScope
from .models import (
    ChangeEvent,
    Distinction,
    ElementCategory,
    ElementType,
    ImportBatch,
    Listing,
    Penalty,
    RejectedRow,
    SpotCheck,
)
from .profile import CategoryProfile, CreditReason, HeldElement, QualityCredit, QualityProfile

CONDITION_ABNORMAL = "credit.no_abnormal_operation"
CONDITION_SERIOUS = "credit.no_serious_violation"
CONDITION_PENALTY = "credit.no_penalty_3y"
CONDITION_SPOTCHECK = "credit.no_failed_spotcheck_3y"
CONDITIONS = (CONDITION_ABNORMAL, CONDITION_SERIOUS, CONDITION_PENALTY, CONDITION_SPOTCHECK)


def today() -> date:
    """Today in Asia/Shanghai (TIME_ZONE), whatever the server's clock zone."""
    return timezone.localdate()


def expiry_warning_days() -> int:
    return getattr(settings, "ELEMENTS_EXPIRY_WARNING_DAYS", 90)


# --- scoping -------------------------------------------------------------------------------

def enterprises_with_profile_visible_to(user) -> QuerySet[Enterprise]:
    """Whose quality profile and records a user may see: the enterprise itself, regulators of
    its unit, the municipal bureau and platform admins. Banks: none yet (applications adds
    access under the enterprise's authorisation)."""
    return enterprises_visible_to(user)


def _by_enterprise(qs: QuerySet, user) -> QuerySet:
    # Newest first by id: index-backed, so list pages stay fast at Beijing scale.
    qs = qs.order_by("-id")
    if not user.is_authenticated:
        return qs.none()
    if user.role in SEE_ALL_ROLES:
        # Kept on purpose: for these roles enterprises_visible_to is the whole registry, and
        # filtering by it anyway joins every record to every enterprise. Measured on PostgreSQL
        # 15 (2,000,000 enterprises, 500,000 listings): the paginator's count takes 55 ms
        # without the filter and 664 ms with it (hash join over both tables); the first page
        # 0.08 ms against 0.9 ms. Keep SEE_ALL_ROLES equal to the roles that function lets see all.
        return qs
    return qs.filter(enterprise__in=enterprises_with_profile_visible_to(user).values("uscc"))


def distinctions_visible_to(user) -> QuerySet[Distinction]:
    return _by_enterprise(Distinction.objects.select_related(
        "enterprise", "element_type__category", "batch", "entered_by__regulator_unit", "confirmed_by__regulator_unit"), user)


def listings_visible_to(user) -> QuerySet[Listing]:
    return _by_enterprise(Listing.objects.select_related("enterprise", "batch", "entered_by__regulator_unit", "confirmed_by__regulator_unit"), user)


def penalties_visible_to(user) -> QuerySet[Penalty]:
    return _by_enterprise(Penalty.objects.select_related("enterprise", "batch", "entered_by__regulator_unit", "confirmed_by__regulator_unit"), user)


def spotchecks_visible_to(user) -> QuerySet[SpotCheck]:
    return _by_enterprise(SpotCheck.objects.select_related("enterprise", "batch", "entered_by__regulator_unit", "confirmed_by__regulator_unit"), user)


def change_events_visible_to(user) -> QuerySet[ChangeEvent]:
    # The API reads the element type's code; enterprise, batch and user go out as ids.
    return _by_enterprise(ChangeEvent.objects.select_related("element_type"), user)


def change_events_after(*, cursor: int = 0, enterprise_ids=None, kinds=None, limit: int = 1000,
                        upto: int | None = None) -> list[ChangeEvent]:
    """For consumers (post-loan alerts): events with id > cursor (and <= upto), oldest first,
    with their element type, batch and the user who entered them. Store the last id you
    handled and pass it back next time. `enterprise_ids` may be a list or a queryset of codes
    (a subquery: the database filters, not Python)."""
    qs = ChangeEvent.objects.filter(id__gt=cursor).select_related("element_type", "batch", "user").order_by("id")
    if upto is not None:
        qs = qs.filter(id__lte=upto)
    if enterprise_ids is not None:
        qs = qs.filter(enterprise_id__in=enterprise_ids if isinstance(enterprise_ids, QuerySet)
                       else list(enterprise_ids))
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs[:limit])


def import_batches_visible_to(user) -> QuerySet[ImportBatch]:
    """City regulators and admins see every batch; a district regulator the batches they uploaded."""
    qs = ImportBatch.objects.select_related("uploaded_by")
    if not user.is_authenticated:
        return qs.none()
    if user.role in SEE_ALL_ROLES:
        return qs
    if user.role == Role.DISTRICT_REGULATOR:
        return qs.filter(uploaded_by=user)
    return qs.none()


def rejected_rows_of(batch: ImportBatch) -> QuerySet[RejectedRow]:
    return RejectedRow.objects.filter(batch=batch).order_by("row_number", "id")


def claimable_types() -> QuerySet[ElementType]:
    """Distinction types a record can still be entered or claimed for: distinctions not retired
    from the catalog."""
    return ElementType.objects.filter(nature=Nature.DISTINCTION, retired_at__isnull=True).select_related(
        "category").order_by("category__order", "order", "code")


def element_types_visible_to(user) -> QuerySet[ElementType]:
    """The catalog is public information; any signed-in user may read it."""
    qs = ElementType.objects.select_related("category")
    return qs if user.is_authenticated else qs.none()


# --- the quality profile -------------------------------------------------------------------

def _d(day) -> str:
    return date_format(day, "Y-m-d") if day else ""


def _listing_reason(listing: Listing, as_of: date) -> tuple[CreditReason, bool]:
    """The reason a listing gives, and whether it counts on `as_of` (a serious listing stops
    counting three years after its listing date, elements.rules.serious_listing_ends)."""
    if listing.kind == ListingKind.ABNORMAL:
        condition = CONDITION_ABNORMAL
        message = _("On the abnormal-operation list (经营异常名录) since %(since)s, by %(authority)s: %(reason)s") % {
            "since": _d(listing.listed_on), "authority": listing.authority or _("unknown authority"),
            "reason": listing.reason or _("no reason given")}
        remedy = _("Correct the cause of the listing (for example file the annual report or register the "
                   "correct address), then apply to %(authority)s for removal from the list. Credit holds "
                   "again from the removal date.") % {"authority": listing.authority or _("the deciding authority")}
        return CreditReason(condition=condition, message=message, authority=listing.authority,
                            since=listing.listed_on, until=None, reference=listing.reason, remedy=remedy), True
    ends = rules.serious_listing_ends(listed_on=listing.listed_on, removed_on=listing.removed_on,
                                      restricted_until=listing.restricted_until)
    params = {"since": _d(listing.listed_on), "authority": listing.authority or _("unknown authority"),
              "reason": listing.reason or _("no reason given"), "ends": _d(ends)}
    if ends <= as_of:
        message = _("Was on the serious illegal and dishonest list (严重违法失信名单) from %(since)s, by "
                    "%(authority)s: %(reason)s. It no longer counts from %(ends)s: a listing ends three years "
                    "after it was made (SAMR Order No. 44 of 2021), even where the list shows no removal "
                    "date.") % params
        return CreditReason(condition=CONDITION_SERIOUS, message=message, authority=listing.authority,
                            since=listing.listed_on, until=ends - timedelta(days=1), reference=listing.reason), False
    message = _("On the serious illegal and dishonest list (严重违法失信名单) since %(since)s, by "
                "%(authority)s: %(reason)s") % params
    if listing.restricted_until is not None and ends > rules.add_years(listing.listed_on, rules.SERIOUS_LIST_YEARS):
        term = _("The record states a restriction until %(day)s, so it counts until then.") % {
            "day": _d(listing.restricted_until)}
    else:
        term = _("Without an earlier removal it stops counting on %(ends)s, three years after the listing "
                 "(SAMR Order No. 44 of 2021).") % params
    remedy = _("Once the conditions for credit restoration (信用修复) are met, apply to %(authority)s for "
               "removal from the list. Credit holds again from the removal date.") % {
        "authority": listing.authority or _("the deciding authority")}
    return CreditReason(condition=CONDITION_SERIOUS, message=message, authority=listing.authority,
                        since=listing.listed_on, until=ends - timedelta(days=1), reference=listing.reason,
                        remedy=f"{term} {remedy}"), True


def _penalty_reason(p: Penalty) -> CreditReason:
    until = rules.last_day_counted(p.decided_on)
    params = {"no": p.decision_no, "day": _d(p.decided_on), "authority": p.authority or _("unknown authority"),
              "violation": p.violation_type or _("violation"), "until": _d(until)}
    if not rules.penalty_counts(p.market_regulation):
        return CreditReason(
            condition=CONDITION_PENALTY,
            message=_("Administrative penalty %(no)s of %(day)s by %(authority)s (%(violation)s): not a "
                      "market-regulation case, shown for information; it does not decide quality credit.") % params,
            authority=p.authority, since=p.decided_on, until=until, reference=p.decision_no)
    return CreditReason(
        condition=CONDITION_PENALTY,
        message=_("Administrative penalty %(no)s of %(day)s by %(authority)s (%(violation)s): counts until "
                  "%(until)s") % params,
        authority=p.authority, since=p.decided_on, until=until, reference=p.decision_no,
        remedy=_("A penalty counts for 3 years from its decision date; from %(next)s this one no longer does. "
                 "If the decision was annulled on review or in court, ask your district bureau to record the "
                 "annulment.") % {"next": _d(until + timedelta(days=1))},
    )


def _spotcheck_reason(s: SpotCheck) -> CreditReason:
    start = rules.spotcheck_window_start(produced_on=s.produced_on, checked_on=s.checked_on)
    until = rules.last_day_counted(start)
    params = {"level": s.get_level_display(), "product": s.product, "day": _d(s.checked_on),
              "authority": s.authority or _("unknown authority"),
              "items": f" ({s.failed_items})" if s.failed_items else "", "until": _d(until)}
    reference = " ".join(x for x in (s.product, s.model_spec, s.production_batch) if x)
    if not rules.spotcheck_counts(s.scope):
        return CreditReason(
            condition=CONDITION_SPOTCHECK,
            message=_("Failed %(level)s product-quality spot check of %(product)s on %(day)s by %(authority)s"
                      "%(items)s: another province's check, shown for information; the notice counts national, "
                      "Beijing municipal and Beijing district checks.") % params,
            authority=s.authority, since=start, until=until, reference=reference)
    if s.produced_on:
        window = _("counted from the production date %(day)s (the notice counts products made in the last 3 "
                   "years)") % {"day": _d(s.produced_on)}
    else:
        window = _("counted from the check date (the list gives no production date)")
    return CreditReason(
        condition=CONDITION_SPOTCHECK,
        message=_("Failed %(level)s product-quality spot check of %(product)s on %(day)s by %(authority)s"
                  "%(items)s: counts until %(until)s, %(window)s") % {**params, "window": window},
        authority=s.authority, since=start, until=until, reference=reference,
        remedy=_("A failed spot check counts for 3 years from the production date of the product checked (the "
                 "check date when the list gives none); from %(next)s this one no longer does. If the result was "
                 "overturned on re-inspection, ask your district bureau to record it.") % {
            "next": _d(until + timedelta(days=1))},
    )


def _source_of(d: Distinction) -> str:
    return d.source


def parse_as_of(value: str | None) -> date | None:
    """The profile date of a request (`?as_of=YYYY-MM-DD`, 1900-01-01 to 2999-12-31); None
    (today) when absent. Pages and API read it the same way."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ApplicationError(_("as_of must be a date written YYYY-MM-DD."),
                               {"fields": {"as_of": [str(_("Enter a valid date (YYYY-MM-DD)."))]}},
                               code="invalid")
    if not PLAUSIBLE_MIN <= day <= PLAUSIBLE_MAX:  # the look-back and the warning window stay in the calendar
        message = _("as_of must be between %(min)s and %(max)s.") % {"min": PLAUSIBLE_MIN.isoformat(),
                                                                    "max": PLAUSIBLE_MAX.isoformat()}
        raise ApplicationError(message, {"fields": {"as_of": [message]}}, code="invalid")
    return day


# The catalog (categories and element types) is read by every profile and changes a few times a
# year: it is kept in the cache (Redis in production, shared by every worker) and forgotten when a
# category or a type is saved or deleted (receivers in apps.py, at once and again on commit) and
# after migrations. The time limit bounds what a per-process memory cache (no CACHE_URL) may keep
# after another process changed the catalog.
CATALOG_TTL = 600
CATALOG_VERSION = 1


def _catalog_key() -> str:
    return f"elements:catalog:{CATALOG_VERSION}:{connection.settings_dict.get('NAME')}"


def element_catalog():
    """The element catalog: the categories in their order and the element types by code, kept in
    the cache (forgotten when a category or type changes: `catalog_forget`). The one read of the
    catalog for profiles and for the banks' product conditions."""
    key = _catalog_key()
    kept = cache.get(key)
    if kept is None:
        kept = list(ElementCategory.objects.order_by("order")), {t.pk: t for t in ElementType.objects.all()}
        cache.set(key, kept, CATALOG_TTL)
    return kept


def catalog_forget(**_kwargs):
    """The catalog changed: the next profile reads it again, and no kept profile is used (they
    carry the catalog's names and retirements). Forgotten at once and once more when the
    transaction commits (a profile built meanwhile may have kept the catalog as it was)."""
    key = _catalog_key()
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    profiles_forget()


# --- the kept profile ------------------------------------------------------------------------
# A quality profile is kept in the cache (Redis in production) once built, under a key naming
# everything it is computed from besides the library: the enterprise, the date (the rules count
# by date, so a new day is a new key), the language of its texts, the rules' version and the
# expiry-warning window. The value carries two tokens it was built under, and is used only while
# both are still current:
# - the library's generation, forgotten by the bulk writes (the import batches, the daily expiry
#   of distinctions) and whenever the catalog changes;
# - the enterprise's token, forgotten whenever one of its records is saved or deleted (receivers
#   in apps.py, whoever writes it: the regulators' services, a confirmed claim, the admin…).
# Forgetting deletes the token, at once and again when the writing transaction commits; a missing
# token is created anew at random, so an evicted or expired token can only make kept profiles
# unusable, never make a stale one current again. A profile is kept and used only for reads in
# autocommit (every page and API GET: ATOMIC_REQUESTS is off); inside a transaction (a workflow
# step, a service) the library is read as it stands, the transaction's own writes included, and
# nothing is kept (a rolled-back write would otherwise leave its profile behind).
# ELEMENTS_PROFILE_CACHE turns it on; it is on by default only with a shared cache (CACHE_URL),
# since a per-process memory cache would not hear another process's writes.
PROFILE_CACHE_VERSION = 1  # change with the profile's shape or texts
PROFILE_TTL = 3600
PROFILE_TOKEN_TTL = 86400


def _db_name() -> str:
    return connection.settings_dict.get("NAME")


def _generation_key() -> str:
    return f"elements:profiles:generation:{_db_name()}"


def _enterprise_token_key(uscc: str) -> str:
    return f"elements:profiles:token:{_db_name()}:{uscc}"


def _profile_key(uscc: str, as_of: date) -> str:
    return (f"elements:profile:{PROFILE_CACHE_VERSION}:{_db_name()}:{uscc}:{as_of.isoformat()}:"
            f"{translation.get_language()}:{rules.RULES_VERSION}:{expiry_warning_days()}")


def _profiles_kept() -> bool:
    if not getattr(settings, "ELEMENTS_PROFILE_CACHE", False):
        return False
    # In autocommit, or only inside the blocks a test case wraps every test in (tests then see what
    # production sees outside a transaction).
    return all(getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def profiles_forget(enterprise_ids=None, **_kwargs):
    """No kept profile of these enterprises (all of them when None: the bulk writes, the catalog)
    is used any more. At once, and again when the current transaction commits (a profile built
    meanwhile from the library as it was before the commit is then forgotten too)."""
    if enterprise_ids is None:
        keys = [_generation_key()]
    else:
        keys = [_enterprise_token_key(u) for u in dict.fromkeys(enterprise_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: cache.delete_many(keys))


def record_forget(sender, instance, **_kwargs):
    """post_save / post_delete receiver of the library's records (apps.py)."""
    profiles_forget([instance.enterprise_id])


def _token(key: str, current: str | None) -> str | None:
    if current is not None:
        return current
    token = uuid.uuid4().hex
    if cache.add(key, token, PROFILE_TOKEN_TTL):
        return token
    return cache.get(key)  # created by another request meanwhile (None: forgotten meanwhile)


def _profile_kept_or_built(uscc: str, as_of: date) -> QualityProfile:
    """One cache round trip when the profile is kept and current; otherwise built and kept."""
    keys = _profile_key(uscc, as_of), _generation_key(), _enterprise_token_key(uscc)
    found = cache.get_many(keys)
    tokens = found.get(keys[1]), found.get(keys[2])
    kept = found.get(keys[0])
    if kept is not None and None not in tokens and kept[0] == tokens:
        return kept[1]
    tokens = _token(keys[1], tokens[0]), _token(keys[2], tokens[1])
    profile = _profile_fresh(uscc, as_of)
    if None not in tokens:
        cache.set(keys[0], (tokens, profile), PROFILE_TTL)
    return profile


def _listings(as_of):
    return Listing.objects.filter(listed_on__lte=as_of).filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=as_of)).order_by("enterprise_id", "listed_on", "id")


def _penalties(as_of):
    floor = rules.lookback_floor(as_of)
    return Penalty.objects.filter(decided_on__gt=floor, decided_on__lte=as_of).filter(
        Q(annulled_on__isnull=True) | Q(annulled_on__gt=as_of)).order_by("enterprise_id", "decided_on", "id")


def _spotchecks(as_of):
    floor = rules.lookback_floor(as_of)
    return SpotCheck.objects.filter(result=SpotCheckResult.FAILED, checked_on__gt=floor, checked_on__lte=as_of).filter(
        Q(annulled_on__isnull=True) | Q(annulled_on__gt=as_of)).order_by("enterprise_id", "checked_on", "id")


def _distinctions(as_of):
    return Distinction.objects.filter(
        Q(granted_on__isnull=True) | Q(granted_on__lte=as_of),
        Q(expires_on__isnull=True) | Q(expires_on__gte=as_of),
        Q(revoked_on__isnull=True) | Q(revoked_on__gt=as_of),
    ).order_by("enterprise_id", "granted_on", "id")


def profile_get(*, enterprise: Enterprise, as_of: date | None = None) -> QualityProfile:
    """The quality profile of one enterprise on one date (default: today in Beijing): kept in the
    cache once built (see "the kept profile" above), no query then; otherwise four queries
    whatever the enterprise holds (the catalog is kept too)."""
    as_of = as_of or today()
    if _profiles_kept():
        return _profile_kept_or_built(enterprise.uscc, as_of)
    return _profile_fresh(enterprise.uscc, as_of)


def _profile_fresh(uscc: str, as_of: date) -> QualityProfile:
    """The profile built from the library as it stands (what a kept profile must equal)."""
    categories, types = element_catalog()
    return _profile_build(uscc, as_of, categories, types,
                          listings=_listings(as_of).filter(enterprise_id=uscc),
                          penalties=_penalties(as_of).filter(enterprise_id=uscc),
                          spotchecks=_spotchecks(as_of).filter(enterprise_id=uscc),
                          distinctions=_distinctions(as_of).filter(enterprise_id=uscc))


def profiles_get(*, enterprise_ids, as_of: date | None = None, chunk: int = 2000) -> dict[str, QualityProfile]:
    """The quality profiles of many enterprises on one date, by USCC, built by the same rules as
    `profile_get`: the cached catalog, then four queries per `chunk` enterprises (never one per
    enterprise). For set-based work such as the monthly recommended list."""
    as_of = as_of or today()
    categories, types = element_catalog()
    ids = list(dict.fromkeys(enterprise_ids))
    profiles = {}
    for i in range(0, len(ids), chunk):
        part = ids[i:i + chunk]
        grouped = {}
        for name, qs in (("listings", _listings(as_of)), ("penalties", _penalties(as_of)),
                         ("spotchecks", _spotchecks(as_of)), ("distinctions", _distinctions(as_of))):
            for row in qs.filter(enterprise_id__in=part):
                grouped.setdefault(row.enterprise_id, {}).setdefault(name, []).append(row)
        for uscc in part:
            rows = grouped.get(uscc, {})
            profiles[uscc] = _profile_build(uscc, as_of, categories, types, listings=rows.get("listings", []),
                                            penalties=rows.get("penalties", []),
                                            spotchecks=rows.get("spotchecks", []),
                                            distinctions=rows.get("distinctions", []))
    return profiles


# --- the same rules, set-based (for counts and lists over many enterprises) -----------------

def _listings_counting(as_of):
    """Listings that make credit fail on `as_of` (`_listing_reason`'s "counts"): every abnormal
    listing in force; a serious one until `rules.serious_listing_ends` — three years after its
    listing (the day it turns three no longer counts) or through a longer stated restriction."""
    serious_from = rules.earliest_counted(as_of + timedelta(days=1))
    return _listings(as_of).filter(Q(kind=ListingKind.ABNORMAL) | Q(listed_on__gte=serious_from)
                                   | Q(restricted_until__gte=as_of))


def _penalties_counting(as_of):
    """Market-regulation penalties (or of no stated body) decided in the last 3 years, not annulled."""
    return _penalties(as_of).filter(decided_on__gte=rules.earliest_counted(as_of)).exclude(market_regulation=False)


def _spotchecks_counting(as_of):
    """Failed national or Beijing spot checks whose window (from the production date, else the
    check date) covers `as_of`, not annulled."""
    return (_spotchecks(as_of).exclude(scope=SpotCheckScope.ELSEWHERE)
            .alias(window_start=Coalesce("produced_on", "checked_on"))
            .filter(window_start__gte=rules.earliest_counted(as_of), window_start__lte=as_of))


def _distinctions_held(as_of):
    """Distinctions a profile shows on `as_of` (`QualityProfile.distinction_codes`): in force,
    of a type not retired by then, outside the credit category."""
    not_retired = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    return _distinctions(as_of).exclude(element_type__category_id="credit").filter(
        Q(element_type__retired_at__isnull=True) | Q(element_type__retired_at__gte=not_retired))


def quality_credit_holds(as_of: date | None = None, enterprise=None):
    """The set-based form of `profile_get(...).quality_credit.holds`: a condition on an
    Enterprise queryset (or, with `enterprise`, on any queryset whose `enterprise` expression
    leads to the USCC, e.g. OuterRef("enterprise_id")). Same rules (elements.rules), one query
    whatever the number of enterprises; tests hold the two forms equal on every rule."""
    as_of = as_of or today()
    ent = enterprise if enterprise is not None else OuterRef("uscc")
    return (~Exists(_listings_counting(as_of).filter(enterprise_id=ent))
            & ~Exists(_penalties_counting(as_of).filter(enterprise_id=ent))
            & ~Exists(_spotchecks_counting(as_of).filter(enterprise_id=ent)))


def distinction_held(as_of: date | None = None, enterprise=None):
    """The set-based form of "the profile shows at least one distinction"
    (`bool(profile.distinction_codes())`), as `quality_credit_holds`."""
    as_of = as_of or today()
    ent = enterprise if enterprise is not None else OuterRef("uscc")
    return Exists(_distinctions_held(as_of).filter(enterprise_id=ent))


def _profile_build(uscc, as_of, categories, types, *, listings, penalties, spotchecks, distinctions) -> QualityProfile:
    warn_until = as_of + timedelta(days=expiry_warning_days())
    condition_names = {t.code: t for t in types.values() if t.code in CONDITIONS}
    reasons, information = [], []
    for x in listings:
        reason, counts = _listing_reason(x, as_of)
        (reasons if counts else information).append(reason)
    for p in penalties:
        if rules.counts_on(p.decided_on, as_of):
            (reasons if rules.penalty_counts(p.market_regulation) else information).append(_penalty_reason(p))
    for s in spotchecks:
        if rules.counts_on(rules.spotcheck_window_start(produced_on=s.produced_on, checked_on=s.checked_on), as_of):
            (reasons if rules.spotcheck_counts(s.scope) else information).append(_spotcheck_reason(s))
    failing = {r.condition for r in reasons}
    conditions = {code: code not in failing for code in CONDITIONS}
    credit = QualityCredit(holds=not failing, reasons=reasons, conditions=conditions, information=information)

    by_category = {c.code: CategoryProfile(code=c.code, name=c.local_name) for c in categories}
    for code in CONDITIONS:
        t = condition_names.get(code)
        if t and conditions[code] and by_category.get("credit") is not None:
            by_category["credit"].elements.append(HeldElement(code=code, name=t.local_name, category="credit"))
    for d in distinctions:
        t = types[d.element_type_id]
        if t.retired_at is not None and timezone.localdate(t.retired_at) <= as_of:
            continue
        by_category[t.category_id].elements.append(HeldElement(
            code=t.code, name=t.local_name, category=t.category_id, level=d.level, issuer=d.issuer,
            certificate_no=d.certificate_no, granted_on=d.granted_on, expires_on=d.expires_on,
            expiring_soon=d.expires_on is not None and d.expires_on <= warn_until, source=_source_of(d)))
    return QualityProfile(uscc=uscc, as_of=as_of, rules_version=rules.RULES_VERSION, quality_credit=credit,
                          categories=list(by_category.values()))


def credit_summary(uscc: str = "", *, enterprise: Enterprise | None = None) -> dict | None:
    """For the public self-check: does quality credit hold today, why not, and what the
    enterprise can do. None when the code is not in the registry. Pass `enterprise` when it is
    already loaded (the self-check has it) to save reading it again."""
    ent = enterprise or Enterprise.objects.filter(uscc=(uscc or "").strip().upper()).first()
    if ent is None:
        return None
    profile = profile_get(enterprise=ent)
    return {
        "holds": profile.quality_credit.holds,
        "as_of": profile.as_of.isoformat(),
        "rules_version": profile.rules_version,
        "reasons": [r.message for r in profile.quality_credit.reasons],
        "remedies": list(dict.fromkeys(r.remedy for r in profile.quality_credit.reasons if r.remedy)),
    }
