"""manage.py restore ARCHIVE: put a backup back into an empty, migrated database."""

import contextlib
import sys

from django.core.management.base import BaseCommand, CommandError

from helsefellesskap.backup import BackupError, backup_restore
from helsefellesskap.page_cache import CACHE_DOWN
from helsefellesskap.sessions import forget_cached_sessions


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database (run migrate first) "
        "and an empty media storage. Refuses, changing nothing, if they hold anything. "
        "'-' reads the archive from standard input."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Path of the archive, or - for standard input.")

    def handle(self, *args, archive, **options):
        try:
            if archive == "-":
                manifest = backup_restore(sys.stdin.buffer)
            else:
                with open(archive, "rb") as source:
                    manifest = backup_restore(source)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        # The restored database has no sessions; their cached copies must not outlive them.
        with contextlib.suppress(*CACHE_DOWN):
            forget_cached_sessions()
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows of {len(manifest['counts'])} tables and "
                f"{len(manifest['media'])} media files from the backup of {manifest['created_at']}."
            )
        )
