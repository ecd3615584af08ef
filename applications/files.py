"""Evidence files: judged by content (magic bytes), not by name; size-capped; hashed; served
only as attachments (`file_response`, for evidence and regulators' answer files alike).

The uploaded name is kept only as metadata (its last path component, cleaned) and never
becomes part of a storage path."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from jingzhidai.errors import ApplicationError

# content type -> the extensions a name may carry for it, the first being the stored one
ALLOWED = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class CheckedFile:
    name: str  # cleaned display name
    extension: str
    content_type: str
    size: int
    sha256: str


def clean_name(name: str) -> str:
    """The last path component of the uploaded name, without control characters; only for display."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip().lstrip(".")
    return name[-200:] or "file"


def check_upload(uploaded) -> CheckedFile:
    """Refuse anything that is not a PDF, JPEG or PNG by content, whose name does not agree
    with its content, or that is larger than EVIDENCE_MAX_BYTES. Reads the file once."""
    if uploaded is None:
        raise ApplicationError(_("Choose a file to upload."), {"file": [_("This field is required.")]},
                               code="file_required")
    limit = max_bytes()
    size = getattr(uploaded, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024) or 1},
                               {"file": [_("File too large.")]}, code="file_too_large")
    if not size:
        raise ApplicationError(_("The file is empty."), {"file": [_("The file is empty.")]}, code="file_empty")
    uploaded.seek(0)
    head = uploaded.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED:
        raise ApplicationError(_("Only PDF, JPEG or PNG files are accepted; this file's content is not one of them."),
                               {"file": [_("Not a PDF, JPEG or PNG file.")]}, code="file_type")
    name = clean_name(getattr(uploaded, "name", ""))
    lowered = name.lower()
    if not any(lowered.endswith(ext) for ext in ALLOWED[content_type]):
        raise ApplicationError(_("The file's name does not match its content (%(type)s).") % {"type": content_type},
                               {"file": [_("Name and content disagree.")]}, code="file_name_mismatch")
    digest = hashlib.sha256()
    uploaded.seek(0)
    total = 0
    for chunk in uploaded.chunks():
        total += len(chunk)
        if total > limit:
            raise ApplicationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024) or 1},
                                   {"file": [_("File too large.")]}, code="file_too_large")
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(name=name, extension=ALLOWED[content_type][0], content_type=content_type, size=total,
                       sha256=digest.hexdigest())


def file_response(handle, *, name, content_type) -> FileResponse:
    """A stored file as a download: an attachment under its uploaded name, never sniffed or
    cached by the browser."""
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Folders of generated names (models.evidence_path / document_path / answer_path):
# evidence/YYYY/MM/<uuid>.<ext>
SWEPT_FOLDERS = ("evidence", "documents", "verification")


def _walk(storage, folder):
    try:
        dirs, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for d in dirs:
        yield from _walk(storage, f"{folder}/{d}")


def orphan_files_sweep(*, older_than, sources=None) -> list[str]:
    """Delete stored evidence and answer files that no row refers to and that are older than
    `older_than` (a timedelta). A file is saved before its row commits, so a transaction that
    rolls back afterwards (an outer atomic block, a worker killed in between) leaves it behind;
    the age margin keeps uploads still in flight. `sources` ({folder: [(model, file field)]},
    default this app's folders) lets an app above sweep its own files. Returns the deleted names."""
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from .models import Document, Evidence, VerificationRequest

    if sources is None:
        sources = {folder: [(Evidence, "file"), (Document, "file"), (VerificationRequest, "answer_file")]
                   for folder in SWEPT_FOLDERS}
    cutoff = timezone.now() - older_than
    deleted = []
    for folder, fields in sources.items():
        for month in _months(default_storage, folder):
            referenced = set()
            for model, field in fields:
                referenced |= set(model.objects.filter(**{f"{field}__startswith": f"{month}/"}).values_list(
                    field, flat=True))
            for name in _walk(default_storage, month):
                if name in referenced or default_storage.get_modified_time(name) > cutoff:
                    continue
                default_storage.delete(name)
                deleted.append(name)
    return deleted


def _months(storage, folder):
    """The month folders (folder/YYYY/MM): one query per month, never a set of every file."""
    try:
        years, _files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for year in sorted(years):
        months, _files = storage.listdir(f"{folder}/{year}")
        for month in sorted(months):
            yield f"{folder}/{year}/{month}"
