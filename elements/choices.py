from django.db import models
from django.utils.translation import gettext_lazy as _


class Nature(models.TextChoices):
    CONDITION = "condition", _("Credit condition (an absence)")
    DISTINCTION = "distinction", _("Distinction")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


class Feed(models.TextChoices):
    """The published lists the library is synced from (DOMAIN.md §5), plus the ways a record
    enters without a feed."""

    REGISTRATION = "registration", _("Registration (企业登记信息)")
    ABNORMAL = "abnormal", _("Abnormal operation list (经营异常名录)")
    SERIOUS = "serious", _("Serious illegal and dishonest list (严重违法失信名单)")
    PENALTY = "penalty", _("Administrative penalties (行政处罚)")
    SPOTCHECK = "spotcheck", _("Product quality spot checks (产品质量监督抽查)")
    HONOR = "honor", _("Quality honours and qualifications (质量荣誉与资质)")
    CLAIM = "claim", _("Enterprise claim confirmed by a regulator")
