"""manage.py backup ARCHIVE: everything the portal holds, in one .tar.gz ("-": standard output)."""

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helsefellesskap.backup import backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (plan, statuses, history, meetings, guidelines, users and "
        "memberships) and the media files into one .tar.gz archive. '-' writes to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", help="Path of the archive to write, or - for standard output."
        )

    def handle(self, *args, archive, **options):
        if archive == "-":
            manifest = backup_create(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            target = Path(archive)
            if target.exists():
                raise CommandError(f"{target} exists; not overwriting a backup.")
            # Written beside the target and renamed when complete: a half-written file never
            # carries the backup's name.
            fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            try:
                with os.fdopen(fd, "wb") as out:
                    manifest = backup_create(out)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(partial, target)
            except BaseException:
                Path(partial).unlink(missing_ok=True)
                raise
        rows = sum(manifest["counts"].values())
        # Status goes to standard error: standard output may be the archive itself.
        self.stderr.write(
            f"Backed up {rows} rows of {len(manifest['counts'])} tables "
            f"and {len(manifest['media'])} media files to {archive}.",
            style_func=self.style.SUCCESS,
        )
