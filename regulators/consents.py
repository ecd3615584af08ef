"""What every consent an enterprise gives in the regulators' workspace records: who gave it and
when, who ended it and when. A consent is ended, never deleted or changed otherwise, so the
record of what the enterprise agreed to stays."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT,
                                   related_name="+")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ended by"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")

    class Meta:
        abstract = True
        ordering = ["granted_at", "id"]

    @property
    def in_force(self) -> bool:
        return self.ended_at is None
