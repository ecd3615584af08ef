"""Streaming readers for published-list files: CSV (UTF-8 with or without BOM, GB18030/GBK),
Excel .xlsx (openpyxl read-only) and JSON lines. Each yields (row number, {header: value})
or (row number, RowError) one row at a time; nothing reads a whole file into memory. Row
numbers are what a person sees: the line in a CSV / JSON-lines file, the row in Excel."""

import codecs
import csv
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx", "jsonl")
_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl",
               ".json": "jsonl"}
SAMPLE = 64 * 1024
csv.field_size_limit(1024 * 1024)


class UnreadableFile(Exception):
    """The file as a whole cannot be read (wrong format, missing columns…): nothing applies."""


@dataclass
class RowError(Exception):
    column: str
    reason: str
    raw: str = ""


def format_of(name: str) -> str | None:
    return _EXTENSIONS.get(os.path.splitext(name or "")[1].lower())


def detect_encoding(path) -> str:
    """UTF-8 with BOM, UTF-8, or GB18030 (a superset of GBK and GB2312). The published lists'
    headers are Chinese, so the first block always tells UTF-8 from GB18030."""
    with open(path, "rb") as f:
        head = f.read(SAMPLE)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    # Decide on the header line when it has non-ASCII text (a later bad row must not turn
    # a UTF-8 file into GB18030); otherwise on the whole first block.
    first_line = head.split(b"\n", 1)[0]
    probe = first_line if any(b > 127 for b in first_line) else head
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(probe, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The file is neither UTF-8 nor GB18030/GBK text."))


_SURROGATE = re.compile("[\udc80-\udcff]")


def has_undecodable(value: str) -> bool:
    return _SURROGATE.search(value) is not None


class Reader:
    """Iterate `rows()`; `headers` is known after the first row; `fraction()` tells progress."""

    def __init__(self, path):
        self.path = path
        self.size = os.path.getsize(path) or 1
        self.headers: list[str] = []

    def fraction(self) -> float:
        return 0.0


class CsvReader(Reader):
    def __init__(self, path):
        super().__init__(path)
        self.encoding = detect_encoding(path)
        self._raw = None

    def fraction(self):
        if self._raw is None:
            return 0.0
        return 1.0 if self._raw.closed else self._raw.tell() / self.size

    def rows(self):
        # surrogateescape: a row with bytes that are not valid in the file's encoding is
        # rejected on its own instead of failing the whole file.
        with open(self.path, "rb") as raw:
            self._raw = raw
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="surrogateescape", newline="")
            reader = csv.reader(text)
            try:
                header = next(reader, None)
            except csv.Error as e:
                raise UnreadableFile(_("Not a readable CSV file: %(e)s") % {"e": e})
            if not header:
                raise UnreadableFile(_("The file is empty."))
            self.headers = [h.lstrip("\ufeff") for h in header]
            width = len(self.headers)
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as e:
                    yield reader.line_num, RowError("", _("Not a readable CSV row: %(e)s") % {"e": e})
                    continue
                if not any(v.strip() for v in values):
                    continue
                if len(values) > width and any(v.strip() for v in values[width:]):
                    yield reader.line_num, RowError("", _("The row has %(n)d fields; the header has %(w)d.") % {
                        "n": len(values), "w": width}, ",".join(values)[:500])
                    continue
                yield reader.line_num, dict(zip(self.headers, values, strict=False))


def check_archive(file) -> None:
    """Refuse an .xlsx (a zip archive) before anything parses it when it holds more members,
    more uncompressed bytes, or expands more (uncompressed / compressed) than the settings
    allow: a decompression bomb of a few hundred kilobytes would otherwise expand to hundreds
    of megabytes in the worker. `file` is a path or a seekable binary file. The sizes are the
    archive's own declarations; zipfile never inflates a member beyond its declared size (a
    member that lies fails its CRC check), so the declarations bound what parsing reads."""
    max_members = settings.ELEMENTS_XLSX_MAX_MEMBERS
    max_bytes = settings.ELEMENTS_XLSX_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.ELEMENTS_XLSX_MAX_RATIO
    position = file.tell() if hasattr(file, "tell") else None
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as e:
        raise UnreadableFile(_("Not a readable Excel (.xlsx) file: %(e)s") % {"e": e})
    finally:
        if position is not None:
            file.seek(position)
    if len(members) > max_members:
        raise UnreadableFile(_("The Excel file holds %(n)d parts, more than the %(max)d allowed.") % {
            "n": len(members), "max": max_members})
    expanded = sum(m.file_size for m in members)
    compressed = sum(m.compress_size for m in members) or 1
    if expanded > max_bytes:
        raise UnreadableFile(_("The Excel file expands to %(mb)d MB, more than the %(max)d MB allowed; "
                               "send a list this large as CSV.") % {
            "mb": expanded // (1024 * 1024), "max": max_bytes // (1024 * 1024)})
    if expanded > 1024 * 1024 and expanded / compressed > max_ratio:
        raise UnreadableFile(_("The Excel file expands %(ratio)d times its size (at most %(max)d allowed): it "
                               "looks like a decompression bomb.") % {
            "ratio": expanded // compressed, "max": max_ratio})


class XlsxReader(Reader):
    def __init__(self, path):
        super().__init__(path)
        self._row = 0
        self._total = 0

    def fraction(self):
        return self._row / self._total if self._total else 0.0

    def rows(self):
        from openpyxl import load_workbook

        check_archive(self.path)
        try:
            wb = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as e:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise UnreadableFile(_("Not a readable Excel (.xlsx) file: %(e)s") % {"e": e})
        try:
            ws = wb.worksheets[0]
            self._total = ws.max_row or 0
            header = None
            for number, values in enumerate(_parsed(ws.iter_rows(values_only=True)), start=1):
                self._row = number
                if header is None:
                    if values and any(v not in (None, "") for v in values):
                        header = ["" if v is None else str(v).strip() for v in values]
                        self.headers = header
                    continue
                if not values or all(v in (None, "") for v in values):
                    continue
                yield number, {h: _cell(v) for h, v in zip(header, values, strict=False) if h}
            if header is None:
                raise UnreadableFile(_("The file is empty."))
        finally:
            wb.close()


def _parsed(rows):
    """The sheet's rows; the sheet's XML is parsed as they are read, so a malformed sheet (an
    undefined entity, a forbidden DTD, broken markup) fails here: the file is unreadable."""
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as e:  # noqa: BLE001 - the XML parsers raise many kinds
            raise UnreadableFile(_("Not a readable Excel (.xlsx) file: %(e)s") % {"e": e})
        yield values


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value  # str, date, datetime: the date parser understands all of them


class JsonLinesReader(Reader):
    def __init__(self, path):
        super().__init__(path)
        self.encoding = detect_encoding(path)
        self._raw = None

    def fraction(self):
        if self._raw is None:
            return 0.0
        return 1.0 if self._raw.closed else self._raw.tell() / self.size

    def rows(self):
        seen_keys = {}
        with open(self.path, "rb") as raw:
            self._raw = raw
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="surrogateescape")
            got_any = False
            for number, line in enumerate(text, start=1):
                line = line.strip().lstrip("\ufeff")
                if not line:
                    continue
                try:
                    obj = json.loads(line)
                except RecursionError:
                    yield number, RowError("", _("The line nests too deeply."), line[:500])
                    continue
                except ValueError as e:
                    if not got_any and number == 1 and not line.startswith("{"):
                        raise UnreadableFile(_("Not a JSON-lines file: %(e)s") % {"e": e})
                    yield number, RowError("", _("Not valid JSON: %(e)s") % {"e": e}, line[:500])
                    continue
                if not isinstance(obj, dict):
                    yield number, RowError("", _("Each line must be a JSON object."), line[:500])
                    continue
                got_any = True
                for k in obj:
                    seen_keys.setdefault(k, None)
                self.headers = list(seen_keys)
                yield number, {str(k): ("" if v is None else v if isinstance(v, str) else str(v))
                               for k, v in obj.items()}
            if not got_any:
                raise UnreadableFile(_("The file has no rows."))


def open_reader(path, name: str | None = None) -> Reader:
    fmt = format_of(name or str(path))
    if fmt is None:
        raise UnreadableFile(_("Unsupported file type: use %(formats)s.") % {"formats": ", ".join(FORMATS)})
    if not os.path.exists(path):
        raise UnreadableFile(_("No such file: %(path)s") % {"path": path})
    return {"csv": CsvReader, "xlsx": XlsxReader, "jsonl": JsonLinesReader}[fmt](path)
