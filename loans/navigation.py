from django.utils.translation import gettext_lazy as _

from identity.choices import Role

_BANK = [(_("Loan book"), "loans:list"), (_("Risk alerts"), "loans:alerts")]
_REGULATOR = [(_("Loans"), "loans:list"), (_("Risk alerts"), "loans:alerts")]

NAV = {
    Role.ENTERPRISE: [(_("My loans"), "loans:list")],
    Role.BANK_OFFICER: _BANK,
    Role.BANK_APPROVER: _BANK,
    Role.BANK_ADMIN: _BANK,
    Role.DISTRICT_REGULATOR: _REGULATOR,
    Role.CITY_REGULATOR: _REGULATOR,
    Role.PLATFORM_ADMIN: _REGULATOR,
}


def home_cards(user) -> list[dict]:
    """What waits after the loan: two aggregate queries whatever the data size."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from .choices import Audience
    from .selectors import loans_visible_to, risk_alerts_visible_to
    from .workflow import OPEN

    if not user.is_authenticated or user.role == Role.PLATFORM_ADMIN:
        return []
    loans = loans_visible_to(user).aggregate(open=Count("pk", filter=Q(status__in=OPEN)),
                                              overdue=Count("pk", filter=Q(status__in=OPEN, days_past_due__gt=0)))
    book = reverse("loans:list")
    cards = [{"label": _("Outstanding loans"), "value": loans["open"], "url": f"{book}?open=true"},
             {"label": _("Overdue loans"), "value": loans["overdue"], "url": f"{book}?open=true&overdue=any",
              "tone": "danger" if loans["overdue"] else ""}]
    if user.role != Role.ENTERPRISE:
        open_alerts = risk_alerts_visible_to(user).filter(audience=Audience.BANK, acknowledged_at__isnull=True).count()
        cards.append({"label": _("Open risk alerts"), "value": open_alerts,
                      "url": reverse("loans:alerts") + "?acknowledged=false", "tone": "warning" if open_alerts else ""})
    return cards


HOME_CARDS = [home_cards]
