from django.db import models  # noqa: F401

from .reports.models import Report, ReportFile  # noqa: F401  (periodic reports, regulators/reports/)
