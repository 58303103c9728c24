"""ContentVersion moves from actionplan to the core: the same table, now the core's model.

Only the migration state changes; the table `actionplan_contentversion` and its rows stay."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("helsefellesskap", "0004_follows_and_digests"),
        ("actionplan", "0006_content_version_changed_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=50, unique=True)),
                        ("token", models.CharField(max_length=32)),
                        ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "verbose_name": "content version",
                        "verbose_name_plural": "content versions",
                        "db_table": "actionplan_contentversion",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
