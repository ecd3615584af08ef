"""Partner-bank institution kinds (notice §二(二), DOMAIN.md §7)."""

from django.db import migrations

KINDS = [
    ("policy", "政策性银行", "Policy bank"),
    ("state_owned", "国有大型商业银行", "Large state-owned commercial bank"),
    ("joint_stock", "股份制商业银行", "Joint-stock commercial bank"),
    ("city_commercial", "城市商业银行", "City commercial bank"),
    ("rural", "农村商业银行/农村金融机构", "Rural commercial bank / rural financial institution"),
    ("private", "民营银行", "Private bank"),
    ("foreign", "外资银行", "Foreign-funded bank"),
    ("other", "其他金融机构", "Other financial institution"),
]


def seed(apps, schema_editor):
    InstitutionKind = apps.get_model("banks", "InstitutionKind")
    for order, (code, name, name_en) in enumerate(KINDS):
        InstitutionKind.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "order": order})


class Migration(migrations.Migration):
    dependencies = [("banks", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
