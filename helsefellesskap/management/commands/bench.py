"""`make bench`: server time, SQL queries and load for every main page, at scale 1 and 20.

Destructive: it empties the database it runs on. `make bench` points it at a database of its own
(`hf_bench` on the local PostgreSQL). The figures go to docs/benchmarks.md (between this
command's markers) and docs/benchmarks-pages.json.
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.template.loader import render_to_string
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from actionplan.models import Committee, Measure, Plan
from helsefellesskap import benchmark

DOCS = Path(settings.BASE_DIR) / "docs"
START, END = "<!-- bench_pages:start -->", "<!-- bench_pages:end -->"
TARGETS = {"p50_scale1_ms": 25, "p50_scale20_ms": 50, "queries": 12, "rps": 400, "p99_ms": 200}


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def main_pages(plan: Plan) -> list[tuple[str, str | None, bool]]:
    """(name, url, needs the secretariat's log-in) for every main page, on this plan's data."""
    committee = (
        Committee.objects.filter(goals__plan=plan)
        .annotate(n=Count("goals__measures"))
        .order_by("-n")
        .first()
    )
    measure = Measure.objects.in_plan(plan).order_by("pk").first()
    year = plan.default_year()
    return [
        ("overview", _url("home"), False),
        ("committee (largest)", _url("actionplan:committee", committee.slug), False),
        ("plan table", _url("actionplan:table"), False),
        (
            "plan table, filtered",
            _url("actionplan:table", query=f"?committee={committee.pk}&year={year}&status=done"),
            False,
        ),
        ("plan table, text search", _url("actionplan:table", query="?q=samarbeid"), False),
        ("measure", _url("actionplan:measure", measure.pk), False),
        ("revision board", _url("actionplan:revision_board"), True),
        ("meeting list", _url("meetings:upcoming"), False),
        ("action points", _url("meetings:action_points"), False),
        ("calendar feed (.ics)", _url("meetings:calendar_feed"), False),
        ("guideline library, search", _url("guidelines:library", query="?q=pasient"), False),
    ]


def make_current(plan: Plan) -> None:
    """Let the public pages show this plan."""
    Plan.objects.exclude(pk=plan.pk).update(ended=True)
    Plan.objects.filter(pk=plan.pk).update(ended=False)


class Command(BaseCommand):
    help = "Benchmark every main page at scale 1 and 20 (empties the database!)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--scales", default="1,20")
        parser.add_argument("--load-seconds", type=int, default=20)
        parser.add_argument("--connections", type=int, default=32)
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--skip-report", action="store_true")
        parser.add_argument("--yes", action="store_true", help="Do not ask before emptying.")
        parser.add_argument("--output-dir", type=Path, default=DOCS)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stderr.write("Warning: not PostgreSQL; the figures are not the reference ones.")
        if not options["yes"]:
            raise CommandError("bench empties the database: run it with --yes (make bench does).")
        translation.activate(settings.LANGUAGE_CODE)
        run = benchmark.BenchRun(machine=benchmark.describe_machine())
        client = Client()
        for scale in [int(s) for s in options["scales"].split(",")]:
            plan = self.prepare(scale)
            secretariat = self.secretariat()
            rows = []
            for name, url, login in main_pages(plan):
                if url is None:
                    self.stdout.write(f"  {name}: not available in this build")
                    continue
                client.force_login(secretariat) if login else client.logout()
                timing = benchmark.time_page(client, name, url, requests=options["requests"])
                rows.append(timing)
                self.stdout.write(
                    f"  scale {scale} {name}: p50 {timing.p50_ms} ms, p95 {timing.p95_ms} ms, "
                    f"{timing.queries} queries ({timing.status})"
                )
            run.pages[str(scale)] = rows
            if scale == 1:
                run.references = self.references(plan, client, secretariat, options["requests"])
                if not options["skip_load"]:
                    run.load, why = benchmark.run_load(
                        [("overview", "/"), ("plan table", reverse("actionplan:table"))],
                        connections=options["connections"],
                        seconds=options["load_seconds"],
                    )
                    if why:
                        self.stderr.write(f"Load test skipped: {why}")
        self.write(run, options["output_dir"])
        if not options["skip_report"]:
            call_command("bench_report")

    def prepare(self, scale: int) -> Plan:
        """An empty database with the real plan, plus a synthetic plan of this scale if > 1."""
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_real_plan", verbosity=0)
        plan = Plan.objects.current()
        if scale > 1:
            from actionplan.synthetic import make_synthetic_plan

            plan = make_synthetic_plan(scale=scale, seed=2026)
            make_current(plan)
        return plan

    def secretariat(self):
        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_superuser": True, "is_staff": True}
        )
        return user

    def references(self, plan, client, secretariat, requests) -> dict:
        """The plan table beside a plain template of the same rows and the admin changelist."""
        rows = list(Measure.objects.active().in_plan(plan).for_plan_table(plan)[:50])
        years = plan.years

        def plain():
            return render_to_string(
                "actionplan/bench_plain_table.html", {"measures": rows, "years": years}
            )

        client.logout()
        table = benchmark.time_page(
            client, "plan table", reverse("actionplan:table"), requests=requests
        )
        plain_ms = benchmark.time_callable(plain, requests=requests)
        client.force_login(secretariat)
        admin = benchmark.time_page(
            client, "admin", reverse("admin:actionplan_measure_changelist"), requests=requests
        )
        return {
            "plan_table_ms": table.p50_ms,
            "plain_template_ms": plain_ms,
            "admin_changelist_ms": admin.p50_ms,
            "table_vs_plain": round(table.p50_ms / plain_ms, 2) if plain_ms else None,
            "table_vs_admin": round(table.p50_ms / admin.p50_ms, 2) if admin.p50_ms else None,
        }

    def write(self, run: benchmark.BenchRun, docs: Path) -> None:
        docs.mkdir(parents=True, exist_ok=True)
        (docs / "benchmarks-pages.json").write_text(json.dumps(run.as_dict(), indent=2) + "\n")
        section = render_to_string("bench/pages.md", {"run": run, "targets": TARGETS}).strip()
        path = docs / "benchmarks.md"
        text = path.read_text() if path.exists() else "# Benchmarks\n"
        block = f"{START}\n{section}\n{END}"
        if START in text and END in text:
            head, rest = text.split(START, 1)
            text = head + block + rest.split(END, 1)[1]
        else:
            text = text.rstrip() + "\n\n" + block + "\n"
        path.write_text(text)
        self.stdout.write(f"Wrote {path}")
