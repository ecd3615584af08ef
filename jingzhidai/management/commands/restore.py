"""python manage.py restore ARCHIVE — into the configured database and file store, both empty."""

from django.core.management.base import BaseCommand, CommandError

from jingzhidai.backup import backup_restore, backup_verify
from jingzhidai.errors import ApplicationError


class Command(BaseCommand):
    help = ("Restore an archive written by `backup` into the configured database and file store, which must "
            "both be empty (a newly created database, an empty bucket or directory).")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--check", action="store_true",
                            help="only check the archive against its manifest; restore nothing")

    def handle(self, archive, check, **options):
        try:
            if check:
                manifest = backup_verify(path=archive)
                self.stdout.write(f"archive ok: {len(manifest['members'])} members match the manifest")
                return
            result = backup_restore(path=archive)
        except ApplicationError as e:
            raise CommandError(e.message)
        self.stdout.write(f"restored: {result['tables']} tables, {result['files']} files")
