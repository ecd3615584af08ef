"""python manage.py sync_elements FEED PATH — run one published-list file as an import batch."""

from django.core.management.base import BaseCommand, CommandError

from elements.choices import SYNC_FEEDS, BatchStatus
from elements.sync import run_file


class Command(BaseCommand):
    help = "Sync the element library from a published-list file (CSV, XLSX or JSON lines)."

    def add_arguments(self, parser):
        parser.add_argument("feed", choices=[str(f) for f in SYNC_FEEDS])
        parser.add_argument("path")
        parser.add_argument("--rejects", type=int, default=20, help="how many rejected rows to print (default 20)")

    def handle(self, feed, path, rejects, **options):
        batch = run_file(feed=feed, path=path, source="cli")
        self.stdout.write(batch.summary())
        for r in batch.rejects.order_by("row_number", "id")[:rejects]:
            self.stdout.write(f"  row {r.row_number} [{r.column}] {r.reason}: {r.raw_value}")
        if batch.rejected > rejects:
            self.stdout.write(f"  … {batch.rejected - rejects} more rejected rows (see the batch page or rejects.csv)")
        if batch.status != BatchStatus.SUCCEEDED:
            raise CommandError(f"the file could not be read: {batch.error}")
