"""A GIN index on the stored search vector, on PostgreSQL only (SQLite has no GIN)."""

from django.db import migrations

INDEX = "guidelines_guideline_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON guidelines_guideline USING gin (search_vector)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("guidelines", "0001_guidelines_versions_attachments_reminders")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
