"""`manage.py dashboard_refresh [--period 2026-Q3 …]`: compute and keep the dashboard figures of
closed periods (default: the last closed month and quarter) for the city, every unit and bank."""

import time

from django.core.management.base import BaseCommand, CommandError

from regulators import metrics
from regulators.precompute import precompute


class Command(BaseCommand):
    help = "Compute and keep the dashboard figures of closed periods (city, every unit, every bank)."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="2026-11, 2026-Q3 or 2026; repeatable")

    def handle(self, *args, period, **options):
        try:
            periods = [metrics.Period.parse(p) for p in period] or None
        except ValueError as e:
            raise CommandError(str(e)) from e
        started = time.monotonic()
        n = precompute(periods, stdout=self.stdout)
        self.stdout.write(f"dashboard_refresh: {n} dashboards in {time.monotonic() - started:.1f} s")
