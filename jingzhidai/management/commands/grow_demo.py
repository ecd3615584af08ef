"""`manage.py grow_demo --applications N`: N more applications, in bulk, for demos and benchmarks
(applications/grow.py says what each one gets). A project-level command because it drives two
apps: applications generates and writes the rows without signals, and, unless `--no-loans`, the
loans app's extension (loans/grow.py) writes the loans of the new contracts with them, as the
loans app opens them; `loans_reconcile` (the nightly job's first step) then opens any other
contract's that has none (it finds none of the grown ones)."""

import time

from django.core.management.base import BaseCommand, CommandError

from applications import grow
from jingzhidai.errors import ApplicationError


class Command(BaseCommand):
    help = "Add N realistic applications in bulk (all statuses, claims, evidence rows, history, contracts)."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-loans", action="store_true",
                            help="Do not open the loans of the new contracts (the nightly job will).")
        parser.add_argument("--keep-indexes", action="store_true",
                            help="Keep the secondary indexes during a large load (by default they are dropped "
                                 "and rebuilt when the load at least doubles the applications, PostgreSQL).")

    def handle(self, *args, applications, seed, no_loans, keep_indexes=False, verbosity=1, **options):
        if applications < 1:
            raise CommandError("--applications must be at least 1.")
        extensions = []
        if not no_loans:
            from loans.grow import LoanRows

            extensions.append(LoanRows())
        started = time.monotonic()
        try:
            counts = grow.grow(applications=applications, seed=seed, extensions=extensions,
                               stdout=self.stdout if verbosity > 1 else None, reindex=False if keep_indexes else None)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"grow_demo: {counts} in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        if grow.vacuum(grow.TABLES + tuple(m for e in extensions for m in e.tables)):
            self.stdout.write(f"grow_demo: VACUUM ANALYZE in {time.monotonic() - started:.1f} s")
        if not no_loans:
            from loans.services import loans_reconcile

            started = time.monotonic()
            with grow.foreign_key_checks_skipped():  # the contracts were just written
                opened = loans_reconcile()
            self.stdout.write(f"grow_demo: {opened} other loans opened in {time.monotonic() - started:.1f} s")
