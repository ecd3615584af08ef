"""Backup and restore of the database and the file store together, as one archive.

`python manage.py backup ARCHIVE` / `python manage.py restore ARCHIVE` (README "Operations").
The archive is a tar file:

    database.dump    pg_dump --format=custom of the whole database
    files/<name>     every file of the default storage (local directory or S3 bucket), by storage name
    manifest.json    format, time, engine, and size + SHA-256 of every member above (written last)

The database is dumped first and the files copied after it, so a file uploaded meanwhile is at
worst an extra file in the archive (the nightly orphan sweep removes such files), never a row
whose file is missing. A restore checks every member against the manifest before it touches
anything, and only goes into an empty database and an empty store: it never merges."""

import hashlib
import io
import json
import os
import posixpath
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.core.files import File
from django.db import connections
from django.db.utils import load_backend

from jingzhidai.errors import ApplicationError

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database.dump"
FILES_PREFIX = "files/"
CHUNK = 1024 * 1024


def _refuse(message, code):
    raise ApplicationError(message, code=code)


def _require_postgresql(database):
    if database["ENGINE"] != "django.db.backends.postgresql":
        _refuse("Backup and restore need PostgreSQL (DATABASE_URL=postgres://…). For the SQLite demo "
                "copy db.sqlite3 and the media directory instead.", "backup_needs_postgresql")


def _pg_environment(database) -> dict:
    """libpq's environment for pg_dump / pg_restore (the password never goes on a command line)."""
    env = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGPASSWORD", "PASSWORD"), ("PGDATABASE", "NAME")):
        if database.get(key):
            env[variable] = str(database[key])
    options = database.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = options["sslmode"]
    return env


def _run(command, database):
    try:
        result = subprocess.run(command, env=_pg_environment(database), capture_output=True, text=True)
    except FileNotFoundError:
        _refuse(f"{command[0]} is not installed: install the PostgreSQL client (postgresql-client).",
                "backup_tool_missing")
    if result.returncode != 0:
        _refuse(f"{command[0]} failed: {result.stderr.strip()}", "backup_database_failed")


def storage_names(storage, prefix=""):
    """Every file name in the storage, sorted (directories walked with listdir, so it works for
    a local directory and for an S3 bucket alike)."""
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:  # a local store nothing was ever saved to
        return []
    names = [posixpath.join(prefix, name) for name in files]
    for directory in directories:
        names += storage_names(storage, posixpath.join(prefix, directory))
    return sorted(names)


class _Hashing:
    """A read-only file wrapper that hashes what passes through it."""

    def __init__(self, raw):
        self.raw, self.sha256, self.size = raw, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add_stream(archive, name, stream, size) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(datetime.now(UTC).timestamp()), 0o600
    hashing = _Hashing(stream)
    archive.addfile(info, hashing)
    return {"size": hashing.size, "sha256": hashing.sha256.hexdigest()}


def backup_create(*, path, database=None, storage=None) -> dict:
    """Write the archive to `path` (via a temporary name, so a failed run leaves no archive that
    looks complete). Returns the manifest."""
    from django.core.files.storage import default_storage

    database = database or connections["default"].settings_dict
    storage = storage or default_storage
    _require_postgresql(database)
    path = Path(path)
    if not path.parent.is_dir():
        _refuse(f"{path.parent} is not a directory: create it first.", "backup_no_directory")
    partial = path.with_name(path.name + ".partial")
    manifest = {"format": FORMAT, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": {"engine": "postgresql", "name": database["NAME"]}, "members": {}}
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as scratch, tarfile.open(partial, "w") as archive:
            dump = Path(scratch) / DATABASE_MEMBER
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={dump}"], database)
            with dump.open("rb") as stream:
                manifest["members"][DATABASE_MEMBER] = _add_stream(archive, DATABASE_MEMBER, stream,
                                                                   dump.stat().st_size)
            dump.unlink()
            for name in storage_names(storage):
                with storage.open(name, "rb") as stream:
                    manifest["members"][FILES_PREFIX + name] = _add_stream(
                        archive, FILES_PREFIX + name, stream, storage.size(name))
            body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(datetime.now(UTC).timestamp()), 0o600
            archive.addfile(info, io.BytesIO(body))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def backup_verify(*, path) -> dict:
    """Read the whole archive and check every member against the manifest. Returns the manifest."""
    try:
        archive = tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as e:
        _refuse(f"{path} is not a readable backup archive: {e}", "backup_unreadable")
    with archive:
        try:
            manifest = json.load(archive.extractfile(MANIFEST))
        except (KeyError, ValueError) as e:
            _refuse(f"{path} has no readable {MANIFEST}: {e}", "backup_unreadable")
        if manifest.get("format") != FORMAT:
            _refuse(f"{path} is backup format {manifest.get('format')}, this portal reads {FORMAT}",
                    "backup_format")
        expected = manifest["members"]
        present = set()
        for member in archive:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile():
                _refuse(f"{path}: {member.name} is not in the manifest", "backup_corrupt")
            digest = hashlib.sha256()
            stream = archive.extractfile(member)
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
            if digest.hexdigest() != expected[member.name]["sha256"]:
                _refuse(f"{path}: {member.name} does not match its SHA-256 in the manifest", "backup_corrupt")
            present.add(member.name)
        if missing := sorted(set(expected) - present):
            _refuse(f"{path}: missing from the archive: {', '.join(missing[:5])}", "backup_corrupt")
    return manifest


def _database_tables(database) -> list[str]:
    wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(database, alias="restore-target")
    try:
        return wrapper.introspection.table_names()
    finally:
        wrapper.close()


def backup_restore(*, path, database=None, storage=None) -> dict:
    """Restore the archive into an empty database and an empty store. Everything is checked
    before anything is written. Returns {"tables": n, "files": n}."""
    from django.core.files.storage import default_storage

    database = database or connections["default"].settings_dict
    storage = storage or default_storage
    _require_postgresql(database)
    manifest = backup_verify(path=path)
    if tables := _database_tables(database):
        _refuse(f"The database {database['NAME']} is not empty ({len(tables)} tables): restore only "
                f"goes into a newly created, empty database.", "restore_database_not_empty")
    if existing := storage_names(storage):
        _refuse(f"The file store is not empty ({len(existing)} files, e.g. {existing[0]}): restore only "
                f"goes into an empty store.", "restore_store_not_empty")
    files = [name for name in manifest["members"] if name.startswith(FILES_PREFIX)]
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "r:") as archive:
        dump = Path(scratch) / DATABASE_MEMBER
        with dump.open("wb") as out, archive.extractfile(DATABASE_MEMBER) as stream:
            while chunk := stream.read(CHUNK):
                out.write(chunk)
        _run(["pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
              f"--dbname={database['NAME']}", str(dump)], database)
        for member in files:
            name = member[len(FILES_PREFIX):]
            with archive.extractfile(member) as stream:
                stored = storage.save(name, File(stream, name=posixpath.basename(name)))
            if stored != name:
                _refuse(f"The store saved {name} as {stored}", "restore_store_renamed")
    return {"tables": len(_database_tables(database)), "files": len(files)}
