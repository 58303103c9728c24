"""Regenerate fixtures/plan_2023_2026.json from the hand-read fixtures/source/*.yaml."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from actionplan.plan_fixture import build_plan_fixture, read_source

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def render(source: Path, groups: Path) -> str:
    """The fixture JSON for a plan source, exactly as it is committed."""
    group_pks = {row["fields"]["slug"]: row["pk"] for row in json.loads(groups.read_text())}
    rows = build_plan_fixture(read_source(source), group_pks)
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


class Command(BaseCommand):
    help = "Build the real plan's JSON fixture from its YAML source (or --check it is current)."

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(FIXTURES / "source" / "plan_2023_2026.yaml"))
        parser.add_argument("--groups", default=str(FIXTURES / "priority_groups.json"))
        parser.add_argument("--output", default=str(FIXTURES / "plan_2023_2026.json"))
        parser.add_argument(
            "--check",
            action="store_true",
            help="Fail if the committed fixture differs from what the source gives.",
        )

    def handle(self, *args, **options):
        try:
            text = render(Path(options["source"]), Path(options["groups"]))
        except (KeyError, ValueError) as exc:
            raise CommandError(f"The plan source is not valid: {exc}") from exc
        output = Path(options["output"])
        if options["check"]:
            if not output.exists() or output.read_text(encoding="utf-8") != text:
                raise CommandError(f"{output} is out of date: run build_plan_fixture.")
            self.stdout.write(f"{output} is up to date.")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output}.")
