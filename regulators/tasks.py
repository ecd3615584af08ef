"""Celery tasks: thin, they call regulators code. The nightly schedule is declared in the
migration `0001_dashboard_precompute` (django-celery-beat)."""

from celery import shared_task

# Each part of the regulators' workspace keeps its tasks in its own module.
from .cases.tasks import case_photos_sweep  # noqa: F401
from .recommendations.tasks import recommended_list_build  # noqa: F401


@shared_task(name="regulators.dashboard_precompute")
def dashboard_precompute() -> int:
    """Nightly (02:30 Asia/Shanghai, after the loans job): the last closed month and quarter for
    the city, every unit and every bank, recomputed and kept (figures_store)."""
    from .precompute import precompute

    return precompute()
