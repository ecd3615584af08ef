from django.db import models  # noqa: F401

# Each part of the regulators' workspace keeps its models in its own module.
from .cases.models import CaseConsent, CaseEvent, CasePhoto, TypicalCase  # noqa: F401
from .recommendations.models import (  # noqa: F401
    Invitation,
    RecommendationConsent,
    RecommendedEntry,
    RecommendedList,
)
from .reports.models import Report, ReportFile  # noqa: F401  (periodic reports, regulators/reports/)
