"""Which library changes are risk signals for a lender, and how an alert names the change and
its source. Reads only: the job that raises alerts is `services.risk_alerts_raise`."""

from django.utils.translation import gettext as _

from elements import rules
from elements.choices import EventKind, Feed, ListingKind
from elements.records import RECORD_TYPES
from identity.choices import RegistrationStatus

# Bad news, and the good news reported too.
BAD = frozenset({EventKind.LISTED, EventKind.PENALTY, EventKind.SPOTCHECK_FAILED, EventKind.DISTINCTION_LAPSED,
                 EventKind.DISTINCTION_REVOKED, EventKind.REGISTRATION_CHANGED})
GOOD = frozenset({EventKind.REMOVED, EventKind.ANNULLED})
KINDS = BAD | GOOD
# Only about a distinction the application claims.
CLAIMED = frozenset({EventKind.DISTINCTION_LAPSED, EventKind.DISTINCTION_REVOKED})
# The registration statuses that end an enterprise's standing.
ENDED = frozenset({RegistrationStatus.REVOKED, RegistrationStatus.DEREGISTERED, RegistrationStatus.MOVED_OUT})


def registration_ended(event) -> bool:
    data = event.data or {}
    return "status" in (data.get("changed") or []) and (data.get("after") or {}).get("status") in ENDED


def alertable(event) -> bool:
    if event.kind not in KINDS:
        return False
    if event.kind == EventKind.REGISTRATION_CHANGED:
        return registration_ended(event)
    if event.kind == EventKind.PENALTY:
        # A market-regulation case only (notice §三.1; issue 11): another department's penalty
        # is information on the profile, not a risk signal. Same rule as the credit verdict.
        data = event.data or {}
        return rules.penalty_counts(rules.market_regulation_of(data.get("authority") or "",
                                                               data.get("decision_no") or ""))
    return True


def is_good_news(event) -> bool:
    return event.kind in GOOD


def summary(event) -> str:
    """What changed, in the active language."""
    data = event.data or {}
    kind = event.kind
    if kind in (EventKind.LISTED, EventKind.REMOVED):
        list_name = str(ListingKind(data["kind"]).label) if data.get("kind") in ListingKind.values else ""
        if kind == EventKind.LISTED:
            return _("Put on the %(list)s on %(day)s by %(authority)s: %(reason)s") % {
                "list": list_name, "day": data.get("listed_on") or event.occurred_on or "",
                "authority": data.get("authority") or _("unknown authority"),
                "reason": data.get("reason") or _("no reason given")}
        return _("Removed from the %(list)s on %(day)s (%(reason)s)") % {
            "list": list_name, "day": data.get("removed_on") or event.occurred_on or "",
            "reason": data.get("removal_reason") or _("no reason given")}
    if kind == EventKind.PENALTY:
        return _("Administrative penalty %(no)s of %(day)s by %(authority)s: %(content)s") % {
            "no": data.get("decision_no", ""), "day": data.get("decided_on") or event.occurred_on or "",
            "authority": data.get("authority") or _("unknown authority"),
            "content": data.get("content") or data.get("violation_type") or ""}
    if kind == EventKind.SPOTCHECK_FAILED:
        return _("Failed product spot check of %(product)s on %(day)s: %(items)s") % {
            "product": data.get("product", ""), "day": data.get("checked_on") or event.occurred_on or "",
            "items": data.get("failed_items") or _("no items given")}
    if kind == EventKind.DISTINCTION_LAPSED:
        return _("Claimed distinction %(name)s expired (valid until %(day)s)") % {
            "name": event.element_type.local_name if event.element_type else "", "day": data.get("expires_on", "")}
    if kind == EventKind.DISTINCTION_REVOKED:
        return _("Claimed distinction %(name)s revoked on %(day)s: %(reason)s") % {
            "name": event.element_type.local_name if event.element_type else "",
            "day": data.get("revoked_on") or event.occurred_on or "", "reason": event.reason or ""}
    if kind == EventKind.ANNULLED:
        model = next((m for m, code in RECORD_TYPES.items() if code == event.record_type), None)
        return _("A %(record)s record was annulled on %(day)s: %(reason)s") % {
            "record": model._meta.verbose_name if model else event.record_type, "day": data.get("annulled_on") or event.occurred_on or "",
            "reason": event.reason or ""}
    if kind == EventKind.REGISTRATION_CHANGED:
        after = (data.get("after") or {}).get("status")
        label = str(RegistrationStatus(after).label) if after in RegistrationStatus.values else after
        return _("Registration status now %(status)s") % {"status": label}
    return str(event.get_kind_display())


def source(event) -> str:
    """Where the change came from: the feed batch and row, or the regulator who entered it."""
    if event.batch_id:
        feed = str(Feed(event.batch.feed).label) if event.batch and event.batch.feed in Feed.values else ""
        return _("%(feed)s, import batch #%(batch)s, row %(row)s") % {
            "feed": feed, "batch": event.batch_id, "row": event.row_number or "—"}
    if event.user_id:
        return _("entered by %(user)s: %(reason)s") % {"user": event.user.display_name, "reason": event.reason or ""}
    return str(event.get_source_display())
