"""Reads of applications and everything hanging off them. `<entities>_visible_to(user)` is the
only door to each entity, for HTML views and API views alike; forbidden and missing are both
404. Banks see an application once it is submitted, and the enterprise's profile and evidence
only under the enterprise's authorisation for that bank."""

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from banks import selectors as bank_selectors
from elements.choices import Level
from elements.models import Distinction
from elements.selectors import claimable_types, profile_get  # noqa: F401 - claimable_types: part of this module's API
from identity.choices import BANK_ROLES, Role
from identity.scoping import scoped
from identity.selectors import role_of

from .choices import AccessKind, LibraryMatch, VerificationStatus
from .models import (
    AccessLog,
    Application,
    Authorisation,
    Claim,
    Disbursement,
    Document,
    Evidence,
    HistoryEntry,
    Notification,
    VerificationRequest,
    open_first,
)

LEVEL_LABELS = dict(Level.choices)



def applications_visible_to(user) -> QuerySet[Application]:
    qs = Application.objects.select_related(
        "enterprise__district", "enterprise__regulator_unit", "bank", "product", "branch", "contract",
        "proposed_by", "decided_by")
    qs = scoped(qs, user)
    if role_of(user) == Role.ENTERPRISE:
        return qs
    # Only what the enterprise actually sent: a draft, even one withdrawn before it was ever
    # submitted, stays the enterprise's own.
    return qs.filter(submitted_at__isnull=False)


def application_list(user) -> QuerySet[Application]:
    """For list pages and the API list: with the disbursed total and when the application's bank
    was authorised (None without an active authorisation), newest first within status."""
    authorised = active_authorisations().filter(application_id=OuterRef("pk")).values("granted_at")[:1]
    # A correlated subquery, not a join and GROUP BY over every visible row: the database then
    # walks the (bank, status_changed_at desc, id desc) index and sums for the page's rows only.
    disbursed = (Disbursement.objects.filter(application_id=OuterRef("pk")).order_by()
                 .values("application_id").annotate(total=Sum("amount")).values("total"))
    return applications_visible_to(user).annotate(
        disbursed_total=Subquery(disbursed), authorised_at=Subquery(authorised)).order_by(
        "-status_changed_at", "-id")


def application_for_step(user) -> QuerySet[Application]:
    """The door a workflow step finds its application by: `applications_visible_to` without
    its joins (the step's service locks the row and reads what it checks itself; issue 10)."""
    return applications_visible_to(user).select_related(None)


def application_answer(user) -> QuerySet[Application]:
    """What a step answers with: `application_list`'s figures (disbursed total, when the bank
    was authorised) and the rows the answer names (enterprise, bank, product, contract),
    without the list's other joins, whose planning was most of the read (issue 10)."""
    return application_list(user).select_related(None).select_related("enterprise", "bank", "product", "contract")


def claims_with_types() -> Prefetch:
    """An application's claims with their element types, in one query (detail answers)."""
    return Prefetch("claims", queryset=Claim.objects.select_related("element_type"))


def history_of(application) -> QuerySet[HistoryEntry]:
    return application.history.select_related("actor").order_by("at", "id")


# --- the enterprise's authorisation of the bank ----------------------------------------------
# Active = granted, not ended (moving to another bank, withdrawal, rejection and settlement end
# it) and naming the bank the application is at now. One rule, in three shapes: a filter on
# authorisations, a filter through an application, a yes/no for one application.

def active_authorisations() -> QuerySet[Authorisation]:
    return Authorisation.objects.filter(revoked_at__isnull=True, bank_id=F("application__bank_id"))


def _authorised_for(user, application_ref="application_id"):
    """A filter on rows hanging off an application: its active authorisation names the user's bank."""
    return Exists(active_authorisations().filter(application_id=OuterRef(application_ref), bank_id=user.bank_id))


def authorisation_active(application) -> bool:
    return active_authorisations().filter(application_id=application.pk).exists()


def authorisation_current(application) -> Authorisation | None:
    """The active authorisation of the application's bank, if any (logged with each open)."""
    return active_authorisations().filter(application_id=application.pk).first()


def authorisation_shown(application) -> Authorisation | None:
    """What the application page says: the latest authorisation of the application's bank,
    active or ended."""
    return (Authorisation.objects.filter(application_id=application.pk, bank_id=application.bank_id)
            .order_by("-granted_at", "-id").first())


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """The enterprise; the bank under an active authorisation once submitted; the regulator
    unit a verification request on the application was sent to."""
    return _application_files(
        Evidence.objects.select_related("application", "claim__element_type", "uploaded_by", "reviewed_by"), user)


def _application_files(qs, user):
    """The one door of an application's files (evidence, documents): the enterprise; the bank
    under an active authorisation once submitted; the regulator unit asked to verify a claim."""
    role = role_of(user)
    if role == Role.ENTERPRISE:
        return qs.filter(application__enterprise_id=user.enterprise_id)
    if role in BANK_ROLES:
        return qs.filter(_authorised_for(user), application__bank_id=user.bank_id,
                         application__submitted_at__isnull=False)
    if role == Role.DISTRICT_REGULATOR:
        asked = VerificationRequest.objects.filter(application_id=OuterRef("application_id"),
                                                   regulator_unit_id=user.regulator_unit_id)
        return qs.filter(Exists(asked))
    return qs.none()


def documents_visible_to(user) -> QuerySet[Document]:
    """General documents, by the evidence door: the enterprise; the bank under an active
    authorisation once submitted; the regulator unit a verification request on the application
    was sent to."""
    return _application_files(Document.objects.select_related("application", "uploaded_by"), user)


def verification_requests_visible_to(user) -> QuerySet[VerificationRequest]:
    qs = VerificationRequest.objects.select_related(
        "application__bank", "enterprise__district", "element_type__category", "regulator_unit", "asked_by",
        "answered_by", "claim")
    # A district regulator sees the requests sent to its unit.
    return scoped(qs, user, bank="application__bank", unit="regulator_unit")


def verification_inbox(user) -> QuerySet[VerificationRequest]:
    """The inbox order: open requests first (earliest due first, so overdue ones lead), then
    the answered ones."""
    return verification_requests_visible_to(user).order_by(open_first(), "due_on", "id")


def verification_answerer(request, user) -> bool:
    """Who answers a verification request: a district regulator of the unit it was sent to."""
    return (user.is_authenticated and user.role == Role.DISTRICT_REGULATOR
            and user.regulator_unit_id == request.regulator_unit_id)


def verification_answerable_by(request, user) -> bool:
    """The request still awaits an answer and this user may give it."""
    return request.status == VerificationStatus.OPEN and verification_answerer(request, user)


def verification_answer_files_visible_to(user) -> QuerySet[VerificationRequest]:
    """Who may open a regulator's answer file: like evidence files — the enterprise, its bank
    under an active authorisation, and the regulator unit that was asked. Not the municipal
    bureau or platform admins, and not a bank whose authorisation ended."""
    qs = scoped(VerificationRequest.objects.select_related("application", "regulator_unit"), user,
                bank="application__bank", unit="regulator_unit", see_all=False)
    return qs.filter(_authorised_for(user)) if role_of(user) in BANK_ROLES else qs


def notifications_visible_to(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).select_related("application")


def unread_count(user) -> int:
    return notifications_visible_to(user).filter(read_at__isnull=True).count()


def access_log_visible_to(user) -> QuerySet[AccessLog]:
    qs = AccessLog.objects.select_related("user", "application", "authorisation", "evidence")
    role = role_of(user)
    if role == Role.ENTERPRISE:
        return qs.filter(enterprise_id=user.enterprise_id)
    if role == Role.PLATFORM_ADMIN:
        return qs
    return qs.none()


def access_log_summary(user) -> QuerySet:
    """What the enterprise reads: one line per person, object (profile, evidence or answer file
    of an application) and day, with how many times and the first and last time; every open
    stays a row of its own (AccessLog). Dicts; `access_log_decorate` adds the names."""
    return (access_log_visible_to(user).order_by().annotate(day=TruncDate("at"))
            .values("day", "user_id", "organization", "application_id", "kind", "evidence_id", "document_id",
                    "authorisation_id")
            .annotate(count=Count("id"), first_at=Min("at"), last_at=Max("at"))
            .order_by("-day", "-last_at", "user_id"))


def access_log_decorate(rows) -> list[dict]:
    """The people, applications, evidence files and authorisations of a page of summary lines,
    in five queries whatever the page size."""
    rows = list(rows)

    def load(model, key):
        ids = {r[key] for r in rows if r[key]}
        return model.objects.in_bulk(ids) if ids else {}

    from identity.models import User

    users, apps = load(User, "user_id"), load(Application, "application_id")
    evidence, auths = load(Evidence, "evidence_id"), load(Authorisation, "authorisation_id")
    documents = load(Document, "document_id")
    for r in rows:
        r.update(user=users.get(r["user_id"]), application=apps.get(r["application_id"]),
                 evidence=evidence.get(r["evidence_id"]), authorisation=auths.get(r["authorisation_id"]),
                 document=documents.get(r["document_id"]),
                 kind_label=AccessKind(r["kind"]).label if r["kind"] in AccessKind.values else r["kind"])
    return rows


# --- matching claims and products against the library ----------------------------------------

@dataclass
class ClaimRow:
    claim: Claim
    match: str
    detail: str  # what the library says (level, issuer, dates) or why it contradicts
    evidence: list
    open_request: VerificationRequest | None
    requests: list


def claims_matched(application, profile) -> list[ClaimRow]:
    """Each claim against the library on the profile's date: confirmed (held and valid),
    contradicted (the library has the record but it expired or was revoked, or the regulator
    did not confirm it), or not in the library. Four queries whatever the number of claims."""
    claims = list(application.claims.select_related("element_type__category").order_by(
        "element_type__category__order", "element_type__order", "id"))
    held = {}
    for cat in profile.categories:
        for e in cat.elements:
            held.setdefault(e.code, e)
    type_ids = [c.element_type_id for c in claims]
    lapsed = {}
    for d in Distinction.objects.filter(enterprise_id=application.enterprise_id,
                                        element_type_id__in=type_ids).order_by("granted_on", "id"):
        if not d.valid_on(profile.as_of):
            lapsed[d.element_type_id] = d
    evidence = {}
    for ev in application.evidence.select_related("reviewed_by").order_by("uploaded_at", "id"):
        evidence.setdefault(ev.claim_id, []).append(ev)
    requests = {}
    for vr in application.verification_requests.select_related("regulator_unit", "answered_by").order_by(
            "asked_at", "id"):
        requests.setdefault(vr.claim_id, []).append(vr)
    rows = []
    for claim in claims:
        code = claim.element_type.code
        reqs = requests.get(claim.pk, [])
        refused = any(r.status == VerificationStatus.NOT_CONFIRMED for r in reqs)
        if code in held:
            h = held[code]
            match = LibraryMatch.CONFIRMED
            detail = " · ".join(str(x) for x in (LEVEL_LABELS.get(h.level, h.level), h.issuer, h.certificate_no, h.granted_on and
                                                 f"{h.granted_on}–{h.expires_on or ''}") if x)
        elif claim.element_type_id in lapsed or refused:
            match = LibraryMatch.CONTRADICTED
            d = lapsed.get(claim.element_type_id)
            detail = (f"{d.get_status_display()} {d.expires_on or d.revoked_on or ''}".strip() if d else
                      str(next(r.answer_note for r in reqs if r.status == VerificationStatus.NOT_CONFIRMED)))
        else:
            match = LibraryMatch.NOT_IN_LIBRARY
            detail = ""
        open_request = next((r for r in reqs if r.status == VerificationStatus.OPEN), None)
        rows.append(ClaimRow(claim=claim, match=match, detail=detail, evidence=evidence.get(claim.pk, []),
                             open_request=open_request, requests=reqs))
    return rows


def claims_unconfirmed_without_evidence(application, profile) -> list[str]:
    """Names of the claims `claims_matched` would not find confirmed (not held on the profile)
    and that have no evidence, in the same order: what submitting still needs. One query."""
    held = {e.code for cat in profile.categories for e in cat.elements}
    with_evidence = Evidence.objects.filter(application_id=application.pk, claim_id=OuterRef("pk"))
    claims = (application.claims.filter(~Exists(with_evidence)).select_related("element_type")
              .order_by("element_type__category__order", "element_type__order", "id"))
    return [c.element_type.name for c in claims if c.element_type.code not in held]


def profile_for(enterprise):
    return profile_get(enterprise=enterprise)


def product_options(enterprise, profile=None) -> list[dict]:
    """Every product open to applications, with whether the enterprise meets it and what it
    misses (banks' matching)."""
    profile = profile or profile_get(enterprise=enterprise)
    return bank_selectors.product_matches(bank_selectors.products_open_to(enterprise), profile)


def profile_as_data(profile) -> dict:
    def plain(value):
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(asdict(profile))


def waited(application, now=None) -> timedelta:
    return (now or timezone.now()) - application.status_changed_at


def disbursed_total(application):
    return application.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal(0)


# --- dated positions (the regulators' figures and their drill-down lists) ----------------------

def status_at(moment) -> Subquery:
    """The status an application had just before `moment`: its last workflow step before then
    (a correlated subquery; None for an application with no step yet)."""
    from .choices import EVIDENCE_REMOVED

    return Subquery(HistoryEntry.objects.filter(application=OuterRef("pk"), at__lt=moment)
                    .exclude(action=EVIDENCE_REMOVED).order_by("-at", "-id").values("to_status")[:1])
