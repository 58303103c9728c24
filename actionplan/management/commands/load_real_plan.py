"""Load the real plan (and the other seed documents) from fixtures/. Safe to run again."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Fixture files in load order; each keeps fixed primary keys, so loading again updates rows
# in place instead of adding duplicates.
REAL_DATA_FIXTURES = ["priority_groups", "plan_2023_2026", "meetings_seed"]


class Command(BaseCommand):
    help = "Load the real action plan 2023–2026 and the other seed documents."

    def handle(self, *args, **options):
        for fixture in REAL_DATA_FIXTURES:
            call_command("loaddata", fixture, verbosity=options["verbosity"])
