from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from .retention import check_retention

        # Refuse to start (web, worker, beat, commands alike) with a retention below the minimum.
        check_retention()
