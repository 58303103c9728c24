"""Import the plan's Word document: its committees, goals, measures and coloured statuses."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actionplan.docx_changes import (
    find_plan,
    plan_docx_changes,
)
from actionplan.docx_read import DocxImportError, read_plan_docx
from actionplan.services import plan_docx_apply, plan_docx_start_new


class Command(BaseCommand):
    help = (
        "Import the plan document (.docx): show what would change, and with a user, apply it "
        "(one transaction; history names the user and the file)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The plan document (.docx).")
        parser.add_argument("--dry-run", action="store_true", help="Only show the changes.")
        parser.add_argument(
            "--plan", help="The plan: its id, period (2023-2026) or title as a slug."
        )
        parser.add_argument(
            "--user", help="The username history records the changes under (needed to apply)."
        )
        parser.add_argument(
            "--retire-missing",
            action="store_true",
            help="Retire what the plan has and the document lacks (never deleted).",
        )
        parser.add_argument("--new-plan", action="store_true", help="Start a new plan from it.")
        parser.add_argument("--title", help="The new plan's title (with --new-plan).")
        parser.add_argument("--period", help="The new plan's period, e.g. 2027-2030.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        plan = find_plan(options["plan"])
        if plan is None:
            raise CommandError("No such plan (give its id, period such as 2023-2026, or slug).")
        user = self._user(options)
        try:
            doc = read_plan_docx(path.read_bytes())
            if options["new_plan"]:
                return self._new_plan(doc, plan, user, path.name, options)
            changes = plan_docx_changes(doc, plan)
        except DocxImportError as refused:
            raise CommandError(refused.message) from None
        self._print(changes)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
            return
        if changes.is_empty and not (options["retire_missing"] and changes.missing):
            self.stdout.write("Nothing to change.")
            return
        retire = list(changes.missing) if options["retire_missing"] else []
        counts = plan_docx_apply(changes, by=user, file_name=path.name, retire_keys=retire)
        self.stdout.write(self.style.SUCCESS(f"Saved: {_counts(counts)}."))

    def _user(self, options):
        if options["dry_run"]:
            return None
        if not options["user"]:
            raise CommandError("Give --user USERNAME (history names who imported), or --dry-run.")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        return user

    def _new_plan(self, doc, plan, user, file_name, options):
        if not options["title"] or not options["period"]:
            raise CommandError("--new-plan needs --title and --period (e.g. 2027-2030).")
        try:
            start, end = (int(y) for y in options["period"].split("-"))
        except ValueError:
            raise CommandError("--period must be two years, e.g. 2027-2030.") from None
        if options["dry_run"]:
            raise CommandError("--new-plan cannot be a dry run; import into a copy first.")
        new, counts = plan_docx_start_new(
            doc, plan=plan, title=options["title"], start_year=start, end_year=end, by=user,
            file_name=file_name,
        )  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"New plan {new.pk} «{new}»: {_counts(counts)}."))

    def _print(self, changes):
        out = self.stdout.write
        summary = changes.summary()
        out(f"Plan: {changes.plan} (years {', '.join(map(str, changes.doc.years))})")
        out(
            "{added} to add, {changed} to change, {missing} missing from the document, "
            "{statuses} statuses to set, {unknown_colours} unknown colours".format(**summary)
        )
        for line in changes.added:
            out(f"  + [{line.committee}] {line.kind}: {_short(line.new)}")
        for line in changes.changed:
            field = f" ({line.field})" if line.field else ""
            old, new = _short(line.old), _short(line.new)
            out(f"  ~ [{line.committee}] {line.kind}{field}: {old} → {new}")
        for line in changes.missing_lines:
            out(f"  - [{line.committee}] {line.kind} missing: {_short(line.old)}")
        for line in changes.statuses:
            c = line.change
            note = f" «{c.new_note}»" if c.new_note else ""
            out(
                f"  {c.year} [{line.committee}] {_short(line.measure, 50)}: "
                f"{c.old_status or '-'} → {c.new_status or '-'}{note}"
            )
        for unknown in changes.doc.unknown_colours:
            out(f"  ? {unknown.year} {_short(unknown.measure, 50)}: colour #{unknown.colour}")
        for warning in changes.warnings:
            out(f"  ! {warning}")


def _short(text: str, length: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _counts(counts: dict) -> str:
    return ", ".join(f"{value} {name}" for name, value in counts.items())
