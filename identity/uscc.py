"""Unified social credit code (统一社会信用代码), GB 32100-2015.

Validation names the rule that failed so that a person can fix the code; messages are
translated (Simplified Chinese first, English second)."""

import operator
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}

# GB 11714 organization code (positions 9-17): 8 characters and a check character.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# 1st character: registration department; 2nd: kind of entity (for department 9).
MARKET_REGULATION = "9"
KIND_ENTERPRISE = "1"
KIND_INDIVIDUAL_BUSINESS = "2"
KIND_FARMERS_COOPERATIVE = "3"

RULE_LENGTH = "length"
RULE_CHARSET = "charset"
RULE_CHECK = "check_character"
RULE_BEIJING = "not_beijing"


@dataclass
class UsccCheck:
    code: str
    errors: list = field(default_factory=list)  # [(rule, message)]

    @property
    def valid(self) -> bool:
        """Well-formed per GB 32100 (length, characters, check character)."""
        return not any(rule != RULE_BEIJING for rule, _msg in self.errors)

    @property
    def beijing(self) -> bool:
        return self.valid and self.code[2:4] == "11"

    @property
    def division_code(self) -> str:
        return self.code[2:8] if self.valid else ""

    @property
    def messages(self) -> list[str]:
        return [str(msg) for _rule, msg in self.errors]

    @property
    def rules(self) -> list[str]:
        return [rule for rule, _msg in self.errors]


def normalize(code: str) -> str:
    return (code or "").strip().upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def is_well_formed(code: str) -> bool:
    """Fast yes/no for bulk imports (a normalized code); `check` explains a no."""
    if len(code) != 18:
        return False
    try:
        total = sum(map(operator.mul, map(_VALUE.__getitem__, code[:17]), WEIGHTS))
    except KeyError:
        return False
    return code[17] == ALPHABET[(31 - total % 31) % 31] and code[17] in _VALUE


def check(code: str, *, require_beijing: bool = True) -> UsccCheck:
    """Check a code against every rule; all failures are reported, not only the first."""
    code = normalize(code)
    result = UsccCheck(code=code)
    if len(code) != 18:
        result.errors.append(
            (RULE_LENGTH, _("The code must be 18 characters long; this one has %(n)d.") % {"n": len(code)})
        )
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        result.errors.append(
            (
                RULE_CHARSET,
                _(
                    "The code may only contain digits and the capital letters "
                    "ABCDEFGHJKLMNPQRTUWXY (no I, O, Z, S, V); found: %(chars)s."
                )
                % {"chars": " ".join(bad)},
            )
        )
    if len(code) == 18 and not bad:
        expected = check_character(code[:17])
        if code[17] != expected:
            result.errors.append(
                (
                    RULE_CHECK,
                    _("The check character (18th) should be %(expected)s, not %(got)s: a character was mistyped.")
                    % {"expected": expected, "got": code[17]},
                )
            )
    if result.valid and require_beijing and code[2:4] != "11":
        result.errors.append(
            (
                RULE_BEIJING,
                _("Characters 3-8 (%(division)s) are not a Beijing division code (Beijing codes start with 11).")
                % {"division": code[2:8]},
            )
        )
    return result


def make_code(department: str, kind: str, division: str, org_body8: str) -> str:
    """Build a well-formed code (used by the demo world and the benchmark generator)."""
    org = org_body8 + org_code_check(org_body8)
    first17 = department + kind + division + org
    return first17 + check_character(first17)
