"""On PostgreSQL the database itself keeps the audit table append-only: no UPDATE ever, and no
DELETE of a row younger than 183 days (the minimum retention, 等保 §8.1.4.3), whatever code or
SQL client tries. The retention prune only deletes older rows, so it passes."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit events are never changed';
    END IF;
    IF OLD.at > now() - make_interval(days => 183) THEN
        RAISE EXCEPTION 'audit events are kept at least 183 days';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_prune_schedule")]
    operations = [migrations.RunPython(create, drop)]
