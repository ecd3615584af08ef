"""Bulk demo and benchmark data: N realistic applications over the enterprises, banks, products
and districts already in the database (`manage.py grow_demo --applications N`).

Each application gets a status drawn from a fixed mix and everything the workflow would have
written to get there: two claims, one evidence row, the authorisation of its bank (ended for
withdrawn and rejected ones), one history row per step, the proposal and decision (maker ≠
checker), a contract for approved-and-later statuses that went on, disbursements within the
contract amount, and stage time stamps in order. No signals run, so:
- banks and enterprises without the staff or user the steps need get one that cannot sign in;
- evidence rows are metadata only: their `file` names a path under `grow/` that does not exist
  (opening one answers 404 like any missing file);
- no notifications are written;
- what apps above this one make of the rows (the loans of the contracts) is written by their
  `Extension`s, given by the caller (the project-level command `grow_demo` gives the loans app's,
  loans/grow.py): each gets every chunk's contracts in the generating process and returns its
  own tables' COPY text, copied with the chunk; without it the nightly loans job opens them.

How (issue 10: a million applications in minutes): the rows are written as COPY text directly
(tab-separated lines, no dict or model instance per row), a chunk at a time; the ids they
refer to (applications, claims, contracts) are reserved up front as blocks of their sequences.
A large load is generated in a second process while this one copies the chunk before (the
extensions' rows in a third, fed with each chunk's contracts by the second); its
plain secondary indexes are dropped first and built again at the end, two at a time, and the
tables analysed. On PostgreSQL each chunk is one COPY per table in one transaction; elsewhere
(SQLite) the same lines are inserted with executemany."""

import multiprocessing
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from random import Random
from typing import NamedTuple, Protocol

from django.db import DatabaseError, connection, transaction

from banks.models import PRODUCT_OPEN_TO_APPLICATIONS, Product
from elements.models import ElementType
from identity.choices import Role
from identity.models import Enterprise, User
from jingzhidai.dates import add_months
from jingzhidai.errors import ApplicationError

from .choices import Action, AuthorisationEnd, Purpose, RepaymentMethod, Status
from .models import Application, Authorisation, Claim, Contract, Disbursement, Evidence, HistoryEntry

# The status mix (weights sum to 100) and the steps that lead to each status.
MIX = [(Status.DRAFT, 8), (Status.SUBMITTED, 14), (Status.RETURNED, 5), (Status.UNDER_REVIEW, 14),
       (Status.PROPOSED, 8), (Status.APPROVED, 5), (Status.REJECTED, 8), (Status.CONTRACTED, 8),
       (Status.DISBURSED, 25), (Status.WITHDRAWN, 5)]
PATHS = {
    Status.DRAFT: [],
    Status.SUBMITTED: [Action.SUBMIT],
    Status.RETURNED: [Action.SUBMIT, Action.RETURN],
    Status.UNDER_REVIEW: [Action.SUBMIT, Action.ACCEPT],
    Status.PROPOSED: [Action.SUBMIT, Action.ACCEPT, Action.PROPOSE],
    Status.APPROVED: [Action.SUBMIT, Action.ACCEPT, Action.PROPOSE, Action.APPROVE],
    Status.REJECTED: [Action.SUBMIT, Action.ACCEPT, Action.PROPOSE, Action.REJECT],
    Status.CONTRACTED: [Action.SUBMIT, Action.ACCEPT, Action.PROPOSE, Action.APPROVE, Action.CONTRACT],
    Status.DISBURSED: [Action.SUBMIT, Action.ACCEPT, Action.PROPOSE, Action.APPROVE, Action.CONTRACT,
                       Action.DISBURSE],
    Status.WITHDRAWN: [Action.SUBMIT, Action.WITHDRAW],
}
TARGET = {Action.SUBMIT: Status.SUBMITTED, Action.RETURN: Status.RETURNED, Action.ACCEPT: Status.UNDER_REVIEW,
          Action.PROPOSE: Status.PROPOSED, Action.APPROVE: Status.APPROVED, Action.REJECT: Status.REJECTED,
          Action.CONTRACT: Status.CONTRACTED, Action.DISBURSE: Status.DISBURSED, Action.WITHDRAW: Status.WITHDRAWN}
STAMP = {Action.SUBMIT: "submitted_at", Action.RETURN: "returned_at", Action.ACCEPT: "accepted_at",
         Action.PROPOSE: "proposed_at", Action.APPROVE: "decided_at", Action.REJECT: "decided_at",
         Action.CONTRACT: "contracted_at", Action.DISBURSE: "disbursed_at", Action.WITHDRAW: "withdrawn_at"}
NO_STAMPS = dict.fromkeys(STAMP.values())
MAKER = {Action.RETURN, Action.ACCEPT, Action.PROPOSE}  # the officer; approve/reject/contract/disburse: the approver
CHUNK = 25_000
# A load at least this large is generated in a second process while this one copies the rows
# generated before (two cores at work instead of one: Python formatting, PostgreSQL storing).
PROCESS_FROM = 50_000
# Asia/Shanghai has kept UTC+8 without daylight saving since 1991: dates of generated times.
SHANGHAI = 8 * 3600
PURPOSES = Purpose.values
NEEDS = ["购置检测设备，资金缺口{w}万元，以经营性现金流还款。", "产线技术改造，资金缺口{w}万元。",
         "质量管理体系升级与实验室建设，资金缺口{w}万元。", "原材料采购周转，资金缺口{w}万元。"]


@dataclass
class _World:
    products: list  # (product id, bank id, 万元 min, 万元 max, term min, term max, guarantee)
    desk: dict  # bank id -> (officer id, officer name, approver id, approver name); names as COPY text
    enterprises: list  # (enterprise id, user id, user name), as COPY text
    element_types: list


def _staff_missing():
    """Banks with open products need an officer and an approver (maker ≠ checker), enterprises
    a user who created their applications: add those missing, as users who cannot sign in
    (unusable password), named grow-officer-<bank>, grow-approver-<bank>, grow-ent-<id>."""
    banks = set(Product.objects.filter(PRODUCT_OPEN_TO_APPLICATIONS).values_list("bank_id", flat=True))
    have = set(User.objects.filter(role__in=[Role.BANK_OFFICER, Role.BANK_APPROVER], is_active=True)
               .values_list("bank_id", "role"))
    users = [User(username=f"grow-{role.split('_')[1]}-{bank}", role=role, bank_id=bank)
             for bank in sorted(banks) for role in (Role.BANK_OFFICER, Role.BANK_APPROVER)
             if (bank, role) not in have]
    with_user = User.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False).values("enterprise_id")
    users += [User(username=f"grow-ent-{pk}", role=Role.ENTERPRISE, enterprise_id=pk)
              for pk in Enterprise.objects.exclude(pk__in=with_user).values_list("pk", flat=True)]
    for u in users:
        u.set_unusable_password()
    User.objects.bulk_create(users, batch_size=1000)


def _world() -> _World:
    _staff_missing()
    desk = {}
    for u in User.objects.filter(role__in=[Role.BANK_OFFICER, Role.BANK_APPROVER], is_active=True).order_by("id"):
        officer, approver = desk.setdefault(u.bank_id, [None, None])
        if u.role == Role.BANK_OFFICER and officer is None:
            desk[u.bank_id][0] = (u.pk, _text(u.get_full_name() or u.username))
        if u.role == Role.BANK_APPROVER and approver is None:
            desk[u.bank_id][1] = (u.pk, _text(u.get_full_name() or u.username))
    desk = {b: (*o, *a) for b, (o, a) in desk.items() if o and a}
    # Amounts in whole 万元 within the product's range.
    products = [(p.pk, p.bank_id, max(1, int(p.amount_min) // 10000), max(1, int(p.amount_max) // 10000),
                 p.term_min_months, p.term_max_months, _text((p.guarantee_types or ["credit"])[0]))
                for p in Product.objects.filter(PRODUCT_OPEN_TO_APPLICATIONS, bank_id__in=list(desk)).order_by("id")]
    enterprises, seen = [], set()
    for u in User.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False).order_by("id"):
        if u.enterprise_id not in seen:
            seen.add(u.enterprise_id)
            enterprises.append((_text(u.enterprise_id), u.pk, _text(u.get_full_name() or u.username)))
    types = list(ElementType.objects.order_by("id").values_list("id", flat=True))
    if not products or not enterprises or len(types) < 2:
        raise ApplicationError("grow_demo needs at least one open product of a bank with an officer and an "
                               "approver, one enterprise with a user and the element catalog: run "
                               "`manage.py demo` first.", code="missing")
    return _World(products, desk, enterprises, types)



TABLES = (Application, Claim, Evidence, Authorisation, HistoryEntry, Contract, Disbursement)
# The columns written, in the order of the generated lines. Applications, claims and contracts
# carry the ids reserved for them (rows of the others point at them); the rest take theirs from
# their sequence. `_columns_check` holds this list to the models.
COLUMNS = {
    Application: ("id", "enterprise_id", "bank_id", "product_id", "branch_id", "amount", "term_months", "purpose",
                  "purpose_description", "need_statement", "status", "created_by_id", "created_at",
                  "status_changed_at", "submitted_at", "accepted_at", "returned_at", "proposed_at", "decided_at",
                  "contracted_at", "disbursed_at", "withdrawn_at", "proposed_by_id", "credit_line", "annual_rate",
                  "decided_term_months", "guarantee_type", "proposal_notes", "decided_by_id", "decision_reason",
                  "return_note", "decision_profile"),
    Claim: ("id", "application_id", "element_type_id", "origin", "note"),
    Evidence: ("application_id", "claim_id", "file", "original_name", "extension", "content_type", "size", "sha256",
               "uploaded_by_id", "uploaded_at", "review", "review_reason", "reviewed_by_id", "reviewed_at"),
    Authorisation: ("application_id", "enterprise_id", "bank_id", "granted_by_id", "granted_at", "revoked_at",
                    "end_reason"),
    HistoryEntry: ("application_id", "action", "from_status", "to_status", "actor_id", "actor_name", "note", "at"),
    Contract: ("id", "application_id", "number", "signed_on", "amount", "annual_rate", "term_months", "maturity_on",
               "repayment_method", "recorded_by_id", "recorded_at", "bank_id"),
    Disbursement: ("application_id", "contract_id", "amount", "date", "recorded_by_id", "recorded_at"),
}
WITH_IDS = (Application, Claim, Contract)


class ContractRow(NamedTuple):
    """A contract as generated, for the extensions: its columns as values, and its
    disbursements as (amount, date) pairs. `enterprise_id` is COPY text already."""

    id: int
    application_id: int
    enterprise_id: str
    bank_id: int
    product_id: int
    number: str
    amount: Decimal
    annual_rate: Decimal
    term_months: int
    signed_on: date
    maturity_on: date
    repayment_method: str
    recorded_by_id: int
    disbursements: tuple


class Extension(Protocol):
    """Rows an app above this one derives from the generated contracts (loans/grow.py)."""

    tables: tuple  # the models it writes, in order
    columns: dict  # model -> the columns of its lines, as COLUMNS
    connections: tuple  # groups of its tables, each copied on a connection of its own (the rest: on the first)

    def prepare(self, contracts: int) -> None:
        """In this process, before any row is generated: e.g. reserve ids for `contracts`."""

    def chunk(self, contracts: list[ContractRow]) -> tuple[dict, dict]:
        """In the generating process: (COPY text per model, counts) for one chunk's contracts."""
# A load at least this large, and at least as large as what the tables hold, drops their plain
# secondary indexes first and builds them again at the end (faster than keeping them up to date
# row by row); unique indexes and those of constraints stay, so every rule holds while loading.
REINDEX_FROM = 100_000


def _columns_check():
    """Every column of each table is written (a column added to a model must be added here)."""
    for model, columns in COLUMNS.items():
        expected = {f.column for f in model._meta.concrete_fields} - ({"id"} if model not in WITH_IDS else set())
        if set(columns) != expected:
            raise ApplicationError(f"grow: the columns of {model._meta.db_table} changed: "
                                   f"{sorted(expected ^ set(columns))}", code="grow_columns")


def grow(*, applications: int, seed: int = 1, stdout=None, reindex: bool | None = None,
         horizon_days: int = 3 * 365, process: bool | None = None, extensions=()) -> dict:
    """Add `applications` applications created within the last `horizon_days`; returns how many
    rows of each kind were written.
    `reindex`: drop and rebuild the secondary indexes around the load (default: on
    PostgreSQL for a load of REINDEX_FROM or more that at least doubles the applications).
    `process`: generate the rows in a second process (default: for PROCESS_FROM or more).
    `extensions`: `Extension`s whose tables are written with each chunk (and reindexed too)."""
    _columns_check()
    extensions = tuple(extensions)
    tables = TABLES + tuple(m for e in extensions for m in e.tables)
    columns = {**COLUMNS, **{m: c for e in extensions for m, c in e.columns.items()}}
    own = [group for e in extensions for group in e.connections]
    groups = [tuple(m for m in tables if m not in OTHER_CONNECTION and not any(m in g for g in own)),
              OTHER_CONNECTION, *own]
    world = _world()
    # The statuses first (their own stream of the seed), so the contracts to reserve ids for
    # are known before any row is generated.
    statuses = [s for s, w in MIX for _ in range(w)]
    drawn = Random(seed).choices(statuses, k=applications)
    contracts = sum(1 for s in drawn if Action.CONTRACT in PATHS[s])
    if reindex is None:
        reindex = applications >= max(REINDEX_FROM, _rows_estimate(Application))
    if process is None:
        process = applications >= PROCESS_FROM
    started = time.monotonic()
    ids = {Application: ids_reserve(Application, applications), Claim: ids_reserve(Claim, 2 * applications),
           Contract: ids_reserve(Contract, contracts)}
    for extension in extensions:
        extension.prepare(contracts)
    dropped = _indexes_drop(tables) if reindex else []
    counts = dict.fromkeys(["applications", "claims", "evidence", "authorisations", "history", "contracts",
                            "disbursements"], 0)
    # Two COPY connections at once (this one and a helper thread's; one more per group of an
    # extension's tables) when the foreign-key checks are skipped: otherwise a claim committed
    # on one could not see its application, not yet committed on the other. Never inside a
    # transaction (a test's).
    helpers = [ThreadPoolExecutor(max_workers=1) for _group in groups[1:]] if (
        connection.vendor == "postgresql" and not connection.in_atomic_block and _may_skip_foreign_key_checks()
    ) else None
    try:
        chunks = _produced(world, seed, drawn, ids, horizon_days, extensions, tables) if process else _chunks(
            world, seed, drawn, ids, horizon_days, extensions)
        done, waited, copying, busy = 0, 0.0, 0.0, [0.0] * len(groups)
        mark = time.monotonic()
        for lines, chunk_counts in chunks:
            got = time.monotonic()
            waited += got - mark  # for the generating processes (or generating, in process)
            if helpers is None:
                busy[0] += _write_chunk(lines, tables, columns)
            else:
                others = [h.submit(_write_chunk, lines, group, columns) for h, group in zip(helpers, groups[1:],
                                                                                           strict=True)]
                busy[0] += _write_chunk(lines, groups[0], columns)
                for i, other in enumerate(others, start=1):
                    busy[i] += other.result()
            for key, value in chunk_counts.items():
                counts[key] = counts.get(key, 0) + value
            done += chunk_counts["applications"]
            mark = time.monotonic()
            copying += mark - got
            if stdout:
                stdout.write(f"grow_demo: {done}/{applications} in {mark - started:.1f} s "
                             f"(waited for rows {waited:.1f} s, copying {copying:.1f} s; each connection busy "
                             f"{', '.join(f'{b:.1f}' for b in busy)} s)")
    finally:
        for helper in helpers or ():
            helper.submit(_connection_close).result()
            helper.shutdown()
        if dropped:
            started = time.monotonic()
            _indexes_create(dropped)
            if stdout:
                stdout.write(f"grow_demo: {len(dropped)} indexes rebuilt in {time.monotonic() - started:.1f} s")
    return counts


# --- ids ------------------------------------------------------------------------------------------

def ids_reserve(model, n: int) -> range:
    """A block of `n` consecutive ids for new rows of `model`. PostgreSQL: taken from the
    table's sequence while the table is locked against other inserts (an insert takes its
    lock before it draws from the sequence), so nobody else draws from the block. Elsewhere
    (one writer): after the largest id."""
    table = model._meta.db_table
    if n <= 0:
        return range(0)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + n - 1])
        else:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {connection.ops.quote_name(table)}")
            first = cursor.fetchone()[0]
    return range(first, first + n)


# --- generating the rows ---------------------------------------------------------------------------

def _text(value: str) -> str:
    """A value as COPY text (backslash, tab and line breaks escaped)."""
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


N = "\\N"  # NULL in COPY text
HMS = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
EPOCH_DAY0 = date(1970, 1, 1).toordinal()


class _Clock:
    """Time stamps as COPY text from seconds since the epoch (UTC, whole seconds, as Django
    writes them on SQLite too), and Beijing dates; each day formatted once."""

    def __init__(self):
        self.days, self.months, self.dates, self.month_dates = {}, {}, {}, {}

    def date(self, days: int) -> date:
        value = self.dates.get(days)
        if value is None:
            value = self.dates[days] = date.fromordinal(EPOCH_DAY0 + days)
        return value

    def date_plus_months(self, days: int, months: int) -> date:
        key = (days, months)
        value = self.month_dates.get(key)
        if value is None:
            value = self.month_dates[key] = add_months(self.date(days), months)
        return value

    def day(self, days: int) -> str:
        text = self.days.get(days)
        if text is None:
            text = self.days[days] = date.fromordinal(EPOCH_DAY0 + days).isoformat()
        return text

    def stamp(self, seconds: int) -> str:
        return f"{self.day(seconds // 86400)} {HMS[seconds % 86400]}"

    def local_day(self, seconds: int) -> int:
        return (seconds + SHANGHAI) // 86400

    def plus_months(self, days: int, months: int) -> str:
        key = (days, months)
        text = self.months.get(key)
        if text is None:
            text = self.months[key] = add_months(date.fromordinal(EPOCH_DAY0 + days), months).isoformat()
        return text


def _chunks(world, seed, drawn, ids, horizon_days, extensions=(), contracts_out=None):
    """(lines per table, counts) for each CHUNK of applications, in order, with the
    extensions' lines for its contracts; or, given `contracts_out` (a queue), without them:
    each chunk's contracts go there instead, for the extensions' own process."""
    rng = Random(seed + 1)
    now = int(time.time())
    clock = _Clock()
    app_ids, claim_ids, contract_ids = ids[Application], ids[Claim], iter(ids[Contract])
    for start in range(0, len(drawn), CHUNK):
        lines, counts, signed = _chunk(world, rng, clock, now, horizon_days * 86400, drawn[start:start + CHUNK],
                                       app_ids[start:start + CHUNK], claim_ids[2 * start:2 * (start + CHUNK)],
                                       contract_ids)
        if contracts_out is not None:
            contracts_out.put(signed)
        else:
            _extend(lines, counts, extensions, signed)
        yield lines, counts


def _extend(lines, counts, extensions, signed):
    """The extensions' lines and counts for one chunk's contracts, added to the chunk's."""
    for extension in extensions:
        more, more_counts = extension.chunk(signed)
        lines.update(more)
        counts.update(more_counts)


def _chunk(world, rng, clock, now, horizon, statuses, app_ids, claim_ids, contract_ids):
    random = rng.random
    products, enterprises, desk, types = world.products, world.enterprises, world.desk, world.element_types
    n_products, n_enterprises, n_types, n_purposes, n_needs = (len(products), len(enterprises), len(types),
                                                               len(PURPOSES), len(NEEDS))
    stamp, day, local_day, plus_months = clock.stamp, clock.day, clock.local_day, clock.plus_months
    apps, claims, evidence, auths, history, contracts, disbursements = [], [], [], [], [], [], []
    signed_rows = []
    for i, status in enumerate(statuses):
        app_id = app_ids[i]
        pid, bank_id, wan_min, wan_max, tmin, tmax, guarantee = products[int(random() * n_products)]
        ent_id, user_id, user_name = enterprises[int(random() * n_enterprises)]
        off_id, off_name, appr_id, appr_name = desk[bank_id]
        steps = PATHS[status]
        # Created, then each step a few hours to a few days after the previous one, all before now.
        gaps = [3600 + int(random() * (5 * 86400 - 3600 + 1)) for _ in steps]
        total = sum(gaps)
        at = created = now - (total + 60 + int(random() * (horizon + 1)))
        wan = wan_min + int(random() * (wan_max - wan_min + 1))
        amount = f"{wan * 10000}.00"
        term = tmin + int(random() * (tmax - tmin + 1))
        created_text = stamp(created)
        stamps = dict.fromkeys(STAMP_COLUMNS, N)
        times = {}
        from_status = Status.DRAFT
        for action, gap in zip(steps, gaps, strict=True):
            at += gap
            at_text = stamp(at)
            times[action] = at
            stamps[STAMP[action]] = at_text
            actor_id, actor_name = ((user_id, user_name) if action in BY_ENTERPRISE
                                    else (off_id, off_name) if action in MAKER else (appr_id, appr_name))
            to_status = TARGET[action]
            history.append(f"{app_id}\t{action}\t{from_status}\t{to_status}\t{actor_id}\t{actor_name}\t\t{at_text}\n")
            from_status = to_status
        proposed = Action.PROPOSE in times
        decided = Action.APPROVE in times or Action.REJECT in times
        apps.append("\t".join((
            str(app_id), ent_id, str(bank_id), str(pid), N, amount, str(term), PURPOSES[int(random() * n_purposes)],
            "", NEEDS[int(random() * n_needs)].format(w=wan), status, str(user_id), created_text, stamp(at),
            *stamps.values(),
            str(off_id) if proposed else N, amount if proposed else N, RATE if proposed else N,
            str(term) if proposed else N, guarantee if proposed else "", PROPOSAL_NOTES if proposed else "",
            str(appr_id) if decided else N,
            (APPROVED_REASON if Action.APPROVE in times else REJECTED_REASON) if decided else "",
            RETURN_NOTE if Action.RETURN in times else "", N)) + "\n")
        # Two different claimed elements; the evidence row on the first.
        first = int(random() * n_types)
        second = int(random() * (n_types - 1))
        second += second >= first
        claim_id = claim_ids[2 * i]
        claims.append(f"{claim_id}\t{app_id}\t{types[first]}\tadded\t\n"
                      f"{claim_id + 1}\t{app_id}\t{types[second]}\tadded\t\n")
        evidence.append(f"{app_id}\t{claim_id}\tgrow/{app_id}.pdf\t证书.pdf\t.pdf\tapplication/pdf\t48213\t"
                        f"{app_id:064x}\t{user_id}\t{created_text}\tpending\t\t{N}\t{N}\n")
        if status == Status.WITHDRAWN:
            ended = f"{stamps['withdrawn_at']}\t{AuthorisationEnd.WITHDRAWN}"
        elif status == Status.REJECTED:
            ended = f"{stamps['decided_at']}\t{AuthorisationEnd.REJECTED}"
        else:
            ended = f"{N}\t"
        auths.append(f"{app_id}\t{ent_id}\t{bank_id}\t{user_id}\t{created_text}\t{ended}\n")
        if Action.CONTRACT in times:
            contract_id = next(contract_ids)
            signed = local_day(times[Action.CONTRACT])
            contracts.append(f"{contract_id}\t{app_id}\tGROW-{app_id}\t{day(signed)}\t{amount}\t{RATE}\t{term}\t"
                             f"{plus_months(signed, term)}\t{METHOD}\t{appr_id}\t{stamps['contracted_at']}\t"
                             f"{bank_id}\n")
            tranches = ()
            if Action.DISBURSE in times:
                paid_day = local_day(times[Action.DISBURSE])
                paid_on, paid_at = day(paid_day), stamps["disbursed_at"]
                # Half of the disbursed loans drawn in full at once, the other half in two tranches.
                tranches = (amount,) if app_id % 2 else (f"{wan * 6000}.00", f"{wan * 3000}.00")
                disbursements.extend(f"{app_id}\t{contract_id}\t{value}\t{paid_on}\t{appr_id}\t{paid_at}\n"
                                     for value in tranches)
                paid_date = clock.date(paid_day)
                tranches = tuple((Decimal(value), paid_date) for value in tranches)
            signed_on = clock.date(signed)
            signed_rows.append(ContractRow(contract_id, app_id, ent_id, bank_id, pid, f"GROW-{app_id}",
                                           Decimal(amount), RATE_DECIMAL, term, signed_on,
                                           clock.date_plus_months(signed, term), METHOD, appr_id, tranches))
    lines = {Application: apps, Claim: claims, Evidence: evidence, Authorisation: auths, HistoryEntry: history,
             Contract: contracts, Disbursement: disbursements}
    counts = dict(applications=len(apps), claims=2 * len(apps), evidence=len(evidence), authorisations=len(auths),
                  history=len(history), contracts=len(contracts), disbursements=len(disbursements))
    return {model: "".join(rows) for model, rows in lines.items()}, counts, signed_rows


STAMP_COLUMNS = ("submitted_at", "accepted_at", "returned_at", "proposed_at", "decided_at", "contracted_at",
                 "disbursed_at", "withdrawn_at")
assert set(STAMP_COLUMNS) == set(STAMP.values())
BY_ENTERPRISE = {Action.SUBMIT, Action.WITHDRAW}
RATE = "3.450"
RATE_DECIMAL = Decimal(RATE)
METHOD = RepaymentMethod.INTEREST_MONTHLY.value
PROPOSAL_NOTES = "材料齐全，信用良好"
APPROVED_REASON, REJECTED_REASON = "同意", "经营现金流不足以覆盖还款"
RETURN_NOTE = "请补充近一年财务报表。"


# --- a second process ------------------------------------------------------------------------------

def _encoded(lines) -> dict:
    return {model._meta.label: text.encode() for model, text in lines.items()}


def _produce(queue, world, seed, drawn, ids, horizon_days, contracts_out):
    """In the second process: each chunk's text, encoded, into the queue; None at the end.
    With `contracts_out`, each chunk's contracts go there (for the third process)."""
    try:
        for lines, counts in _chunks(world, seed, drawn, ids, horizon_days, contracts_out=contracts_out):
            queue.put((_encoded(lines), counts))
        queue.put(None)
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        queue.put(traceback.format_exc())
    finally:
        if contracts_out is not None:
            contracts_out.put(None)


def _extend_produce(contracts_in, queue, extensions):
    """In the third process: the extensions' text for each chunk's contracts, encoded, into
    the queue, in the chunks' order."""
    try:
        while (signed := contracts_in.get()) is not None:
            lines, counts = {}, {}
            _extend(lines, counts, extensions, signed)
            queue.put((_encoded(lines), counts))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        queue.put(traceback.format_exc())


def _received(queue):
    item = queue.get()
    if isinstance(item, str):
        raise ApplicationError(f"grow: the generating process failed:\n{item}", code="grow_failed")
    return item


def _produced(world, seed, drawn, ids, horizon_days, extensions=(), tables=TABLES):
    """What `_chunks` yields, generated in a forked process two chunks ahead of the caller
    (which copies meanwhile); the extensions' lines (the loans: most of the generating work
    with them) in a third process, from the contracts the second one passes it. The children
    use no database connection."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue(maxsize=2)
    contracts = extended = None
    children = []
    if extensions:
        contracts, extended = context.Queue(maxsize=2), context.Queue(maxsize=2)
        children.append(context.Process(target=_extend_produce, args=(contracts, extended, extensions),
                                        daemon=True))
    children.insert(0, context.Process(target=_produce, args=(queue, world, seed, drawn, ids, horizon_days,
                                                              contracts), daemon=True))
    for child in children:
        child.start()
    by_label = {model._meta.label: model for model in tables}
    try:
        while (item := _received(queue)) is not None:
            lines, counts = item
            if extended is not None:
                more, more_counts = _received(extended)
                lines.update(more)
                counts.update(more_counts)
            yield {by_label[label]: text for label, text in lines.items()}, counts
        for child in children:
            child.join()
    finally:
        for child in children:
            if child.is_alive():
                child.terminate()
                child.join()


# --- writing them ------------------------------------------------------------------------------

# The tables the second COPY connection writes (about half of the text of a chunk).
OTHER_CONNECTION = (Claim, Evidence, Authorisation, HistoryEntry)


def _write_chunk(lines, models, columns=COLUMNS) -> float:
    """One chunk's rows of `models`, in one transaction of this thread's connection; returns
    the seconds it took."""
    started = time.monotonic()
    with transaction.atomic():
        _skip_foreign_key_checks()
        for model in models:
            _write(model, lines[model], columns[model])
    return time.monotonic() - started


def _connection_close():
    connection.close()


class _Reader:
    """A file-like view of COPY text (str or bytes) for psycopg2's copy_expert."""

    def __init__(self, text):
        self.data = text.encode() if isinstance(text, str) else text
        self.at = 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.at + size
        piece = self.data[self.at:end]
        self.at = end
        return piece

    readline = read


def _write(model, text, names):
    if not text:
        return
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(map(quote, names))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # the time stamps are UTC
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", _Reader(text), size=1 << 20)
        return
    if isinstance(text, bytes):
        text = text.decode()
    rows = [[None if v == N else v for v in line.split("\t")] for line in text.splitlines()]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})",
                           rows)


def _rows_estimate(model) -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
                       [model._meta.db_table])
        row = cursor.fetchone()
    return row[0] if row else 0


def _indexes_drop(tables=TABLES) -> list[tuple[str, str, str]]:
    """Drop the plain (not unique, not a constraint's) indexes of `tables`; returns (name,
    definition, table) of each to build again. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            SELECT ic.relname, pg_get_indexdef(i.indexrelid), t.relname FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1""", [[m._meta.db_table for m in tables]])
        indexes = cursor.fetchall()
        for name, _definition, _table in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return indexes


# Index builds and the final VACUUM ANALYZE: two statements at a time on connections of their
# own (each may use a parallel worker), with memory enough to sort in one pass.
PARALLEL_STATEMENTS = 2
MAINTENANCE = ("SET maintenance_work_mem = '512MB'", "SET max_parallel_maintenance_workers = 1")


def _in_parallel(statements):
    """Run `statements` (SQL without parameters) two at a time, each on a connection of its
    own, outside any transaction; in order on this connection when inside one (a test's
    transaction, whose locks other connections would wait for)."""
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        return

    def run(sql):
        from django.db import connections

        try:
            with connections["default"].cursor() as cursor:
                for setting in MAINTENANCE:
                    cursor.execute(setting)
                cursor.execute(sql)
        finally:
            connections["default"].close()

    with ThreadPoolExecutor(max_workers=PARALLEL_STATEMENTS) as pool:
        for result in [pool.submit(run, sql) for sql in statements]:
            result.result()


def _indexes_create(indexes):
    """Built again, two at a time, those of the largest tables first (the application
    table's, the schedules'), so that the last ones to finish are small."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, pg_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
                       [sorted({table for _name, _definition, table in indexes})])
        sizes = dict(cursor.fetchall())
    _in_parallel([definition for _name, definition, _table in
                  sorted(indexes, key=lambda x: (-sizes.get(x[2], 0), x[0]))])


def vacuum(models=TABLES):
    """After a large load on PostgreSQL: statistics for the planner, and the visibility map
    that lets list pages answer from their index alone (index-only scans). Outside a
    transaction only (VACUUM cannot run in one). `models`: the tables (default: grow's)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    _in_parallel([f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}" for model in models])
    return True


def _may_skip_foreign_key_checks() -> bool:
    """The role may switch the foreign-key triggers off (a superuser)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return bool(cursor.fetchone()[0])


@contextmanager
def foreign_key_checks_skipped():
    """For bulk work after a load whose every id was just read (grow_demo opening the loans of
    the contracts it wrote): on PostgreSQL, when the role may, the session runs in replica
    mode (foreign-key triggers off) until the block ends; as is elsewhere."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or not _may_skip_foreign_key_checks():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")


def _skip_foreign_key_checks():
    """Every id written here was just read or allocated, so the deferred foreign-key checks
    (half the time of a chunk at commit) prove nothing: on PostgreSQL, when the role may
    (a superuser, as in development and benchmarks), the chunk's transaction runs in replica
    mode, which skips them. Elsewhere the checks run as usual."""
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        pass
