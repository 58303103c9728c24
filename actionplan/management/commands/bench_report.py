"""Benchmark the annual report: seconds, pages and peak memory for the real plan and scale 10.

Each render runs in a fresh child process (`--child`), so its peak resident memory
(getrusage maxrss) is its own and not an earlier render's. Results go to the console, to
docs/benchmarks-report.json and to the report section of docs/benchmarks.md.
"""

import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from actionplan.models import MeasureStatus, Plan, Status
from actionplan.report import render_report_pdf
from actionplan.synthetic import make_synthetic_plan, synthetic_plan_size

DOCS = Path(settings.BASE_DIR) / "docs"
START, END = "<!-- bench_report:start -->", "<!-- bench_report:end -->"
# Targets from the performance issue.
TARGETS = {"real": (5.0, None), "synthetic": (60.0, 1024.0), "rerender": (2.0, None)}


def machine() -> dict:
    """Where the numbers came from."""
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1).strip() if match else cpu
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_gib, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
    }


class Command(BaseCommand):
    help = "Time and peak memory of rendering the annual report (real plan and a synthetic one)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--year", type=int, default=2024)
        parser.add_argument("--no-write", action="store_true", help="Only print the numbers.")
        parser.add_argument(
            "--child",
            type=int,
            # internal: render one plan, print JSON
            help="(internal) render the plan with this id in this process and print the result.",
        )

    def handle(self, *args, scale, seed, year, no_write, child, **options):
        if child:
            self.stdout.write(json.dumps(self._render_here(child, year)))
            return
        real = self._real_plan()
        synthetic = self._synthetic_plan(scale, seed)
        results = {"machine": machine(), "year": year, "runs": []}
        for label, plan in (("real", real), ("synthetic", synthetic)):
            run = self._render_in_child(plan, year)
            run.update(label=label, plan=plan.title, size=synthetic_plan_size(plan).__dict__)
            results["runs"].append(run)
            self._print(run)
        run = self._rerender_after_one_change(real, year)
        results["runs"].append(run)
        self._print(run)
        if not no_write:
            self._write(results)

    # --- Plans to render.
    def _real_plan(self) -> Plan:
        plan = Plan.objects.filter(ended=False).exclude(title__startswith="Syntetisk").first()
        if plan is None:
            try:
                call_command("load_real_plan", verbosity=0)
            except Exception as error:  # the fixture may not have landed on this branch yet
                raise CommandError(f"Could not load the real plan: {error}") from error
            plan = Plan.objects.current()
        return plan

    def _synthetic_plan(self, scale, seed) -> Plan:
        title = f"Syntetisk handlingsplan (skala {scale}, frø {seed})"
        return Plan.objects.filter(title=title).first() or make_synthetic_plan(
            scale=scale, seed=seed
        )

    # --- Measuring.
    def _render_here(self, plan_id, year) -> dict:
        # Peak memory is the process's maximum resident set (the whole process, Django
        # included); tracemalloc is not used because it slows rendering several times over.
        plan = Plan.objects.get(pk=plan_id)
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        rendered = render_report_pdf(plan=plan, year=year)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        baseline = before.ru_maxrss
        return {
            "seconds": round(seconds, 2),
            # CPU time is what the render costs on an idle core; wall time also counts waiting
            # for a core on a busy machine.
            "cpu_seconds": round(
                after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2
            ),
            "pages": rendered.pages,
            "bytes": len(rendered.content),
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "rss_before_render_mib": round(baseline / 1024, 1),
        }

    def _render_in_child(self, plan, year) -> dict:
        command = [sys.executable, "manage.py", "bench_report", "--child", str(plan.pk)]
        command += ["--year", str(year)]
        started = time.perf_counter()
        output = subprocess.run(  # noqa: S603 - our own manage.py
            command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        result["wall_seconds_with_startup"] = round(time.perf_counter() - started, 2)
        return result

    def _rerender_after_one_change(self, plan, year) -> dict:
        status = MeasureStatus.objects.filter(measure__goal__plan=plan, year=year).first()
        previous = status.status if status else ""
        if status:
            status.status = Status.DONE if previous != Status.DONE else Status.IN_PROGRESS
            status.save()
        try:
            run = self._render_in_child(plan, year)
        finally:
            if status:
                status.status = previous
                status.save()
        run.update(label="rerender", plan=f"{plan.title}, after one status change")
        return run

    def _print(self, run):
        self.stdout.write(
            f"{run['label']:>9}: {run['seconds']:6.2f} s ({run.get('cpu_seconds', '?')} s CPU), "
            f"{run['pages']} pages, "
            f"peak RSS {run['max_rss_mib']} MiB (before rendering {run['rss_before_render_mib']})"
        )

    # --- Writing it down.
    def _write(self, results):
        DOCS.mkdir(exist_ok=True)
        (DOCS / "benchmarks-report.json").write_text(json.dumps(results, indent=2) + "\n")
        m = results["machine"]
        lines = [
            START,
            "### Figures (written by `bench_report`)",
            "",
            f"`python manage.py bench_report` on {m['nproc']} × {m['cpu']}, {m['ram_gib']} GiB "
            f"RAM, Python {m['python']}, {m['database']}; load average at the start "
            f"{' / '.join(map(str, m['load_average']))} (the machine is shared). Revision year "
            f"{results['year']}. Each render runs in a fresh process; seconds are build + "
            "layout + PDF writing, without process start-up.",
            "",
            "| run | plan size (committees / measures) | wall s | CPU s | target s | pages | "
            "peak RSS MiB | target | RSS before rendering MiB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for run in results["runs"]:
            seconds_target, memory_target = TARGETS[run["label"]]
            size = run.get("size") or {}
            lines.append(
                f"| {run['label']} | {size.get('committees', '–')} / {size.get('measures', '–')} "
                f"| {run['seconds']} | {run.get('cpu_seconds', '–')} | ≤ {seconds_target:g} "
                f"| {run['pages']} "
                f"| {run['max_rss_mib']} | {f'≤ {memory_target:g}' if memory_target else '–'} "
                f"| {run['rss_before_render_mib']} |"
            )
        lines += ["", "Raw figures: `docs/benchmarks-report.json`.", END]
        section = "\n".join(lines)
        path = DOCS / "benchmarks.md"
        text = path.read_text() if path.exists() else "# Benchmarks\n"
        if START in text and END in text:
            text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        path.write_text(text)
        self.stdout.write(f"Wrote {path} and {DOCS / 'benchmarks-report.json'}")
