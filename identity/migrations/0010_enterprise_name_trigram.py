"""A trigram index for "name contains" searches of enterprises (identity.selectors.enterprise_search,
used by the registry and by the application and loan lists): PostgreSQL only, on the expression
Django's `icontains` compares (UPPER(name::text)). SQLite searches without it."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "identity_enterprise_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON identity_enterprise "
                              "USING gin (UPPER(name::text) gin_trgm_ops)")
        # Statistics of the indexed expression: without them the planner guesses one match.
        schema_editor.execute("ANALYZE identity_enterprise")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("identity", "0009_user_language"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
