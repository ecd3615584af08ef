from celery import shared_task


@shared_task(name="regulators.case_photos_sweep")
def case_photos_sweep(hours: int = 24) -> int:
    """Nightly: stored case photos no row refers to (a photo saved by a transaction that then
    rolled back), older than `hours` (see applications.files.orphan_files_sweep)."""
    from datetime import timedelta

    from applications.files import orphan_files_sweep

    from .models import CasePhoto

    return len(orphan_files_sweep(older_than=timedelta(hours=hours), sources={"cases": [(CasePhoto, "file")]}))
