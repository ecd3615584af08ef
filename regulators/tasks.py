# Celery finds `<app>.tasks`; each part of the regulators' workspace keeps its tasks in its own module.
from .recommendations.tasks import recommended_list_build  # noqa: F401
