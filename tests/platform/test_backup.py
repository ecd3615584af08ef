"""Backup and restore (jingzhidai/backup.py, `manage.py backup` / `restore`): one archive with the
database and the file store; a restore into an empty database and an empty store finds the same
applications and the same files, and a damaged archive or a non-empty target is refused before
anything is written. pg_dump / pg_restore need PostgreSQL (CI); the refusal on SQLite runs anywhere."""

import io
import tarfile

import psycopg2
import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from applications import services
from applications.models import Application, Evidence
from jingzhidai.backup import backup_create, backup_restore, backup_verify, storage_names
from jingzhidai.errors import ApplicationError

from ..applications.conftest import HELD, Flow, product_fields, upload
from ..applications.conftest import held as held  # the fixture, used by `flow` below

postgres_only = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data_restored"),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="pg_dump / pg_restore need PostgreSQL; run with DATABASE_URL=postgres://…"),
]


@pytest.fixture
def flow(world, held):
    from banks import services as bank_services

    product = bank_services.product_create(actor=world.admin, bank=world.bank, **product_fields())
    product_2 = bank_services.product_create(actor=world.admin, bank=world.bank_2, **product_fields(name="北京质量贷"))
    return Flow(world, product, product_2)


@pytest.fixture
def applications_with_files(flow, world):
    first = flow.draft()
    services.evidence_add(application=first, user=world.enterprise, element_code=HELD,
                          uploaded=upload("任命文件.pdf"))
    second = flow.draft(other=True)
    services.evidence_add(application=second, user=world.enterprise_2, element_code=HELD,
                          uploaded=upload("证书.pdf", content=b"%PDF-1.4\n" + "证书".encode() * 200 + b"\n%%EOF\n"))
    services.application_submit(application=second, user=world.enterprise_2)
    return [first, second]


@pytest.fixture
def empty_database():
    """A newly created, empty PostgreSQL database next to the test database (dropped after)."""
    settings_dict = dict(connection.settings_dict)
    name = f"{settings_dict['NAME']}_restore"[:63]

    def admin(sql):
        execute(settings_dict, sql, database="postgres")

    admin(f'DROP DATABASE IF EXISTS "{name}"')
    admin(f'CREATE DATABASE "{name}"')
    yield {**settings_dict, "NAME": name}
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def execute(settings_dict, sql, *, database=None):
    """One statement on its own autocommit connection (the test's connection is not involved)."""
    raw = psycopg2.connect(dbname=database or settings_dict["NAME"], user=settings_dict["USER"],
                           password=settings_dict["PASSWORD"], host=settings_dict["HOST"] or None,
                           port=settings_dict["PORT"] or None)
    raw.autocommit = True
    try:
        with raw.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if cursor.description else None
    finally:
        raw.close()


def rows(settings_dict, sql):
    return execute(settings_dict, sql)


APPLICATIONS_SQL = ("SELECT id, status, enterprise_id, product_id, amount::text FROM applications_application "
                    "ORDER BY id")
EVIDENCE_SQL = "SELECT id, application_id, file, sha256 FROM applications_evidence ORDER BY id"


class TestRoundTrip:
    pytestmark = postgres_only

    def test_restore_into_an_empty_database_and_store_finds_the_same_applications_and_files(
            self, applications_with_files, empty_database, tmp_path):
        archive = tmp_path / "jzd.tar"
        call_command("backup", str(archive), stdout=io.StringIO())
        target = FileSystemStorage(location=tmp_path / "restored")

        result = backup_restore(path=archive, database=empty_database, storage=target)

        original = rows(connection.settings_dict, APPLICATIONS_SQL)
        assert len(original) == 2
        assert rows(empty_database, APPLICATIONS_SQL) == original
        assert rows(empty_database, EVIDENCE_SQL) == rows(connection.settings_dict, EVIDENCE_SQL)
        assert result["files"] == len(storage_names(default_storage)) >= 2
        for evidence in Evidence.objects.all():
            with default_storage.open(evidence.file.name) as before, target.open(evidence.file.name) as after:
                assert after.read() == before.read()
        assert storage_names(target) == storage_names(default_storage)

    def test_the_manifest_carries_a_sha256_for_the_dump_and_every_file(self, applications_with_files, tmp_path):
        archive = tmp_path / "jzd.tar"
        manifest = backup_create(path=archive)
        assert set(manifest["members"]) == {"database.dump"} | {f"files/{n}" for n in storage_names(default_storage)}
        assert all(len(member["sha256"]) == 64 for member in manifest["members"].values())
        assert backup_verify(path=archive) == manifest
        assert not (tmp_path / "jzd.tar.partial").exists()
        out = io.StringIO()
        call_command("restore", str(archive), "--check", stdout=out)  # reads, restores nothing
        assert "match the manifest" in out.getvalue()

    def test_a_damaged_archive_or_a_full_store_is_refused_before_anything_is_written(
            self, applications_with_files, empty_database, tmp_path):
        archive, damaged = tmp_path / "jzd.tar", tmp_path / "damaged.tar"
        backup_create(path=archive)
        with tarfile.open(archive) as source, tarfile.open(damaged, "w") as out:
            for member in source:
                data = source.extractfile(member).read()
                if member.name.startswith("files/evidence/"):
                    data = data[:-1] + b"X"
                out.addfile(member, io.BytesIO(data))
        target = FileSystemStorage(location=tmp_path / "restored")
        with pytest.raises(ApplicationError) as refused:
            backup_restore(path=damaged, database=empty_database, storage=target)
        assert refused.value.code == "backup_corrupt"
        assert rows(empty_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
        assert storage_names(target) == []

        target.save("already/here.txt", io.BytesIO(b"x"))  # the archive is sound, the store is not empty
        with pytest.raises(ApplicationError) as refused:
            backup_restore(path=archive, database=empty_database, storage=target)
        assert refused.value.code == "restore_store_not_empty"
        assert rows(empty_database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == [(0,)]
        assert storage_names(target) == ["already/here.txt"]

    def test_a_database_that_is_not_empty_is_refused(self, applications_with_files, tmp_path):
        archive = tmp_path / "jzd.tar"
        backup_create(path=archive)
        count = Application.objects.count()
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(archive))
        assert Application.objects.count() == count


def test_backup_refuses_sqlite_with_a_clear_message(tmp_path):
    with pytest.raises(ApplicationError, match="need PostgreSQL") as refused:
        backup_create(path=tmp_path / "x.tar", database={"ENGINE": "django.db.backends.sqlite3", "NAME": "db"},
                      storage=FileSystemStorage(location=tmp_path))
    assert refused.value.code == "backup_needs_postgresql"
    assert not list(tmp_path.iterdir())


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar"
    bogus.write_bytes(b"not a tar file at all" * 100)
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(bogus), "--check")


def test_backup_into_a_missing_directory_is_refused(tmp_path):
    database = {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql"}
    with pytest.raises(ApplicationError, match="is not a directory") as refused:
        backup_create(path=tmp_path / "missing" / "x.tar", database=database, storage=FileSystemStorage(tmp_path))
    assert refused.value.code == "backup_no_directory"
