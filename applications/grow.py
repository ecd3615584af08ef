"""Bulk demo and benchmark data: N realistic applications over the enterprises, banks, products
and districts already in the database (`manage.py grow_demo --applications N`).

Each application gets a status drawn from a fixed mix and everything the workflow would have
written to get there: two claims, one evidence row, the authorisation of its bank (ended for
withdrawn and rejected ones), one history row per step, the proposal and decision (maker ≠
checker), a contract for approved-and-later statuses that went on, disbursements within the
contract amount, and stage time stamps in order. Rows go in with `elements.sync.bulk.insert_values`
(COPY on PostgreSQL, bulk_create elsewhere), a chunk at a time, without signals, so:
- banks and enterprises without the staff or user the steps need get one that cannot sign in;
- evidence rows are metadata only: their `file` names a path under `grow/` that does not exist
  (opening one answers 404 like any missing file);
- no notifications are written;
- loans (the loans app, above this one) are not opened here: the project-level command
  `grow_demo` runs `loans.services.loans_reconcile` after (or the nightly loans job does)."""

import io
import random
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from banks.models import PRODUCT_OPEN_TO_APPLICATIONS, Product
from elements.models import ElementType
from elements.sync.bulk import _copy_value, insert_values
from identity.choices import Role
from identity.models import Enterprise, User
from jingzhidai.dates import add_months
from jingzhidai.errors import ApplicationError

from .choices import Action, AuthorisationEnd, Purpose, Status
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
CHUNK = 20_000
# Asia/Shanghai has kept UTC+8 without daylight saving since 1991: dates of generated times.
SHANGHAI = timedelta(hours=8)
PURPOSES = Purpose.values
NEEDS = ["购置检测设备，资金缺口{w}万元，以经营性现金流还款。", "产线技术改造，资金缺口{w}万元。",
         "质量管理体系升级与实验室建设，资金缺口{w}万元。", "原材料采购周转，资金缺口{w}万元。"]


@dataclass
class _World:
    products: list  # (product id, bank id, amount min, amount max, term min, term max, guarantee)
    desk: dict  # bank id -> (officer id, officer name, approver id, approver name)
    enterprises: list  # (enterprise id, user id, user name)
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
            desk[u.bank_id][0] = (u.pk, u.get_full_name() or u.username)
        if u.role == Role.BANK_APPROVER and approver is None:
            desk[u.bank_id][1] = (u.pk, u.get_full_name() or u.username)
    desk = {b: (*o, *a) for b, (o, a) in desk.items() if o and a}
    products = [(p.pk, p.bank_id, p.amount_min, p.amount_max, p.term_min_months, p.term_max_months,
                 (p.guarantee_types or ["credit"])[0])
                for p in Product.objects.filter(PRODUCT_OPEN_TO_APPLICATIONS, bank_id__in=list(desk)).order_by("id")]
    enterprises, seen = [], set()
    for u in User.objects.filter(role=Role.ENTERPRISE, enterprise__isnull=False).order_by("id"):
        if u.enterprise_id not in seen:
            seen.add(u.enterprise_id)
            enterprises.append((u.enterprise_id, u.pk, u.get_full_name() or u.username))
    types = list(ElementType.objects.order_by("id").values_list("id", flat=True))
    if not products or not enterprises or len(types) < 2:
        raise ApplicationError("grow_demo needs at least one open product of a bank with an officer and an "
                               "approver, one enterprise with a user and the element catalog: run "
                               "`manage.py demo` first.", code="missing")
    return _World(products, desk, enterprises, types)


TABLES = (Application, Claim, Evidence, Authorisation, HistoryEntry, Contract, Disbursement)
# A load at least this large, and at least as large as what the tables hold, drops their plain
# secondary indexes first and builds them again at the end (faster than keeping them up to date
# row by row); unique indexes and those of constraints stay, so every rule holds while loading.
REINDEX_FROM = 100_000


def grow(*, applications: int, seed: int = 1, stdout=None, reindex: bool | None = None,
         horizon_days: int = 3 * 365) -> dict:
    """Add `applications` applications created within the last `horizon_days`; returns how many
    rows of each kind were written.
    `reindex`: drop and rebuild the secondary indexes around the load (default: on
    PostgreSQL for a load of REINDEX_FROM or more that at least doubles the applications)."""
    world = _world()
    rng = random.Random(seed)
    statuses = [s for s, w in MIX for _ in range(w)]
    counts = dict.fromkeys(["applications", "claims", "evidence", "authorisations", "history", "contracts",
                            "disbursements"], 0)
    if reindex is None:
        reindex = applications >= max(REINDEX_FROM, _rows_estimate(Application))
    dropped = _indexes_drop() if reindex else []
    try:
        left = applications
        while left > 0:
            n = min(CHUNK, left)
            with transaction.atomic():
                _skip_foreign_key_checks()
                for key, value in _chunk(world, rng, statuses, n, horizon_days).items():
                    counts[key] += value
            left -= n
            if stdout:
                stdout.write(f"grow_demo: {applications - left}/{applications}")
    finally:
        if dropped:
            started = time.monotonic()
            _indexes_create(dropped)
            if stdout:
                stdout.write(f"grow_demo: {len(dropped)} indexes rebuilt in {time.monotonic() - started:.1f} s")
    return counts


def _rows_estimate(model) -> int:
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
                       [model._meta.db_table])
        row = cursor.fetchone()
    return row[0] if row else 0


def _indexes_drop() -> list[tuple[str, str]]:
    """Drop the plain (not unique, not a constraint's) indexes of the tables written here;
    returns (name, definition) of each to build again. PostgreSQL only."""
    if connection.vendor != "postgresql":
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1""", [[m._meta.db_table for m in TABLES]])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return indexes


def _indexes_create(indexes):
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")


def vacuum():
    """After a large load on PostgreSQL: statistics for the planner, and the visibility map
    that lets list pages answer from their index alone (index-only scans). Outside a
    transaction only (VACUUM cannot run in one)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        for model in (Application, Claim, Evidence, Authorisation, HistoryEntry, Contract, Disbursement):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True


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


_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _as_text(value):
    if value is None:
        return "\\N"
    return value if _SPECIAL.search(value) is None else value.translate(_ESCAPES)


def _as_plain(value):
    return "\\N" if value is None else str(value)


def _as_stamp(value):
    return "\\N" if value is None else value.isoformat()


_TEXT = {"CharField", "TextField", "FileField", "SlugField", "EmailField", "URLField"}
_PLAIN = {"AutoField", "BigAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
          "PositiveSmallIntegerField", "PositiveBigIntegerField", "DecimalField"}
_STAMP = {"DateTimeField", "DateField"}


def _converter(field):
    """How one column's values are written in COPY text, chosen once per column (what
    `elements.sync.bulk._copy_value` decides per value, for the types grow writes)."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    if kind in _TEXT:
        return _as_text
    if kind in _PLAIN:
        return _as_plain
    if kind in _STAMP:
        return _as_stamp
    return _copy_value


def _insert(model, rows: list[dict], *, need_ids: bool = False):
    """`elements.sync.bulk.insert_values` for the rows grow builds (every column given, no
    defaults to fill), with each column's conversion chosen once instead of per value: on
    PostgreSQL, COPY text built in one pass; elsewhere insert_values itself."""
    if connection.vendor != "postgresql" or not rows:
        return insert_values(model, rows, need_ids=need_ids)
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if f is not pk and f.attname in rows[0]]
    if len(fields) != len(model._meta.concrete_fields) - 1:
        return insert_values(model, rows, need_ids=need_ids)
    ids = None
    if need_ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [model._meta.db_table, len(rows)])
            ids = [r[0] for r in cursor.fetchall()]
    plan = [(f.attname, _converter(f)) for f in fields]
    columns = ([pk.column] if ids is not None else []) + [f.column for f in fields]
    buffer = io.StringIO()
    write = buffer.write
    for i, row in enumerate(rows):
        values = [convert(row[name]) for name, convert in plan]
        if ids is not None:
            write(f"{ids[i]}\t")
        write("\t".join(values))
        write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) FROM STDIN",
                                  buffer)
    return ids


def _local_day(at):
    return (at + SHANGHAI).date()


def _chunk(world, rng, statuses, n, horizon_days=3 * 365) -> dict:
    now = timezone.now()
    horizon = horizon_days * 24 * 3600  # created within the horizon (three years unless told)
    apps, plans = [], []
    for _ in range(n):
        status = rng.choice(statuses)
        pid, bank_id, amin, amax, tmin, tmax, guarantee = rng.choice(world.products)
        ent_id, user_id, user_name = rng.choice(world.enterprises)
        off_id, off_name, appr_id, appr_name = world.desk[bank_id]
        steps = PATHS[status]
        # Created, then each step a few hours to a few days after the previous one, all before now.
        gaps = [rng.randint(3600, 5 * 86400) for _ in steps]
        created = now - timedelta(seconds=rng.randint(sum(gaps) + 60, sum(gaps) + 60 + horizon))
        wan = rng.randint(max(1, int(amin) // 10000), max(1, int(amax) // 10000))
        amount = Decimal(wan * 10000)
        term = rng.randint(tmin, tmax)
        row = dict(enterprise_id=ent_id, bank_id=bank_id, product_id=pid, branch_id=None, amount=amount,
                   term_months=term, purpose=rng.choice(PURPOSES), purpose_description="",
                   need_statement=rng.choice(NEEDS).format(w=wan), status=status, created_by_id=user_id,
                   created_at=created, proposed_by_id=None, credit_line=None, annual_rate=None,
                   decided_term_months=None, guarantee_type="", proposal_notes="", decided_by_id=None,
                   decision_reason="", return_note="", decision_profile=None)
        row.update(NO_STAMPS)
        at, history = created, []
        from_status = Status.DRAFT
        for action, gap in zip(steps, gaps, strict=True):
            at = at + timedelta(seconds=gap)
            if row[STAMP[action]] is None:
                row[STAMP[action]] = at
            actor = ((user_id, user_name) if action in (Action.SUBMIT, Action.WITHDRAW)
                     else (off_id, off_name) if action in MAKER else (appr_id, appr_name))
            history.append((action, from_status, TARGET[action], actor, at))
            from_status = TARGET[action]
        row["status_changed_at"] = at
        if Action.PROPOSE in steps:
            row.update(proposed_by_id=off_id, credit_line=amount, annual_rate=Decimal("3.450"),
                       decided_term_months=term, guarantee_type=guarantee, proposal_notes="材料齐全，信用良好")
        if Action.APPROVE in steps or Action.REJECT in steps:
            row.update(decided_by_id=appr_id,
                       decision_reason="同意" if Action.APPROVE in steps else "经营现金流不足以覆盖还款")
        if Action.RETURN in steps:
            row["return_note"] = "请补充近一年财务报表。"
        apps.append(row)
        plans.append((status, history, user_id))
    app_ids = _insert(Application, apps, need_ids=True)

    claims, auths, hist, contracts = [], [], [], []
    for app_id, row, (status, history, user_id) in zip(app_ids, apps, plans, strict=True):
        for type_id in rng.sample(world.element_types, 2):
            claims.append(dict(application_id=app_id, element_type_id=type_id, origin="added", note=""))
        ended = (row["withdrawn_at"], AuthorisationEnd.WITHDRAWN) if status == Status.WITHDRAWN else (
            (row["decided_at"], AuthorisationEnd.REJECTED) if status == Status.REJECTED else (None, ""))
        auths.append(dict(application_id=app_id, enterprise_id=row["enterprise_id"], bank_id=row["bank_id"],
                          granted_by_id=user_id, granted_at=row["created_at"], revoked_at=ended[0],
                          end_reason=ended[1]))
        for action, from_status, to_status, (actor_id, actor_label), at in history:
            hist.append(dict(application_id=app_id, action=action, from_status=from_status, to_status=to_status,
                             actor_id=actor_id, actor_name=actor_label, note="", at=at))
        if row["contracted_at"] is not None:
            signed = _local_day(row["contracted_at"])
            contracts.append(dict(application_id=app_id, number=f"GROW-{app_id}", signed_on=signed,
                                  amount=row["credit_line"], annual_rate=row["annual_rate"],
                                  term_months=row["decided_term_months"],
                                  maturity_on=add_months(signed, row["decided_term_months"]),
                                  repayment_method="interest_monthly", recorded_by_id=row["decided_by_id"],
                                  recorded_at=row["contracted_at"], bank_id=row["bank_id"]))
    claim_ids = _insert(Claim, claims, need_ids=True)
    evidence = []
    for i, app_id in enumerate(app_ids):
        # One evidence row on the first claim of each application (metadata only; see above).
        evidence.append(dict(application_id=app_id, claim_id=claim_ids[2 * i], file=f"grow/{app_id}.pdf",
                             original_name="证书.pdf", extension=".pdf", content_type="application/pdf",
                             size=48213, sha256=f"{app_id:064x}", uploaded_by_id=apps[i]["created_by_id"],
                             uploaded_at=apps[i]["created_at"], review="pending", review_reason="",
                             reviewed_by_id=None, reviewed_at=None))
    _insert(Evidence, evidence)
    _insert(Authorisation, auths)
    _insert(HistoryEntry, hist)
    contract_ids = _insert(Contract, contracts, need_ids=True)
    disbursements = []
    by_app = dict(zip(app_ids, apps, strict=True))
    for contract_id, c in zip(contract_ids, contracts, strict=True):
        row = by_app[c["application_id"]]
        if row["disbursed_at"] is None:
            continue
        # Half of the disbursed loans drawn in full at once, the other half in two tranches.
        tranches = [c["amount"]] if c["application_id"] % 2 else [c["amount"] * Decimal("0.6"),
                                                                   c["amount"] * Decimal("0.3")]
        for value in tranches:
            disbursements.append(dict(application_id=c["application_id"], contract_id=contract_id,
                                      amount=value.quantize(Decimal("0.01")),
                                      date=_local_day(row["disbursed_at"]),
                                      recorded_by_id=c["recorded_by_id"], recorded_at=row["disbursed_at"]))
    _insert(Disbursement, disbursements)
    return dict(applications=len(apps), claims=len(claims), evidence=len(evidence), authorisations=len(auths),
                history=len(hist), contracts=len(contracts), disbursements=len(disbursements))
