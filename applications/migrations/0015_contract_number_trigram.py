"""A trigram index for "contract number contains" (the loan book's search, loans.filters): PostgreSQL
only, on the expression Django's `icontains` compares (UPPER(number::text)). SQLite searches
without it."""

from django.db import migrations

INDEX = "applications_contract_number_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON applications_contract "
                              "USING gin (UPPER(number::text) gin_trgm_ops)")
        # Statistics of the indexed expression: without them the planner guesses one match.
        schema_editor.execute("ANALYZE applications_contract")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("applications", "0014_contract_disbursement_date_indexes"),
        ("identity", "0010_enterprise_name_trigram"),  # the pg_trgm extension
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
