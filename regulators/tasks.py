# Celery finds `<app>.tasks`; each part of the regulators' workspace keeps its tasks in its own module.
from .cases.tasks import case_photos_sweep  # noqa: F401
from .recommendations.tasks import recommended_list_build  # noqa: F401
