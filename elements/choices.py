from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Nature(models.TextChoices):
    CONDITION = "condition", _("Credit condition (an absence)")
    DISTINCTION = "distinction", _("Distinction")


class Level(models.TextChoices):
    INTERNATIONAL = "international", pgettext_lazy("level", "International")
    NATIONAL = "national", pgettext_lazy("level", "National")
    MUNICIPAL = "municipal", pgettext_lazy("level", "Municipal")
    DISTRICT = "district", pgettext_lazy("level", "District")
    # 省级: a province's own spot check (Beijing, a municipality, has none): shown, never deciding.
    PROVINCIAL = "provincial", pgettext_lazy("level", "Provincial (another province)")


# Levels a distinction of the catalog can have (notice §三); 省级 is not one of them.
DISTINCTION_LEVELS = (Level.INTERNATIONAL, Level.NATIONAL, Level.MUNICIPAL, Level.DISTRICT)


class Feed(models.TextChoices):
    """The published lists the library is synced from (DOMAIN.md §5), plus the ways a record
    enters without a feed."""

    REGISTRATION = "registration", _("Registration (企业登记信息)")
    ABNORMAL = "abnormal", _("Abnormal operation list (经营异常名录)")
    SERIOUS = "serious", _("Serious illegal and dishonest list (严重违法失信名单)")
    PENALTY = "penalty", _("Administrative penalties (行政处罚)")
    SPOTCHECK = "spotcheck", _("Product quality spot checks (产品质量监督抽查)")
    HONOR = "honor", _("Quality honours and qualifications (质量荣誉与资质)")
    CLAIM = "claim", _("Enterprise claim confirmed by a regulator")


LEVEL_WORDS = {
    # How the published lists write a level (DOMAIN.md §5), normalised. 省级 is another
    # province's level, not Beijing's municipal one (docs/decisions.md, rules fidelity).
    "国际": Level.INTERNATIONAL, "国际级": Level.INTERNATIONAL, "international": Level.INTERNATIONAL,
    "国家": Level.NATIONAL, "国家级": Level.NATIONAL, "国抽": Level.NATIONAL, "national": Level.NATIONAL,
    "市": Level.MUNICIPAL, "市级": Level.MUNICIPAL, "北京市": Level.MUNICIPAL, "municipal": Level.MUNICIPAL,
    "区": Level.DISTRICT, "区级": Level.DISTRICT, "区县": Level.DISTRICT, "district": Level.DISTRICT,
    "省": Level.PROVINCIAL, "省级": Level.PROVINCIAL, "省抽": Level.PROVINCIAL, "provincial": Level.PROVINCIAL,
}


class SpotCheckScope(models.TextChoices):
    """Whose product spot check it was: the notice counts national, Beijing municipal and Beijing
    district checks (§三.1); another province's is shown but does not decide credit."""

    NATIONAL = "national", _("National check")
    BEIJING = "beijing", _("Beijing municipal or district check")
    ELSEWHERE = "elsewhere", _("Another province's check (shown, does not decide credit)")


class Source(models.TextChoices):
    """Where a record came from (its provenance)."""

    FEED = "feed", _("Public-record feed")
    REGULATOR = "regulator", _("Entered by a regulator")
    CLAIM = "claim", _("Enterprise claim confirmed by a regulator")
    SYSTEM = "system", _("System (scheduled check)")


class DistinctionStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class ListingKind(models.TextChoices):
    ABNORMAL = "abnormal", _("Abnormal operation list (经营异常名录)")
    SERIOUS = "serious", _("Serious illegal and dishonest list (严重违法失信名单)")


class SpotCheckResult(models.TextChoices):
    PASSED = "passed", _("Passed (合格)")
    FAILED = "failed", _("Failed (不合格)")


class EventKind(models.TextChoices):
    """Changes that matter to a borrower (consumed by post-loan alerts) and corrections."""

    LISTED = "listed", _("Put on a list")
    REMOVED = "removed", _("Removed from a list")
    PENALTY = "penalty", _("Administrative penalty recorded")
    SPOTCHECK_FAILED = "spotcheck_failed", _("Failed product spot check recorded")
    DISTINCTION_GRANTED = "distinction_granted", _("Distinction granted")
    DISTINCTION_LAPSED = "distinction_lapsed", _("Distinction lapsed")
    DISTINCTION_REVOKED = "distinction_revoked", _("Distinction revoked")
    CORRECTED = "corrected", _("Record corrected")
    ANNULLED = "annulled", _("Record annulled")
    REGISTRATION_CHANGED = "registration_changed", _("Registration status changed")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class BatchSource(models.TextChoices):
    UPLOAD = "upload", _("Uploaded by a regulator")
    INBOX = "inbox", _("Inbox folder")
    URL = "url", _("HTTPS pull")
    CLI = "cli", _("Command line")
    DEMO = "demo", _("Demo seed")


SYNC_FEEDS = [Feed.REGISTRATION, Feed.ABNORMAL, Feed.SERIOUS, Feed.PENALTY, Feed.SPOTCHECK, Feed.HONOR]
