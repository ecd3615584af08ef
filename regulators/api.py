"""The regulators' API: each part of the workspace registers its own viewsets."""

from .cases import api as cases_api
from .recommendations import api as recommendations_api


def register(router):
    router.register("cases", cases_api.CaseViewSet, basename="case")
    recommendations_api.register(router)


extra_urlpatterns = [*recommendations_api.extra_urlpatterns]
