"""python manage.py backup ARCHIVE — the database and the file store in one archive (jingzhidai/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from jingzhidai.backup import backup_create
from jingzhidai.errors import ApplicationError


class Command(BaseCommand):
    help = "Write one archive holding the database (pg_dump) and every file of the file store, with SHA-256s."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="path of the archive to write (e.g. /backups/jingzhidai-2026-12-01.tar)")

    def handle(self, archive, **options):
        try:
            manifest = backup_create(path=archive)
        except ApplicationError as e:
            raise CommandError(e.message)
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        size = sum(member["size"] for member in manifest["members"].values())
        self.stdout.write(f"backup written: {archive} (database and {files} files, {size} bytes)")
