"""Bulk inserts. On PostgreSQL new rows go in with COPY (ids for records taken from the
sequence in one query, so change events can point at them); elsewhere (SQLite in
development) Django's bulk_create. Either way one round trip per chunk, never one per row."""

import io
import json
import re
from datetime import date, datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, str):
        # Most values need no escaping; testing is much cheaper than translating.
        if _SPECIAL.search(value) is None:
            return str(value)
        return value.translate(_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value).translate(_ESCAPES)


def _allocate_ids(model, n: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
        return [r[0] for r in cursor.fetchall()]


def insert_values(model, rows: list[dict], *, need_ids: bool = False) -> list | None:
    """Insert new rows given as {attname: value}; cheaper than model instances on the COPY
    path. Returns the new ids when asked."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**r) for r in rows]
        model.objects.bulk_create(objs, batch_size=len(objs))
        return [o.pk for o in objs] if need_ids else None
    pk = model._meta.pk
    auto_pk = pk.get_internal_type() in ("AutoField", "BigAutoField")
    now = timezone.now()
    fields, fixed = [], {}
    for f in model._meta.concrete_fields:
        if f is pk and auto_pk:
            if need_ids:
                fields.append(f)
            continue
        fields.append(f)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fixed[f.attname] = _copy_value(now)
        elif f.attname not in rows[0]:
            fixed[f.attname] = _copy_value(f.get_default())
    ids = _allocate_ids(model, len(rows)) if auto_pk and need_ids else None
    attnames = [f.attname for f in fields]
    # Per column, once: a constant, the allocated id, or the row's value (the hot loop below
    # runs once per row and column, so it does no lookups it can avoid).
    plan = [("fixed", fixed[a]) if a in fixed else ("id", None) if ids is not None and a == pk.attname
            else ("value", a) for a in attnames]
    buffer = io.StringIO()
    write = buffer.write
    for i, row in enumerate(rows):
        get = row.get
        write("\t".join([
            value if kind == "fixed" else str(ids[i]) if kind == "id" else _copy_value(get(value))
            for kind, value in plan
        ]))
        write("\n")
    _copy(model._meta.db_table, [f.column for f in fields], buffer)
    return ids


def _copy(table: str, columns: list[str], buffer: io.StringIO):
    buffer.seek(0)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN", buffer)


def copy_rows(table: str, columns: list[str], rows: list[tuple]):
    """COPY plain tuples into `table` (PostgreSQL only), e.g. a temporary lookup table."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(_copy_value, row)))
        buffer.write("\n")
    _copy(table, columns, buffer)
