"""Concurrent editors against one host (docs/scaling.md, "Known limits").

Destructive: it empties the database it runs on (`make bench-editors` gives it one of its own).
Without `--levels` it ramps the number of editors until p99 passes 200 ms and reports the last
level that kept it. The table goes to docs/scaling.md between this command's markers, with the
machine's load average, and the raw figures to artifacts/bench_editors.json.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection
from django.template.loader import render_to_string

from actionplan.bench.editors import TARGET_P99_MS, last_kept, measure_levels, ramp
from actionplan.bench.harness import describe_machine, machine_load, write_between_markers
from actionplan.models import Measure, Plan

OUTPUT = Path(settings.BASE_DIR) / "artifacts" / "bench_editors.json"
SCALING = Path(settings.BASE_DIR) / "docs" / "scaling.md"
START, END = "<!-- bench_editors:start -->", "<!-- bench_editors:end -->"


class Command(BaseCommand):
    help = "Up to how many concurrent editors one host keeps p99 ≤ 200 ms (empties the database!)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--levels", default="", help="fixed numbers of editors (default: ramp until p99 passes)"
        )
        parser.add_argument("--max-editors", type=int, default=64, help="where the ramp stops")
        parser.add_argument("--seconds", type=int, default=20, help="per level")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--reads-per-save", type=int, default=1)
        parser.add_argument("--docs", type=Path, default=SCALING, help="Markdown file to write")
        parser.add_argument("--no-docs", action="store_true", help="print only")
        parser.add_argument("--yes", action="store_true", help="Do not ask before emptying.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("bench_editors empties the database: run it with --yes.")
        if connection.vendor != "postgresql":
            self.stderr.write("Warning: not PostgreSQL; the figures are not the reference ones.")
        fixed = [int(n) for n in options["levels"].split(",") if n.strip()]
        limit = max(fixed) if fixed else options["max_editors"]
        machine = describe_machine()
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_real_plan", verbosity=0)
        plan = Plan.objects.current()
        year = next(y for y in reversed(plan.years) if not plan.is_year_locked(y))
        measures = list(
            Measure.objects.active()
            .filter(goal__plan=plan)
            .select_related("goal__committee")
            .order_by("pk")[:limit]
        )
        if fixed and len(measures) < limit:
            raise CommandError(f"the plan has only {len(measures)} measures, one per editor")
        limit = min(limit, len(measures))
        pairs = []
        for n, measure in enumerate(measures):
            user = get_user_model().objects.create_user(f"bench-editor-{n}")
            measure.goal.committee.editors.add(user)
            pairs.append((user, measure))

        results = measure_levels(
            pairs,
            year,
            levels=fixed or (lambda results: ramp(results, limit=limit)),
            seconds=options["seconds"],
            workers=options["workers"],
            reads_per_save=options["reads_per_save"],
            report=self.print_level,
        )
        kept = last_kept(results)
        first_missed = min(
            (row for row in results if not row.keeps_target),
            key=lambda row: row.editors,
            default=None,
        )
        self.stdout.write(
            f"Last level that kept p99 ≤ {TARGET_P99_MS} ms: "
            + (f"{kept.editors} editors" if kept else "none (not even one editor)")
        )
        summary = {
            "machine": machine,
            "load_average_end": machine_load(),
            "server": f"gunicorn, {options['workers']} sync workers, loopback",
            "reads per save": options["reads_per_save"],
            "seconds per level": options["seconds"],
            "max editors": limit,
            "last level keeping p99": kept.editors if kept else None,
            "levels": [row.as_dict() for row in results],
        }
        OUTPUT.parent.mkdir(exist_ok=True)
        OUTPUT.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n")
        self.stdout.write(f"Written to {OUTPUT}")
        if not options["no_docs"]:
            self.write(summary, results, kept, first_missed, options["docs"])

    def print_level(self, row) -> None:
        verdict = "keeps" if row.keeps_target else "misses"
        self.stdout.write(
            f"{row.editors:>3} editors: {row.requests_per_s} req/s "
            f"({row.saves_per_s} saves/s), p50 {row.p50_ms} ms, p99 {row.p99_ms} ms "
            f"(page {row.read_p99_ms}, save {row.save_p99_ms}), {row.errors} errors, "
            f"server CPU {row.server_cpu_ms_per_request} ms/request, "
            f"load {row.load_average}: {verdict} p99 ≤ {TARGET_P99_MS} ms"
        )

    def write(self, summary, results, kept, first_missed, path: Path) -> None:
        machine = summary["machine"]
        loads = [machine.get("load_average") or [0]]
        section = render_to_string(
            "bench/editors.md",
            {
                "machine": machine,
                "server": summary["server"],
                "reads_per_save": summary["reads per save"],
                "seconds": summary["seconds per level"],
                "levels": sorted(results, key=lambda row: row.editors),
                "kept": kept,
                "first_missed": first_missed,
                "limit": summary["max editors"],
                "target": TARGET_P99_MS,
                "load_start": ", ".join(map(str, machine.get("load_average", []))),
                "load_end": ", ".join(map(str, summary["load_average_end"])),
                # Quiet: before the run, other work kept at most half the cores busy (during
                # it, this test's own server and editors load the machine by design).
                "quiet": loads[0][0] <= (os.cpu_count() or 1) / 2,
            },
        )
        write_between_markers(path, START, END, section)
        self.stdout.write(f"Wrote {path}")
