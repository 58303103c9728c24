"""ContentVersion is the core's now (helsefellesskap 0005): actionplan forgets the model and
leaves its table in place."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0006_content_version_changed_at"),
        ("helsefellesskap", "0005_content_version_moved_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ContentVersion")],
            database_operations=[],
        ),
    ]
