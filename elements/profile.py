"""The shape of a quality profile (notice §三): what the library says about one enterprise on
one date. Computed by `elements.selectors.profile_get`; read by the API, the pages, bank
product matching and (later) application decisions. Plain data, so it can be stored with a
decision and compared later."""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class CreditReason:
    """Why one credit condition does not hold: which list, since when, by which authority,
    until when (None: still in force), and what the enterprise can do about it."""

    condition: str  # element type code, e.g. "credit.no_abnormal_operation"
    message: str
    authority: str = ""
    since: date | None = None
    until: date | None = None
    reference: str = ""  # decision number, batch, listing reason…
    remedy: str = ""


@dataclass(frozen=True)
class HeldElement:
    """A distinction held and valid on the profile's date."""

    code: str  # element type code in the catalog, e.g. "management.china_quality_award"
    name: str
    category: str  # category code
    level: str = ""
    issuer: str = ""
    certificate_no: str = ""
    granted_on: date | None = None
    expires_on: date | None = None
    expiring_soon: bool = False
    source: str = ""  # feed / regulator / confirmed claim


@dataclass
class QualityCredit:
    holds: bool
    reasons: list[CreditReason] = field(default_factory=list)
    conditions: dict[str, bool] = field(default_factory=dict)  # condition code -> holds
    # Records shown but not deciding (another department's penalty, another province's spot
    # check, a serious listing past its three years), each with why it does not count.
    information: list[CreditReason] = field(default_factory=list)


@dataclass
class CategoryProfile:
    code: str
    name: str
    elements: list[HeldElement] = field(default_factory=list)


@dataclass
class QualityProfile:
    uscc: str
    as_of: date
    rules_version: str
    quality_credit: QualityCredit
    categories: list[CategoryProfile] = field(default_factory=list)

    def held_codes(self) -> set[str]:
        """Element type codes held: distinctions, plus each credit condition that holds."""
        codes = {e.code for c in self.categories for e in c.elements}
        codes |= {code for code, ok in self.quality_credit.conditions.items() if ok}
        return codes

    def distinction_codes(self) -> list[str]:
        """Codes of the distinctions held (credit conditions excluded), in catalog order."""
        return [e.code for c in self.categories if c.code != "credit" for e in c.elements]

    def held_categories(self) -> set[str]:
        """Distinction categories in which at least one element is held."""
        return {c.code for c in self.categories if c.elements and c.code != "credit"}
