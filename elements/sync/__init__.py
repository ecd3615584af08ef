"""Sync of the element library from published lists (DOMAIN.md §5). Entry point for the
command line, Celery tasks, uploads and the benchmark: `run_file(feed=..., path=...)`."""

from .runner import batch_create, import_batches_fail_stale, run_batch, run_file

__all__ = ["batch_create", "import_batches_fail_stale", "run_batch", "run_file"]
