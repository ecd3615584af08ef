"""Figures of closed periods, computed once and kept (the cache: Redis in production) with a
watermark of the dated tables they read, so that a dashboard of a closed period answers in a few
milliseconds whatever the data size, and the nightly task (tasks.dashboard_precompute) has the
last closed month and quarter ready for the city, every unit and every bank.

A kept result is used while no row was added since with a date inside the period (a backdated
repayment, disbursement, contract, classification, workflow step, library record or LPR): one
query reads the watermark (the highest id of each table), and only when it moved, one more
asks whether any new row is dated on or before the period's end. Rows changed in place with a
past date (a library record revoked or removed with an earlier date, demo backdating) are caught
by the nightly recomputation (the kept results live 26 hours). Open periods (ending today or
later) are always computed."""

from datetime import timedelta

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

TTL = int(timedelta(hours=26).total_seconds())
# 2: days per stage are whole local days (stop 17); figures kept under 1 are not read again.
VERSION = 2

# (table, condition for a new row to concern a period ending on %(day)s / before %(end)s)
DATED = [
    ("applications_application", "created_at < %(end)s"),
    ("applications_historyentry", "at < %(end)s"),
    ("applications_claim", "application_id IN (SELECT id FROM applications_application WHERE created_at < %(end)s)"),
    ("applications_contract", "signed_on <= %(day)s"),
    ("applications_disbursement", "date <= %(day)s"),
    ("applications_verificationrequest", "asked_at < %(end)s"),
    ("loans_loanhistory", "at < %(end)s OR effective_on <= %(day)s"),
    ("loans_repayment", "date <= %(day)s"),
    ("loans_fundusereport", "date <= %(day)s"),
    ("loans_riskalert", "created_at < %(end)s"),
    ("elements_distinction", "granted_on IS NULL OR granted_on <= %(day)s"),
    ("elements_listing", "listed_on <= %(day)s"),
    ("elements_penalty", "decided_on <= %(day)s"),
    ("elements_spotcheck", "checked_on <= %(day)s"),
    ("banks_loanprimerate", "effective_on <= %(day)s"),
]


def watermark() -> tuple:
    """The highest id of each dated table (and the LPR table's size): one query."""
    parts = [f"(SELECT MAX(id) FROM {table})" for table, _c in DATED] + ["(SELECT COUNT(*) FROM banks_loanprimerate)"]
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(parts))
        return tuple(cur.fetchone())


def touched(old: tuple, new: tuple, period) -> bool:
    """Whether a row added between the two watermarks is dated within the period: one query."""
    if old[-1] != new[-1]:
        return True  # an LPR row removed
    checks, params = [], {"day": period.date_to, "end": period.end}
    for i, (table, condition) in enumerate(DATED):
        if old[i] != new[i]:
            checks.append(f"EXISTS (SELECT 1 FROM {table} WHERE id > %(after{i})s AND ({condition}))")
            params[f"after{i}"] = old[i] or 0
    if not checks:
        return False
    with connection.cursor() as cur:
        cur.execute("SELECT " + " OR ".join(checks), params)
        return bool(cur.fetchone()[0])


def key(name, scope, period) -> str:
    return (f"regulators:figures:{VERSION}:{connection.settings_dict.get('NAME')}:{name}:{scope.unit}:{scope.bank}:"
            f"{period.date_from}:{period.date_to}")


# Every change to a loan's position today (balance, status, classification) adds a row to one of
# these: a disbursement, a repayment, a step of the loan's history, a new loan.
POSITION_TABLES = ("loans_loan", "loans_loanhistory", "loans_repayment", "applications_disbursement")


# Every change of the library adds a row to one of these (a change event for each record written,
# revoked, removed or annulled; a history row for each catalog change; a batch for each import).
LIBRARY_TABLES = ("elements_changeevent", "elements_distinction", "elements_listing", "elements_penalty",
                  "elements_spotcheck", "elements_importbatch", "elements_historicalelementtype.history_id")


def marks(tables) -> tuple:
    """The highest id (or the named column: "table.column") of each table: one query."""
    parts = []
    for t in tables:
        table, _dot, column = t.partition(".")
        parts.append(f"(SELECT MAX({column or 'id'}) FROM {table})")
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(parts))
        return tuple(cur.fetchone())


def kept_while(name, scope, tables, compute):
    """compute() kept while no row was added to `tables` (today's loan positions: one query while
    valid, so an open period does not scan the loan book on every read)."""
    k = f"regulators:figures:{VERSION}:{connection.settings_dict.get('NAME')}:{name}:{scope.unit}:{scope.bank}"
    mark = marks(tables)
    kept = cache.get(k)
    if kept is not None and kept[0] == mark:
        return kept[1]
    value = compute()
    cache.set(k, (mark, value), TTL)
    return value


def stored(name, scope, period, compute, *, refresh=False):
    """compute() for an open period; for a closed one the kept result while still valid."""
    if period.date_to >= timezone.localdate():
        return compute()
    k = key(name, scope, period)
    mark = watermark()
    kept = None if refresh else cache.get(k)
    if kept is not None:
        old, value = kept
        if old == mark:
            return value
        if not touched(old, mark, period):
            cache.set(k, (mark, value), TTL)
            return value
    value = compute()
    cache.set(k, (mark, value), TTL)
    return value
