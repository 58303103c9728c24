"""Concurrent editors against one host (docs/scaling.md, "Known limits")."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection

from actionplan.bench.editors import TARGET_P99_MS, measure_levels
from actionplan.bench.harness import describe_machine
from actionplan.models import Measure, Plan

OUTPUT = Path(settings.BASE_DIR) / "artifacts" / "bench_editors.json"


class Command(BaseCommand):
    help = "Up to how many concurrent editors one host keeps p99 ≤ 200 ms (empties the database!)."

    def add_arguments(self, parser):
        parser.add_argument("--levels", default="1,2,4,8,16,32", help="numbers of editors")
        parser.add_argument("--seconds", type=int, default=20, help="per level")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--reads-per-save", type=int, default=1)
        parser.add_argument("--yes", action="store_true", help="Do not ask before emptying.")

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError("bench_editors empties the database: run it with --yes.")
        if connection.vendor != "postgresql":
            self.stderr.write("Warning: not PostgreSQL; the figures are not the reference ones.")
        levels = [int(n) for n in options["levels"].split(",")]
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_real_plan", verbosity=0)
        plan = Plan.objects.current()
        year = next(y for y in reversed(plan.years) if not plan.is_year_locked(y))
        measures = list(
            Measure.objects.active()
            .filter(goal__plan=plan)
            .select_related("goal__committee")
            .order_by("pk")[: max(levels)]
        )
        if len(measures) < max(levels):
            raise CommandError(f"the plan has only {len(measures)} measures, one per editor")
        pairs = []
        for n, measure in enumerate(measures):
            user = get_user_model().objects.create_user(f"bench-editor-{n}")
            measure.goal.committee.editors.add(user)
            pairs.append((user, measure))

        results = measure_levels(
            pairs,
            year,
            levels=levels,
            seconds=options["seconds"],
            workers=options["workers"],
            reads_per_save=options["reads_per_save"],
        )
        for row in results:
            verdict = "keeps" if row.keeps_target else "misses"
            self.stdout.write(
                f"{row.editors:>3} editors: {row.requests_per_s} req/s "
                f"({row.saves_per_s} saves/s), p50 {row.p50_ms} ms, p99 {row.p99_ms} ms "
                f"(page {row.read_p99_ms}, save {row.save_p99_ms}), {row.errors} errors, "
                f"server CPU {row.server_cpu_ms_per_request} ms/request, "
                f"load {row.load_average}: {verdict} p99 ≤ {TARGET_P99_MS} ms"
            )
        OUTPUT.parent.mkdir(exist_ok=True)
        OUTPUT.write_text(
            json.dumps(
                {
                    "machine": describe_machine(),
                    "server": f"gunicorn, {options['workers']} sync workers, loopback",
                    "reads per save": options["reads_per_save"],
                    "levels": [row.as_dict() for row in results],
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
            + "\n"
        )
        self.stdout.write(f"Written to {OUTPUT}")
