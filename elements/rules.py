"""The quality-credit rules of notice §三.1, in one place, with the version they are computed
under (the abnormal-operation measures were revised in 2025; the serious-violation measures
may follow). Change RULES_VERSION whenever what these functions answer changes.

Periods follow the Civil Code (民法典 §§201–203): a period counted in years ends on the
corresponding day of the last year, or on the month's last day when there is no corresponding
day. So "in the last 3 years" on date D covers a record dated d when d <= D <= d + 3 years: a
penalty decided on 2023-03-05 still counts on 2026-03-05 and no longer on 2026-03-06."""

import re
from datetime import date, timedelta
from functools import lru_cache

from identity.registry import beijing_of
from identity.selectors import district_names
from jingzhidai.dates import add_months

from .choices import Level, SpotCheckScope

# 2026.1 (rules fidelity, issue 11): serious listings end three years after listing; only
# market-regulation penalties count; only national and Beijing spot checks count, over products
# made in the last 3 years. Profiles and decisions computed earlier keep saying 2025.1.
RULES_VERSION = "jzd-credit-2026.1"
LOOKBACK_YEARS = 3
# SAMR measures for the serious illegal and dishonest list (市场监督管理严重违法失信名单管理办法,
# SAMR Order No. 44 of 2021): a listing is removed once it has lasted three years, unless a
# longer restriction applies under law.
SERIOUS_LIST_YEARS = 3


def add_years(day: date, years: int) -> date:
    """The corresponding day `years` on, or the month's last day when there is none."""
    return add_months(day, 12 * years)


def last_day_counted(day: date) -> date:
    """The last date on which a record dated `day` counts as 'in the last 3 years'."""
    return add_years(day, LOOKBACK_YEARS)


def counts_on(day: date, as_of: date) -> bool:
    return day <= as_of <= last_day_counted(day)


def lookback_floor(as_of: date) -> date:
    """A date on or before the earliest record date that can count on `as_of` (for queries;
    `counts_on` decides exactly)."""
    return date.fromordinal(add_years(as_of, -LOOKBACK_YEARS).toordinal() - 1)


def earliest_counted(as_of: date) -> date:
    """The earliest record date that counts on `as_of`: `counts_on(d, as_of)` holds exactly for
    earliest_counted(as_of) <= d <= as_of (the bound of the set-based form of the rules, since
    `last_day_counted` never decreases as d grows)."""
    day = lookback_floor(as_of)
    while last_day_counted(day) < as_of:
        day += timedelta(days=1)
    return day


# --- serious illegal and dishonest list ------------------------------------------------------

def serious_listing_ends(*, listed_on: date, removed_on: date | None, restricted_until: date | None) -> date:
    """The first day a serious listing no longer counts: the removal date, or the day it turns
    three years (the anniversary, or the month's last day when there is none) when the list shows
    no earlier removal; a longer restriction the record states keeps it counting through its
    last day."""
    ends = add_years(listed_on, SERIOUS_LIST_YEARS)
    if restricted_until is not None and restricted_until >= ends:
        ends = restricted_until + timedelta(days=1)
    if removed_on is not None and removed_on < ends:
        ends = removed_on
    return ends


# --- penalties: market-regulation cases only (notice §三.1 "市场监管领域违法案件") ------------------

# Bodies of market regulation and their predecessors merged into it in 2018 (工商, 质监, 食药监);
# 知识产权局 and 药品监督管理局 sit under market regulation in the publicity system; the ETDZ's
# 商务金融局 is the market-regulation unit the notice names for the development area.
_MARKET_REGULATION = ("市场监督管理", "市场监管", "知识产权局", "药品监督管理", "药监局", "工商行政管理", "工商局",
                      "质量技术监督", "质监局", "食品药品监督", "经济技术开发区商务金融局")
_MARKET_DECISION_NO = re.compile(r"市监|工商|质监|药监|知")


@lru_cache(maxsize=4096)
def market_regulation_of(authority: str, decision_no: str = "") -> bool | None:
    """Whether a penalty was decided by a market-regulation body: from the authority, else from a
    decision number such as 京海市监罚〔2024〕12号; None when neither says (such a penalty counts:
    a verdict never rests on a guess in the enterprise's favour)."""
    authority = "".join((authority or "").split())
    if authority:
        return any(marker in authority for marker in _MARKET_REGULATION)
    if decision_no and _MARKET_DECISION_NO.search(decision_no):
        return True
    return None


def penalty_counts(market_regulation: bool | None) -> bool:
    return market_regulation is not False


# --- product spot checks: national, Beijing municipal and district (notice §三.1) ----------------

@lru_cache(maxsize=4096)
def _authority_in_beijing(authority: str) -> bool | None:
    return beijing_of(authority=authority, address="", districts=district_names())


def spotcheck_scope(level: str, authority: str) -> str:
    """Whose check: national (whoever carried it out), a province's (省级, never Beijing's), or a
    municipal / district check, which is Beijing's unless its organising authority names
    another place (a list without the authority is the Beijing bureau's own announcement)."""
    if level == Level.NATIONAL:
        return SpotCheckScope.NATIONAL
    if level == Level.PROVINCIAL:
        return SpotCheckScope.ELSEWHERE
    if _authority_in_beijing(authority or "") is False:
        return SpotCheckScope.ELSEWHERE
    return SpotCheckScope.BEIJING


def spotcheck_counts(scope: str) -> bool:
    return scope != SpotCheckScope.ELSEWHERE


_PRODUCED = (re.compile(r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"),
             re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"))


def produced_on_of(production_batch: str, checked_on: date) -> date | None:
    """The production date in a 生产日期/批号 cell ("2024-03-05", "20240305", "2024年3月5日",
    "20240305/B12"), when there is exactly one plausible date: on or before the check date and
    at most ten years before it. A batch number alone gives None (the window then runs from the
    check date, which is never earlier)."""
    found = set()
    for pattern in _PRODUCED:
        for m in pattern.finditer(production_batch or ""):
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            if add_years(checked_on, -10) <= day <= checked_on:
                found.add(day)
    return found.pop() if len(found) == 1 else None


def spotcheck_window_start(*, produced_on: date | None, checked_on: date) -> date:
    """The notice counts products made in the last 3 years (近3年生产的产品): from the production
    date when the list gives one, else from the check date."""
    return produced_on or checked_on
