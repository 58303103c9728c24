"""Load the real plan (and the other seed documents) from fixtures/. Safe to run again."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Fixture files in load order; each keeps fixed primary keys, so loading again never adds
# duplicates.
REAL_DATA_FIXTURES = ["priority_groups", "plan_2023_2026", "guidelines_seed", "meetings_seed"]


def fixture_path(name: str) -> Path:
    """Where a fixture lives: FIXTURE_DIRS first, then each app's fixtures/ folder."""
    folders = [Path(d) for d in settings.FIXTURE_DIRS]
    folders += [Path(app.path) / "fixtures" for app in apps.get_app_configs()]
    for folder in folders:
        path = folder / f"{name}.json"
        if path.exists():
            return path
    raise CommandError(f"No fixture named {name}.json in {', '.join(map(str, folders))}.")


@transaction.atomic
def load_missing(path: Path, using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """Add the fixture's rows that are not in the database yet; leave existing rows as they
    are (the portal's editors may have changed them). Returns (added, kept)."""
    added = kept = 0
    models = set()
    with path.open(encoding="utf-8") as stream:
        for item in serializers.deserialize("json", stream, using=using):
            model = type(item.object)
            models.add(model)
            if model._default_manager.using(using).filter(pk=item.object.pk).exists():
                kept += 1
                continue
            try:
                item.object.validate_constraints()
            except ValidationError:
                # The same thing already exists under another key (e.g. a year's status
                # recorded in the portal): the portal's row wins.
                kept += 1
                continue
            item.save(using=using)
            added += 1
    # Rows came with explicit keys: move the sequences past them (as loaddata does).
    connection = connections[using]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)
    return added, kept


class Command(BaseCommand):
    help = "Load the real action plan 2023–2026 and the other seed documents."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Overwrite rows already loaded with the document's text (loses edits made "
            "in the portal to those rows).",
        )

    def handle(self, *args, **options):
        for fixture in REAL_DATA_FIXTURES:
            if options["reset"]:
                call_command("loaddata", fixture, verbosity=options["verbosity"])
                continue
            added, kept = load_missing(fixture_path(fixture))
            if options["verbosity"]:
                self.stdout.write(f"{fixture}: {added} added, {kept} already there.")
