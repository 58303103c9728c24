"""`make bench`: server time, SQL queries and load for every main page, at scale 1 and 20.

Destructive: it empties the database it runs on. `make bench` points it at a database of its own
(`hf_bench` on the local PostgreSQL). The figures go to docs/benchmarks.md (between this
command's markers) and docs/benchmarks-pages.json.
"""

import json
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionplan.bench import harness as benchmark
from actionplan.caching import bump_plan_content_version
from actionplan.models import NOT_REPORTED, Committee, Measure, MeasureStatus, Plan, Status
from helsefellesskap.content_versions import bump_all_content_versions

DOCS = Path(settings.BASE_DIR) / "docs"
START, END = "<!-- bench_pages:start -->", "<!-- bench_pages:end -->"
TARGETS = {
    "p50_scale1_ms": 25,
    "p50_scale20_ms": 50,
    "queries": 12,
    "rps": 400,
    "rps_scale20": 250,
    "p99_ms": 200,
    "status_update_ms": 30,
}
# The status round trip's row in the page table: a POST, held to its own p50 target.
STATUS_UPDATE = "status update (POST)"


def _url(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


def largest_committee(plan: Plan) -> Committee:
    """The committee with most measures in the plan: its page is the heaviest."""
    return (
        Committee.objects.filter(goals__plan=plan)
        .annotate(n=Count("goals__measures"))
        .order_by("-n")
        .first()
    )


def main_pages(plan: Plan) -> list[tuple[str, str | None, bool]]:
    """(name, url, needs the secretariat's log-in) for every main page, on this plan's data."""
    committee = largest_committee(plan)
    measure = Measure.objects.in_plan(plan).order_by("pk").first()
    # The filtered table must show rows at every scale (an empty page skips the row queries):
    # the committee's latest year with statuses and its commonest status then, or "not
    # reported" (the real plan's largest committee has reported no status yet).
    chosen = (
        MeasureStatus.objects.filter(
            measure__in=Measure.objects.active().in_plan(plan).filter(goal__committee=committee)
        )
        .exclude(status="")
        .values("year", "status")
        .annotate(n=Count("pk"))
        .order_by("-year", "-n")
        .first()
    ) or {"year": plan.default_year(), "status": NOT_REPORTED}
    filtered = f"?committee={committee.slug}&year={chosen['year']}&status={chosen['status']}"
    return [
        ("overview", _url("home"), False),
        ("committee (largest)", _url("actionplan:committee", committee.slug), False),
        ("plan table", _url("actionplan:table"), False),
        (
            "plan table, filtered",
            _url("actionplan:table", query=filtered),
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


def logged_in_pages(plan: Plan, committee: Committee) -> list[tuple[str, str, str]]:
    """(name, url, who) of the pages editors work on, as the editor of `committee` (the
    revision board as the secretariat, who alone may see it)."""
    measure = Measure.objects.active().in_plan(plan).filter(goal__committee=committee)
    return [
        ("overview", reverse("home"), "editor"),
        ("committee (their own)", reverse("actionplan:committee", args=[committee.slug]), "editor"),
        ("plan table", reverse("actionplan:table"), "editor"),
        ("dashboard (Utvala mine)", reverse("actionplan:dashboard"), "editor"),
        ("measure (their own)", measure.order_by("pk").first().get_absolute_url(), "editor"),
        ("revision board", reverse("actionplan:revision_board"), "secretariat"),
    ]


API_MEASURES = "/api/v1/measures"


def new_query_strings(plan: Plan, *, limit: int = 3000) -> list[str]:
    """Plan table query strings in canonical form that show rows and that nobody asked for
    yet: committee x year x status, then a search for each word of the plan's measures."""
    committees = list(
        Committee.objects.filter(goals__plan=plan).distinct().values_list("slug", flat=True)
    )
    statuses = [NOT_REPORTED, *Status.values]
    queries = [
        f"?committee={slug}&status={status}&year={year}"
        for year in plan.years
        for status in statuses
        for slug in committees
    ]
    words = set()
    for text in Measure.objects.in_plan(plan).values_list("text", flat=True)[:500]:
        words.update(w.lower() for w in text.split() if w.isalpha() and 5 <= len(w) <= 20)
    # Percent-encoded as a browser sends them: a raw æ, ø or å in the request line is refused
    # by gunicorn with a 400 before Django sees it (the non-2xx answers of earlier runs).
    queries += [f"?{urlencode({'q': word})}" for word in sorted(words)]
    return queries[:limit]


def page_verdicts(pages: dict[str, list]) -> dict[str, list[tuple]]:
    """(timing, verdict) per page and scale: "met", or which targets it missed."""
    counts: dict[str, set[int]] = {}
    for rows in pages.values():
        for row in rows:
            counts.setdefault(row.name, set()).add(row.queries)
    verdicts = {}
    for scale, rows in pages.items():
        page_limit = TARGETS["p50_scale1_ms"] if scale == "1" else TARGETS["p50_scale20_ms"]
        verdicts[scale] = []
        for row in rows:
            # The status round trip is a write, held to its own time; the query bound is the
            # pages' (it must still not grow with the plan).
            is_page = row.name != STATUS_UPDATE
            limit = page_limit if is_page else TARGETS["status_update_ms"]
            missed = [
                what
                for what, failed in [
                    ("HTTP status", row.status != 200),
                    ("p50", row.p50_ms > limit),
                    ("queries", is_page and row.queries > TARGETS["queries"]),
                    ("queries differ by scale", len(counts[row.name]) > 1),
                ]
                if failed
            ]
            verdicts[scale].append((row, "missed: " + ", ".join(missed) if missed else "met"))
    return verdicts


def rendered_verdicts(rendered: dict[str, list]) -> dict[str, list[tuple]]:
    """(timing, verdict) of the logged-in and uncached rows: the uncached p50 target of the
    scale, and the query bound."""
    verdicts = {}
    for scale, rows in rendered.items():
        limit = TARGETS["p50_scale1_ms"] if scale == "1" else TARGETS["p50_scale20_ms"]
        verdicts[scale] = []
        for row in rows:
            missed = [
                what
                for what, failed in [
                    ("HTTP status", row.status != 200),
                    ("uncached p50", row.uncached_p50_ms > limit),
                    ("queries", row.queries > TARGETS["queries"]),
                ]
                if failed
            ]
            verdicts[scale].append((row, "missed: " + ", ".join(missed) if missed else "met"))
    return verdicts


def load_target(row) -> str:
    """The load target of a wrk run, in words."""
    if row.kind == "new query":
        return "none under load (see the uncached p50)"
    rps = TARGETS["rps"] if row.scale == 1 or row.kind == "cached" else TARGETS["rps_scale20"]
    return f"≥ {rps} req/s, p99 ≤ {TARGETS['p99_ms']} ms"


def load_verdict(row) -> str:
    """ "met", or which load targets a wrk run missed."""
    rps = TARGETS["rps"] if row.scale == 1 or row.kind == "cached" else TARGETS["rps_scale20"]
    timed = row.kind != "new query"
    if not timed and not row.errors:
        return "–"
    missed = [
        what
        for what, failed in [
            ("requests/s", timed and row.requests_per_s < rps),
            ("p99", timed and row.p99_ms > TARGETS["p99_ms"]),
            ("errors", row.errors > 0),
        ]
        if failed
    ]
    return "missed: " + ", ".join(missed) if missed else "met"


def make_current(plan: Plan) -> None:
    """Let the public pages show this plan."""
    Plan.objects.exclude(pk=plan.pk).update(ended=True)
    Plan.objects.filter(pk=plan.pk).update(ended=False)
    bump_plan_content_version()  # update() sends no signal


NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


class Command(BaseCommand):
    help = "Benchmark every main page at scale 1 and 20 (empties the database!)."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument(
            "--uncached-requests",
            type=int,
            default=15,
            help="requests per page timed each right after an edit",
        )
        parser.add_argument("--scales", default="1,20")
        parser.add_argument("--load-seconds", type=int, default=10)
        parser.add_argument("--connections", type=int, default=32)
        # On 2 cores shared with wrk, 2 sync workers served the cached pages fastest and with
        # the shortest tail (sync 2-5 and gthread 2-4 x 2-8 threads tried; gthread keeps wrk's
        # connections alive and reached more requests/s, but its p99 was 2-3x longer).
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
        parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
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
        run.machine["cache"] = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        if run.machine["cache"] != "RedisCache":
            self.stderr.write("Warning: the cache is not Redis (set REDIS_URL): not as production.")
        started = time.monotonic()
        self.not_available = run.extra.setdefault("not_available", [])
        for scale in [int(s) for s in options["scales"].split(",")]:
            plan = self.prepare(scale)
            run.pages[str(scale)] = self.main_page_rows(plan, scale, options)
            if scale == 1:
                # Before the secretariat has an authenticator (people()): the admin would ask
                # for its code.
                run.references = self.references(plan, options["requests"])
            committee = largest_committee(plan)
            people = self.people(committee)
            queries = new_query_strings(plan)
            measured_here = queries[: options["requests"] + 1]
            run.rendered[str(scale)] = self.rendered_rows(
                plan, scale, people, measured_here, options
            )
            if not options["skip_load"]:
                # Overview and plan table cached for anonymous visitors: the busiest pages.
                cached = [("overview", "/"), ("plan table", reverse("actionplan:table"))]
                targets = [
                    *(benchmark.LoadTarget(name, url) for name, url in cached if scale == 1),
                    benchmark.LoadTarget(
                        "plan table, new query string",
                        reverse("actionplan:table"),
                        kind="new query",
                        paths=tuple(
                            reverse("actionplan:table") + q for q in queries[len(measured_here) :]
                        ),
                    ),
                    benchmark.LoadTarget("API measures list", API_MEASURES, kind="rendered"),
                    *(
                        benchmark.LoadTarget(
                            name, url, who=who, kind="rendered", cookie=people[who][1]
                        )
                        for name, url, who in logged_in_pages(plan, committee)
                    ),
                ]
                results, why = benchmark.run_load(
                    targets,
                    connections=options["connections"],
                    seconds=options["load_seconds"],
                    workers=options["workers"],
                    worker_class=options["worker_class"],
                    threads=options["threads"],
                    scale=scale,
                    secret_key=settings.SECRET_KEY,
                )
                run.load += results
                run.extra["server"] = self.server_description(options)
                if why:
                    self.stderr.write(f"Load test skipped: {why}")
                for result in results:
                    self.stdout.write(
                        f"  load scale {scale} {result.name} ({result.who}): "
                        f"{result.requests_per_s} req/s, p50 {result.p50_ms} ms, "
                        f"p99 {result.p99_ms} ms, {result.errors} errors {result.error_detail}"
                    )
        run.extra["load_average_end"] = benchmark.machine_load()
        run.extra["pages_seconds"] = round(time.monotonic() - started)
        self.write(run, options["output_dir"])
        if not options["skip_report"]:
            call_command("bench_report")

    def main_page_rows(self, plan, scale, options) -> list[benchmark.PageTiming]:
        """Every main page, anonymous (the revision board as the secretariat), warm and
        uncached, and the status round trip."""
        # A page that fails is reported with its status, not the end of the run.
        client = Client(raise_request_exception=False)
        secretariat = self.secretariat()
        rows = []
        for name, url, login in main_pages(plan):
            if url is None:
                self.stdout.write(f"  {name}: not available in this build")
                if name not in self.not_available:
                    self.not_available.append(name)
                continue
            client.force_login(secretariat) if login else client.logout()
            timing = benchmark.time_page(
                client,
                name,
                url,
                requests=options["requests"],
                invalidate=bump_all_content_versions,
                uncached_requests=options["uncached_requests"],
                who="secretariat" if login else "anonymous",
            )
            rows.append(timing)
            self.report_row(scale, timing)
        rows.append(self.status_round_trip(plan, options["requests"]))
        return rows

    def rendered_rows(
        self, plan, scale, people, new_queries, options
    ) -> list[benchmark.PageTiming]:
        """The pages as their editors see them (never from the page cache), warm and right
        after an edit; the plan table on query strings nobody asked for; the API's list."""
        committee = largest_committee(plan)
        rows = []
        for name, url, who in logged_in_pages(plan, committee):
            timing = benchmark.time_page(
                people[who][0],
                name,
                url,
                requests=options["requests"],
                invalidate=bump_all_content_versions,
                uncached_requests=options["uncached_requests"],
                who=who,
            )
            rows.append(timing)
            self.report_row(scale, timing)
        anonymous = Client(raise_request_exception=False)
        table = reverse("actionplan:table")
        rows.append(
            benchmark.time_first_requests(
                anonymous, "plan table, new query string", [table + q for q in new_queries]
            )
        )
        rows.append(
            benchmark.time_page(
                anonymous,
                "API measures list",
                API_MEASURES,
                requests=options["requests"],
                invalidate=bump_all_content_versions,
                uncached_requests=options["uncached_requests"],
            )
        )
        for row in rows[-2:]:
            self.report_row(scale, row)
        return rows

    def report_row(self, scale, timing) -> None:
        self.stdout.write(
            f"  {scale} {timing.name} ({timing.who}): p50 {timing.p50_ms} ms, "
            f"p95 {timing.p95_ms} ms, CPU {timing.cpu_p50_ms} ms, "
            f"uncached p50 {timing.uncached_p50_ms} ms, {timing.queries} queries ({timing.status})"
        )

    def people(self, committee) -> dict[str, tuple[Client, str]]:
        """A logged-in client and its session cookie (for wrk) for "editor", who edits
        `committee`, and "secretariat", with a verified second factor as it must have."""
        editor, _ = get_user_model().objects.get_or_create(username="bench-committee-editor")
        committee.editors.add(editor)
        secretariat = self.secretariat()
        device, _ = TOTPDevice.objects.get_or_create(
            user=secretariat, name="bench", defaults={"confirmed": True}
        )
        people = {}
        for who, user in (("editor", editor), ("secretariat", secretariat)):
            client = Client(raise_request_exception=False)
            client.force_login(user)
            if who == "secretariat":
                session = client.session
                session[DEVICE_ID_SESSION_KEY] = device.persistent_id
                session.save()
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            people[who] = (client, f"{settings.SESSION_COOKIE_NAME}={cookie}")
        return people

    @staticmethod
    def server_description(options) -> str:
        """How gunicorn ran, for the load table ("2 sync workers", "3 gthread workers x 8")."""
        described = f"{options['workers']} {options['worker_class']} workers"
        if options["worker_class"] == "gthread":
            described += f" x {options['threads']} threads"
        return described

    def prepare(self, scale: int) -> Plan:
        """An empty database with the real plan, plus a synthetic plan of this scale if > 1."""
        call_command("flush", interactive=False, verbosity=0)
        # The page cache's budget and the sessions of the last run go too (its own Redis
        # database under `make bench`).
        cache.clear()
        call_command("load_real_plan", verbosity=0)
        plan = Plan.objects.current()
        if scale > 1:
            from actionplan.synthetic import make_synthetic_plan

            plan = make_synthetic_plan(scale=scale, seed=2026)
            make_current(plan)
        return plan

    def status_round_trip(self, plan: Plan, requests: int) -> benchmark.PageTiming:
        """A committee editor saves a measure's status in place (htmx), as the committee page
        does: POST to the saved cell. Every POST changes the status."""
        measure = Measure.objects.active().in_plan(plan).select_related("goal").order_by("pk")[0]
        editor, _ = get_user_model().objects.get_or_create(username="bench-editor")
        measure.goal.committee.editors.add(editor)
        # The year editors report on; a locked one would show as HTTP 403 in the table.
        year = plan.default_year()
        saved = MeasureStatus.objects.filter(measure=measure, year=year).first()
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        url = reverse("actionplan:status_update", args=[measure.pk, year])
        send = benchmark.StatusToggle(
            client,
            url,
            status=saved.status if saved else "",
            version=saved.version if saved else 0,
        )
        timing = benchmark.time_requests(STATUS_UPDATE, url, send, requests=requests)
        self.stdout.write(
            f"  {STATUS_UPDATE}: p50 {timing.p50_ms} ms, p95 {timing.p95_ms} ms, "
            f"CPU {timing.cpu_p50_ms} ms, {timing.queries} queries ({timing.status})"
        )
        return timing

    def secretariat(self):
        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_superuser": True, "is_staff": True}
        )
        return user

    def references(self, plan, requests) -> dict:
        """The plan table (uncached) beside a plain template of the same rows and the admin
        changelist.

        The plain page (actionplan/bench/urls.py) is served by the same stack: it finds
        the current plan, queries the same rows and renders them in the base layout, so the
        ratio is what django-tables2, the filters, sorting and pagination add."""

        def page(url):
            def get():
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")

            return get

        client = Client(raise_request_exception=False)
        secretariat = self.secretariat()
        # Uncached: the comparison is about rendering the rows, which the cache would hide.
        # In turn, request by request, so that the machine's load touches both alike.
        with override_settings(CACHES=NO_CACHE, ROOT_URLCONF="actionplan.bench.urls"):
            pages = {
                "table": page(reverse("actionplan:table")),
                "plain": page(reverse("bench_plain_plan_table")),
            }
            timed = benchmark.time_alternately(pages, requests=requests)
        (table_ms, table_cpu_ms), (plain_ms, plain_cpu_ms) = timed["table"], timed["plain"]
        admin_ms = None
        admin_url = _url("admin:actionplan_measure_changelist")
        if admin_url:
            client.force_login(secretariat)
            # The render is measured, not the second-factor gate in front of /admin/.
            with override_settings(TWO_FACTOR_PROTECTED_PATHS=[]):
                admin = benchmark.time_page(client, "admin", admin_url, requests=requests)
            admin_ms = admin.p50_ms if admin.status == 200 else None
            client.logout()
        return {
            "plan_table_ms": table_ms,
            "plain_template_ms": plain_ms,
            "plan_table_cpu_ms": table_cpu_ms,
            "plain_template_cpu_ms": plain_cpu_ms,
            "admin_changelist_ms": admin_ms,
            "table_vs_plain": round(table_ms / plain_ms, 2) if plain_ms else None,
            "table_vs_plain_cpu": round(table_cpu_ms / plain_cpu_ms, 2) if plain_cpu_ms else None,
            "table_vs_admin": round(table_ms / admin_ms, 2) if admin_ms else None,
        }

    def write(self, run: benchmark.BenchRun, docs: Path) -> None:
        docs.mkdir(parents=True, exist_ok=True)
        (docs / "benchmarks-pages.json").write_text(json.dumps(run.as_dict(), indent=2) + "\n")
        context = {
            "run": run,
            "pages": page_verdicts(run.pages),
            "rendered": rendered_verdicts(run.rendered),
            "load": [(row, load_target(row), load_verdict(row)) for row in run.load],
            "targets": TARGETS,
            "status_update": STATUS_UPDATE,
            "load_start": ", ".join(str(n) for n in run.machine.get("load_average", [])),
            "load_end": ", ".join(str(n) for n in run.extra.get("load_average_end", [])),
        }
        section = render_to_string("bench/pages.md", context).strip()
        path = docs / "benchmarks.md"
        benchmark.write_between_markers(path, START, END, section)
        self.stdout.write(f"Wrote {path}")
