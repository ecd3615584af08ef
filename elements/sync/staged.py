"""The staged path: a large CSV file of the registration list, applied by PostgreSQL itself.

The row-by-row path (runner.py) parses and checks every row in Python; at Beijing scale that
is most of the run. Here PostgreSQL reads the file with COPY into a temporary table, and the
checks, the de-duplication, the comparison with the registry and the writes are set-based SQL.
Python still decides everything that is not a plain comparison, but once per *distinct* value
(dates, amounts, statuses, enterprise types, authorities, malformed codes) with the very
functions the row-by-row path uses, so both paths accept, reject and write the same things.

Phases, each committed with the batch's counts so the batch describes what is in the database:
1. COPY the file (after its header) into `jzd_stage`; nothing of the library is touched yet.
   If PostgreSQL cannot take the file as it is (a row with the wrong number of fields, a record
   spanning lines, bytes invalid in the file's encoding…) NotStageable sends the whole file to
   the row-by-row path, which reports such rows one by one.
2. Parse: one statement turns every staged row into clean values or its first error (in the
   order the row-by-row path checks columns); rejected rows go to the batch.
3. Compare: the last row for each code wins (as in the row-by-row path); rows that are new or
   differ from the registry go to `jzd_diff`, in code order.
4. Write `jzd_diff` in slices (ELEMENTS_STAGED_SLICE rows, one transaction each, progress and
   heartbeat after each): one INSERT … ON CONFLICT DO UPDATE, and a change event with before
   and after for every enterprise whose registration changed.
A run killed midway leaves a `running` batch (marked failed later, see runner.py) and what it
committed so far; running the file again converges, as on the row-by-row path."""

import codecs
import csv
import logging
import time

import psycopg2
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from identity import registry
from identity.choices import RegistrationStatus
from identity.selectors import district_names, regulator_units_by_code
from identity.services import enterprise_placement
from identity.uscc import ALPHABET, WEIGHTS

from ..choices import EventKind, Feed, Source
from ..models import ImportBatch
from ..selectors import profiles_forget
from . import bulk, parse
from .apply import ENTERPRISE_FIELDS
from .feeds import CODE, Mapping, header_of, parse_code
from .readers import RowError, detect_encoding, format_of

log = logging.getLogger(__name__)

FEEDS = (Feed.REGISTRATION,)
# Everything Python's str.strip() removes, so both paths trim cells alike.
_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
_PG_ENCODING = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "gb18030": "GB18030"}


class NotStageable(Exception):
    """PostgreSQL cannot take this file as it is: use the row-by-row path."""


def usable(batch: ImportBatch, path: str) -> bool:
    return (connection.vendor == "postgresql" and getattr(settings, "ELEMENTS_SYNC_STAGED", True)
            and batch.feed in FEEDS and format_of(batch.file_name or str(path)) == "csv")


def _slice() -> int:
    return getattr(settings, "ELEMENTS_STAGED_SLICE", 250_000)


class _CountingFile:
    """What COPY reads, counting line ends on the way (a record spanning lines, or PostgreSQL's
    end-of-data marker, would make COPY's row count differ from the file's lines)."""

    def __init__(self, fh):
        self.fh = fh
        self.newlines = 0
        self.last = b"\n"

    def read(self, size=-1):
        block = self.fh.read(size)
        if block:
            self.newlines += block.count(b"\n")
            self.last = block[-1:]
        return block

    readline = read

    def lines(self) -> int:
        return self.newlines + (0 if self.last == b"\n" else 1)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _wellformed_sql(u: str, b: str) -> str:
    """GB 32100 shape and check character of the (trimmed, upper-cased) code `u`, whose UTF-8
    bytes are `b`, in SQL: the same test as identity.uscc.is_well_formed. Bytes, not characters:
    get_byte is constant-time where substr on text has to count characters."""
    values = [0] * 128
    for i, c in enumerate(ALPHABET):
        values[ord(c)] = i
    value_of = "'[0:127]={" + ",".join(map(str, values)) + "}'::int[]"
    byte_of = "'{" + ",".join(str(ord(c)) for c in ALPHABET) + "}'::int[]"
    terms = " + ".join(f"({value_of})[get_byte({b}, {i})] * {w}" for i, w in enumerate(WEIGHTS))
    return (f"(CASE WHEN {u} ~ '^[{ALPHABET}]{{18}}$' "
            f"THEN get_byte({b}, 17) = ({byte_of})[1 + mod(31 - mod({terms}, 31), 31)] ELSE false END)")


def _dictionary(cursor, table: str, select_distinct: str, columns: list[tuple[str, str]], fn, params=()):
    """A temporary lookup table: every distinct raw value the query yields, with what `fn`
    makes of it (a tuple matching `columns` after `raw`)."""
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(f"CREATE TEMP TABLE {table} (raw text PRIMARY KEY, "
                   + ", ".join(f"{name} {kind}" for name, kind in columns) + ")")
    cursor.execute(select_distinct, params)
    rows = [(raw, *fn(raw)) for (raw,) in cursor.fetchall()]
    bulk.copy_rows(table, ["raw", *(name for name, _kind in columns)], rows)
    cursor.execute(f"ANALYZE {table}")


def _catching(parse_fn):
    """fn(raw) -> (value, error reason, error raw) for a cell parser that raises RowError."""
    def fn(raw):
        try:
            return parse_fn(raw), None, None
        except RowError as e:
            return None, str(e.reason), str(e.raw or "")[:500]
    return fn


class StagedRegistration:
    TEMP_TABLES = ("jzd_stage", "jzd_rows", "jzd_diff", "jzd_dup", "jzd_d_code", "jzd_d_capital", "jzd_d_date",
                   "jzd_d_status", "jzd_d_type", "jzd_d_place")

    def __init__(self, batch: ImportBatch, path: str):
        self.batch = batch
        self.path = path
        self.feed = batch.feed

    # -- the run -----------------------------------------------------------------------------

    def run(self):
        with connection.cursor() as cursor:
            self.cursor = cursor
            try:
                for phase in (self._stage, self._parse, self._compare, self._write):
                    started = time.perf_counter()
                    phase()
                    log.info("import batch %s: %s in %.1f s", self.batch.pk, phase.__name__.strip("_"),
                             time.perf_counter() - started)
            finally:
                # The connection may be reused (CONN_MAX_AGE, a Celery worker): leave nothing.
                if not connection.needs_rollback:
                    cursor.execute("DROP TABLE IF EXISTS " + ", ".join(self.TEMP_TABLES))

    def _tune(self):
        """For the current transaction only (a reused connection keeps its defaults): sorts and
        hashes of a whole file in memory, and hash joins rather than nested loops, whose cost
        the planner cannot judge on freshly filled temporary tables."""
        self.cursor.execute("SET LOCAL work_mem = '256MB'")
        self.cursor.execute("SET LOCAL enable_nestloop = off")

    def _save(self, **fields):
        for name, value in fields.items():
            setattr(self.batch, name, value)
        self.batch.heartbeat_at = timezone.now()
        self.batch.save(update_fields=[*fields, "heartbeat_at"])

    # -- 1. COPY -----------------------------------------------------------------------------

    def _stage(self):
        encoding = detect_encoding(self.path)
        with open(self.path, "rb") as fh:
            head = fh.readline()
            if encoding == "utf-8-sig":
                head = head.removeprefix(codecs.BOM_UTF8)
            try:
                headers = next(csv.reader([head.decode(encoding.replace("-sig", "")).rstrip("\r\n")]), [])
            except (UnicodeDecodeError, csv.Error):
                raise NotStageable("header")
            mapping = Mapping(self.feed, headers)
            mapping.check()
            self.width = len(headers)
            self.column_of = {field: headers.index(header) + 1 for field, header in mapping.source.items()}
            columns = [f"c{i}" for i in range(1, self.width + 1)]
            counting = _CountingFile(fh)
            try:
                with transaction.atomic():
                    self.cursor.execute("DROP TABLE IF EXISTS jzd_stage")
                    self.cursor.execute("CREATE TEMP TABLE jzd_stage (n bigint GENERATED ALWAYS AS IDENTITY, "
                                        + ", ".join(f"{c} text" for c in columns) + ")")
                    self.cursor.cursor.copy_expert(
                        f"COPY jzd_stage ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, ENCODING "
                        f"'{_PG_ENCODING[encoding]}')", counting)
                    copied = self.cursor.cursor.rowcount
                    if copied != counting.lines():
                        raise NotStageable(f"{copied} records in {counting.lines()} lines")
                    # Temporary tables have no statistics until analysed, and a plan made without
                    # them can be quadratic here.
                    self.cursor.execute("ANALYZE jzd_stage")
            except (DatabaseError, psycopg2.Error) as e:
                raise NotStageable(str(e).splitlines()[0] if str(e) else type(e).__name__)
        self.read = copied
        self._save(progress=30)

    # -- 2. parse ----------------------------------------------------------------------------

    def _cell(self, field: str) -> str:
        i = self.column_of.get(field)
        return f"btrim(coalesce(c{i}, ''), %(ws)s)" if i else "''::text"

    def _parse(self):
        cur = self.cursor
        h = lambda field: header_of(self.feed, field)  # noqa: E731
        ws = {"ws": _WHITESPACE}
        cells = {f: self._cell(f) for f in ("uscc", "name", "enterprise_type", "legal_representative",
                                             "registered_capital", "established_on", "registration_authority",
                                             "address", "status_text", "industry")}
        inner = ", ".join(f"{expr} AS {field}" for field, expr in cells.items())
        wellformed = _wellformed_sql("code", "b")

        with transaction.atomic():
            self._tune()
            # Codes that are not well formed as they stand: parse_code explains or normalises them.
            # OFFSET 0 keeps the subquery from being flattened, which would compute the trimmed
            # cell once per reference instead of once per row (as below).
            _dictionary(cur, "jzd_d_code", f"SELECT DISTINCT uscc FROM (SELECT uscc, code, convert_to(code, 'UTF8') AS b "
                        f"FROM (SELECT {cells['uscc']} AS uscc, upper({cells['uscc']}) AS code FROM jzd_stage OFFSET 0) s1 "
                        f"OFFSET 0) s WHERE NOT {wellformed}",
                        [("code", "text"), ("err", "text"), ("err_raw", "text")],
                        _catching(parse_code), ws)
            _dictionary(cur, "jzd_d_capital", f"SELECT DISTINCT {cells['registered_capital']} FROM jzd_stage",
                        [("value", "numeric"), ("err", "text"), ("err_raw", "text")],
                        _catching(lambda raw: parse.parse_decimal(raw, h("registered_capital"))), ws)
            _dictionary(cur, "jzd_d_date", f"SELECT DISTINCT {cells['established_on']} FROM jzd_stage",
                        [("value", "date"), ("err", "text"), ("err_raw", "text")],
                        _catching(lambda raw: parse.parse_date(raw, h("established_on"))), ws)
            unknown_status = _("Unknown registration status.")

            def status(raw):  # as RegistrationApplier.prepare: empty is "existing", unknown is an error
                found = registry.status_of(raw)
                if found or not raw:
                    return str(found or RegistrationStatus.EXISTING), None
                return "", unknown_status

            _dictionary(cur, "jzd_d_status", f"SELECT DISTINCT {cells['status_text']} FROM jzd_stage",
                        [("value", "text"), ("err", "text")], status, ws)
            _dictionary(cur, "jzd_d_type", f"SELECT DISTINCT {cells['enterprise_type']} FROM jzd_stage",
                        [("value", "text")], lambda raw: (str(registry.legal_form_of(raw)),), ws)

            required = _("This column is required.")
            checks = [
                ("d_code.err IS NOT NULL", f"ARRAY[{self._lit(CODE)}, d_code.err, d_code.err_raw]"),
                ("s.name = ''", f"ARRAY[{self._lit(h('name'))}, {self._lit(required)}, '']"),
                *self._length_check("name", 200),
                *self._length_check("enterprise_type", 100),
                *self._length_check("legal_representative", 100),
                ("d_capital.err IS NOT NULL", f"ARRAY[{self._lit(h('registered_capital'))}, d_capital.err, "
                                              "d_capital.err_raw]"),
                ("d_date.err IS NOT NULL", f"ARRAY[{self._lit(h('established_on'))}, d_date.err, d_date.err_raw]"),
                *self._length_check("registration_authority", 100),
                *self._length_check("address", 300),
                *self._length_check("industry", 100),
                ("d_status.err IS NOT NULL", f"ARRAY[{self._lit(h('status_text'))}, d_status.err, s.status_text]"),
            ]
            error = "CASE " + " ".join(f"WHEN {cond} THEN {value}" for cond, value in checks) + " END"
            cur.execute("DROP TABLE IF EXISTS jzd_rows")
            cur.execute(f"""
                CREATE TEMP TABLE jzd_rows AS
                SELECT s.n + 1 AS row_number,
                       CASE WHEN d_code.raw IS NULL THEN upper(s.uscc) ELSE d_code.code END AS uscc,
                       s.name, s.enterprise_type, d_type.value AS legal_form, s.legal_representative,
                       d_capital.value AS registered_capital, d_date.value AS established_on,
                       s.registration_authority, s.address, d_status.value AS status, s.industry,
                       {error} AS err
                FROM (SELECT n, {inner} FROM jzd_stage OFFSET 0) s
                LEFT JOIN jzd_d_code d_code ON d_code.raw = s.uscc
                JOIN jzd_d_capital d_capital ON d_capital.raw = s.registered_capital
                JOIN jzd_d_date d_date ON d_date.raw = s.established_on
                JOIN jzd_d_status d_status ON d_status.raw = s.status_text
                JOIN jzd_d_type d_type ON d_type.raw = s.enterprise_type
            """, ws)
            cur.execute("DROP TABLE jzd_stage")
            cur.execute("ANALYZE jzd_rows")
            cur.execute("""INSERT INTO elements_rejectedrow (batch_id, row_number, "column", reason, raw_value)
                           SELECT %s, row_number, left(err[1], 60), left(err[2], 300), left(coalesce(err[3], ''), 500)
                           FROM jzd_rows WHERE err IS NOT NULL ORDER BY row_number""", [self.batch.pk])
            rejected = cur.cursor.rowcount
            self._save(read=self.batch.read + self.read, rejected=self.batch.rejected + rejected, progress=45)

    @staticmethod
    def _lit(text: str) -> str:
        """A message as an SQL literal, inside statements that also take %(name)s parameters."""
        return "'" + str(text).replace("'", "''").replace("%", "%%") + "'"

    def _length_check(self, field: str, n: int):
        reason = _("Longer than %(n)d characters.") % {"n": n}
        return [(f"length(s.{field}) > {n}",
                 f"ARRAY[{self._lit(header_of(self.feed, field))}, {self._lit(reason)}, left(s.{field}, 500)]")]

    # -- 3. compare --------------------------------------------------------------------------

    FIELDS = ENTERPRISE_FIELDS  # the same fields, in the same order, as the row-by-row path
    PLACEMENT = ("district_id", "regulator_unit_id")

    def _compare(self):
        cur = self.cursor
        with transaction.atomic():
            self._tune()
            # Placement from the exact function the row-by-row path calls, once per distinct
            # (authority, division, and the address only where the authority names no district).
            districts = district_names()
            cur.execute("SELECT DISTINCT registration_authority FROM jzd_rows WHERE err IS NULL")
            named = [a for (a,) in cur.fetchall() if registry.district_code_of(
                authority=a, address="", division="", districts=districts) is not None]
            units = {code: u.pk for code, u in regulator_units_by_code().items()}

            def place(key):
                authority, division, address = key.split("\x1f")
                district, unit_code = enterprise_placement(authority=authority, address=address,
                                                           code="XX" + division)
                return district, units.get(unit_code) if unit_code else None

            place_key = ("registration_authority || chr(31) || substr(uscc, 3, 6) || chr(31) || "
                         "CASE WHEN registration_authority = ANY(%(named)s) THEN '' ELSE address END")
            _dictionary(cur, "jzd_d_place", f"SELECT DISTINCT {place_key} FROM jzd_rows WHERE err IS NULL",
                        [("district_id", "text"), ("regulator_unit_id", "bigint")], place, {"named": named})

            # Within the file the last row for a code wins; an earlier identical row counts as
            # unchanged, an earlier different one as updated (as on the row-by-row path).
            cur.execute("""CREATE TEMP TABLE jzd_dup AS SELECT uscc FROM jzd_rows WHERE err IS NULL
                           GROUP BY uscc HAVING count(*) > 1""")
            cur.execute("ANALYZE jzd_dup")
            # Placement follows from the other fields and the code, so it needs no comparing here.
            content = ", ".join(f"r.{f}" for f in self.FIELDS if f not in self.PLACEMENT)
            cur.execute(f"""
                SELECT count(*) FILTER (WHERE same), count(*) FILTER (WHERE NOT same) FROM (
                  SELECT ({content}) IS NOT DISTINCT FROM lag(({content})) OVER w AS same,
                         lag(r.row_number) OVER w AS previous
                  FROM jzd_rows r JOIN jzd_dup USING (uscc) WHERE r.err IS NULL
                  WINDOW w AS (PARTITION BY r.uscc ORDER BY r.row_number)) x
                WHERE previous IS NOT NULL""")
            dup_same, dup_different = cur.fetchone()

            changed = ", ".join(f"CASE WHEN f.{f} IS DISTINCT FROM e.{f} THEN '{f}' END" for f in self.FIELDS)
            new = ", ".join(f"f.{f}" for f in self.FIELDS)
            old = ", ".join(f"e.{f}" for f in self.FIELDS)
            cur.execute(f"""
                CREATE TEMP TABLE jzd_diff AS
                SELECT row_number() OVER (ORDER BY f.uscc) AS k, f.*, e.uscc IS NOT NULL AS existed,
                       CASE WHEN e.uscc IS NULL THEN NULL ELSE jsonb_build_object({self._json_pairs('e')}) END
                         AS before,
                       array_remove(ARRAY[{changed}], NULL) AS changed
                FROM (
                  SELECT r.row_number, r.uscc, r.name, r.enterprise_type, r.legal_form, r.legal_representative,
                         r.registered_capital, r.established_on, r.registration_authority, r.address, r.status,
                         r.industry, p.district_id, p.regulator_unit_id
                  FROM jzd_rows r
                  JOIN jzd_d_place p ON p.raw = r.registration_authority || chr(31) || substr(r.uscc, 3, 6)
                       || chr(31) || CASE WHEN r.registration_authority = ANY(%(named)s) THEN '' ELSE r.address END
                  LEFT JOIN (SELECT r2.uscc, max(r2.row_number) AS last FROM jzd_rows r2 JOIN jzd_dup USING (uscc)
                             WHERE r2.err IS NULL GROUP BY r2.uscc) d ON d.uscc = r.uscc
                  WHERE r.err IS NULL AND (d.uscc IS NULL OR d.last = r.row_number)
                ) f
                LEFT JOIN identity_enterprise e ON e.uscc = f.uscc
                WHERE e.uscc IS NULL OR ({new}) IS DISTINCT FROM ({old})
                ORDER BY f.uscc""", {"named": named})
            self.diff = cur.cursor.rowcount
            cur.execute("CREATE INDEX ON jzd_diff (k)")
            cur.execute("SELECT count(*) FROM jzd_rows WHERE err IS NULL")
            clean = cur.fetchone()[0]
            cur.execute("DROP TABLE jzd_rows")
            # Rows in the file = rejected + superseded duplicates + one per code; of the codes, the
            # ones not in jzd_diff are unchanged.
            winners = clean - dup_same - dup_different
            self._save(unchanged=self.batch.unchanged + dup_same + (winners - self.diff),
                       updated=self.batch.updated + dup_different, progress=55)

    def _json_pairs(self, alias: str) -> str:
        pairs = []
        for f in self.FIELDS:
            value = f"{alias}.{f}::text" if f == "registered_capital" else f"{alias}.{f}"
            pairs.append(f"'{f}', {value}")
        return ", ".join(pairs)

    # -- 4. write ----------------------------------------------------------------------------

    def _write(self):
        cur = self.cursor
        columns = ["uscc", *self.FIELDS, "created_at", "updated_at"]
        updates = ", ".join(f"{_q(f)} = EXCLUDED.{_q(f)}" for f in [*self.FIELDS, "updated_at"])
        after = self._json_pairs("c")
        step = _slice()
        done = 0
        while done < self.diff:
            with transaction.atomic():
                self._tune()
                now = timezone.now()
                cur.execute(f"""
                    WITH d AS (SELECT * FROM jzd_diff WHERE k > %(lo)s AND k <= %(hi)s),
                    upsert AS (
                      INSERT INTO identity_enterprise ({', '.join(map(_q, columns))})
                      SELECT uscc, {', '.join(self.FIELDS)}, %(now)s, %(now)s FROM d ORDER BY uscc
                      ON CONFLICT (uscc) DO UPDATE SET {updates})
                    INSERT INTO elements_changeevent (enterprise_id, kind, record_type, record_id, element_type_id,
                        occurred_on, recorded_at, source, batch_id, row_number, user_id, reason, data)
                    SELECT c.uscc, %(kind)s, 'enterprise', NULL, NULL, NULL, %(now)s, %(source)s, %(batch)s,
                           c.row_number, %(user)s, '',
                           jsonb_build_object(
                             'changed', to_jsonb(c.changed),
                             'before', (SELECT jsonb_object_agg(key, value) FROM jsonb_each(c.before)
                                        WHERE key = ANY(c.changed)),
                             'after', (SELECT jsonb_object_agg(key, value) FROM jsonb_each(
                                        jsonb_build_object({after})) WHERE key = ANY(c.changed)))
                    FROM d c WHERE c.existed ORDER BY c.uscc""",
                            {"lo": done, "hi": done + step, "now": now, "kind": str(EventKind.REGISTRATION_CHANGED),
                             "source": str(Source.FEED), "batch": self.batch.pk, "user": self.batch.uploaded_by_id})
                cur.execute("SELECT count(*) FILTER (WHERE NOT existed), count(*) FILTER (WHERE existed) "
                            "FROM jzd_diff WHERE k > %s AND k <= %s", [done, done + step])
                inserted, updated = cur.fetchone()
                # The registry is not part of a profile, but the library moved on: none kept is used.
                profiles_forget()
                done += step
                self._save(inserted=self.batch.inserted + inserted, updated=self.batch.updated + updated,
                           progress=min(99, 55 + int(44 * min(done, self.diff) / self.diff)))


def run(batch: ImportBatch, path: str):
    StagedRegistration(batch, str(path)).run()
