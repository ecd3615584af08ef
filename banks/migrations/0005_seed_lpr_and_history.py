"""The loan prime rate in force, and a first history row for banks that existed before the
partner-list history began (so every bank's history starts with its admission)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

# PBoC / NBFC announcements: 1-year and 5-year-plus LPR.
LPR = [
    (date(2024, 10, 21), Decimal("3.10"), Decimal("3.60")),
    (date(2025, 5, 20), Decimal("3.00"), Decimal("3.50")),
]
REASON = "Recorded when the partner-list history began."
ACTIONS = {"suspended": "suspend", "removed": "remove"}


def forward(apps, schema_editor):
    LoanPrimeRate = apps.get_model("banks", "LoanPrimeRate")
    for effective_on, one_year, five_year in LPR:
        LoanPrimeRate.objects.update_or_create(effective_on=effective_on,
                                               defaults={"one_year": one_year, "five_year": five_year})
    Bank = apps.get_model("banks", "Bank")
    BankStatusChange = apps.get_model("banks", "BankStatusChange")
    for bank in Bank.objects.filter(status_changes__isnull=True):
        BankStatusChange.objects.create(bank=bank, action="admit", from_status="", to_status="admitted",
                                        reason=REASON, actor_name="system")
        if bank.status in ACTIONS:
            BankStatusChange.objects.create(bank=bank, action=ACTIONS[bank.status], from_status="admitted",
                                            to_status=bank.status, reason=REASON, actor_name="system")


class Migration(migrations.Migration):
    dependencies = [("banks", "0004_partner_list_products")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
