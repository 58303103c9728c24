"""Benchmark the annual report: seconds, pages and peak memory for the real plan and scale 10.

Each render runs in a fresh child process (`--child`), which lays the report's parts out in its
own pool of processes. Peak memory is the highest sum of the resident memory of that process and
its pool, sampled every 50 ms while it runs (shared pages count once per process, so this is an
upper bound); CPU seconds are those of the process and its pool together. The runs share a part
cache of their own, empty at the start: the real plan and the synthetic one are laid out from
nothing, and the re-render after one status change reuses what the first render laid out, as the
portal does. Results go to the console, to docs/benchmarks-report.json and to the report section
of docs/benchmarks.md.
"""

import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from actionplan.bench.harness import write_between_markers
from actionplan.models import Measure, MeasureStatus, Plan, Status
from actionplan.report import REPORT_LANGUAGE, build_report, render_report_pdf, report_html_parts
from actionplan.synthetic import make_synthetic_plan, synthetic_plan_size
from helsefellesskap.pdf import html_to_pdf_with_pages
from helsefellesskap.render_jobs import RenderedFile

DOCS = Path(settings.BASE_DIR) / "docs"
START, END = "<!-- bench_report:start -->", "<!-- bench_report:end -->"
# Targets from the performance issue.
TARGETS = {"real": (5.0, None), "synthetic": (45.0, 1024.0), "rerender": (2.0, None)}
# The parallel layout (parts in a pool, joined) may cost at most this much more CPU than laying
# out the same report as one document in one process.
CPU_RATIO_TARGET = 1.3
SAMPLE_SECONDS = 0.05


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
        parser.add_argument(
            "--single",
            action="store_true",
            help="(internal, with --child) lay the report out as one document, no pool.",
        )
        parser.add_argument(
            "--skip-single",
            action="store_true",
            help="Do not lay the reports out as one document (the CPU comparison).",
        )

    def handle(self, *args, scale, seed, year, no_write, child, **options):
        if child:
            self.stdout.write(json.dumps(self._render_here(child, year, single=options["single"])))
            return
        real = self._real_plan()
        synthetic = self._synthetic_plan(scale, seed)
        self.part_cache = tempfile.mkdtemp(prefix="bench-report-parts-")
        results = {"machine": machine(), "year": year, "runs": []}
        for label, plan in (("real", real), ("synthetic", synthetic)):
            run = self._render_in_child(plan, year)
            run.update(label=label, plan=plan.title, size=synthetic_plan_size(plan).__dict__)
            results["runs"].append(run)
            self._print(run)
            if not options["skip_single"]:
                single = self._render_in_child(plan, year, single=True)
                run["single_document_cpu_seconds"] = single["cpu_seconds"]
                run["single_document_seconds"] = single["seconds"]
                run["cpu_ratio"] = round(run["cpu_seconds"] / single["cpu_seconds"], 2)
                self.stdout.write(
                    f"{'':>9}  as one document: {single['seconds']} s, {single['cpu_seconds']} s "
                    f"CPU; parallel / one document: {run['cpu_ratio']} (target ≤ "
                    f"{CPU_RATIO_TARGET})"
                )
        run = self._rerender_after_one_change(real, year)
        results["runs"].append(run)
        self._print(run)
        if not no_write:
            self._write(results)

    # --- Plans to render.
    def _real_plan(self) -> Plan:
        """The real plan 2023–2026, loaded if it is not here. `make bench` leaves a synthetic
        plan as the portal's current one, so the real plan is the one that is not synthetic."""
        real = Plan.objects.exclude(title__startswith="Syntetisk").order_by("pk")
        if not real.exists():
            try:
                call_command("load_real_plan", verbosity=0)
            except Exception as error:  # the fixture may not have landed on this branch yet
                raise CommandError(f"Could not load the real plan: {error}") from error
        return real.get()

    def _synthetic_plan(self, scale, seed) -> Plan:
        title = f"Syntetisk handlingsplan (skala {scale}, frø {seed})"
        return Plan.objects.filter(title=title).first() or make_synthetic_plan(
            scale=scale, seed=seed
        )

    # --- Measuring.
    def _render_here(self, plan_id, year, single=False) -> dict:
        # Peak memory is the process's maximum resident set (the whole process, Django
        # included); tracemalloc is not used because it slows rendering several times over.
        plan = Plan.objects.get(pk=plan_id)
        # Loaded before the clock starts, as in a running worker (importing WeasyPrint alone
        # takes most of a second): the figures are the render's, not the process start-up's.
        import pikepdf  # noqa: F401
        import weasyprint  # noqa: F401

        before = _cpu_seconds()
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        rendered = (single_document_pdf if single else render_report_pdf)(plan=plan, year=year)
        seconds = time.perf_counter() - started
        return {
            "seconds": round(seconds, 2),
            # CPU time (this process and its pool) is what the render costs on idle cores;
            # wall time also counts waiting for a core on a busy machine.
            "cpu_seconds": round(_cpu_seconds() - before, 2),
            "pages": rendered.pages,
            "bytes": len(rendered.content),
            "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "pool_max_rss_mib": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
            "rss_before_render_mib": round(baseline / 1024, 1),
        }

    def _render_in_child(self, plan, year, single=False) -> dict:
        command = [sys.executable, "manage.py", "bench_report", "--child", str(plan.pk)]
        command += ["--year", str(year)] + (["--single"] if single else [])
        environment = {**os.environ, "PDF_PART_CACHE_DIR": self.part_cache}
        started = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603 - our own manage.py
            command,
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        peak = _PeakTreeMemory(child.pid)
        output, _ = child.communicate()
        peak.stop()
        if child.returncode:
            raise CommandError(f"rendering in a child process failed ({child.returncode})")
        result = json.loads(output.strip().splitlines()[-1])
        result["wall_seconds_with_startup"] = round(time.perf_counter() - started, 2)
        result["peak_total_rss_mib"] = round(peak.peak_kib / 1024, 1)
        return result

    def _rerender_after_one_change(self, plan, year) -> dict:
        """Render again after one status change (the real plan has no status yet: then the
        change is a committee reporting its first one), as the first render left the parts."""
        measure = Measure.objects.in_plan(plan).active().in_plan_order().first()
        status, created = MeasureStatus.objects.get_or_create(
            measure=measure, year=year, defaults={"status": Status.IN_PROGRESS}
        )
        previous = status.status
        if not created:
            status.status = Status.DONE if previous != Status.DONE else Status.IN_PROGRESS
            status.save()
        try:
            run = self._render_in_child(plan, year)
        finally:
            if created:  # benchmark data only: leave the plan as it was
                status.delete()
            else:
                status.status = previous
                status.save()
        run.update(label="rerender", plan=f"{plan.title}, after one status change")
        return run

    def _print(self, run):
        self.stdout.write(
            f"{run['label']:>9}: {run['seconds']:6.2f} s ({run.get('cpu_seconds', '?')} s CPU), "
            f"{run['pages']} pages, peak memory {run['peak_total_rss_mib']} MiB in all "
            f"(render process {run['max_rss_mib']}, largest pool process "
            f"{run['pool_max_rss_mib']}, before rendering {run['rss_before_render_mib']})"
        )

    # --- Writing it down.
    def _write(self, results):
        DOCS.mkdir(exist_ok=True)
        (DOCS / "benchmarks-report.json").write_text(json.dumps(results, indent=2) + "\n")
        m = results["machine"]
        lines = [
            "### Figures (written by `bench_report`)",
            "",
            f"`python manage.py bench_report` on {m['nproc']} × {m['cpu']}, {m['ram_gib']} GiB "
            f"RAM, Python {m['python']}, {m['database']}; load average at the start "
            f"{' / '.join(map(str, m['load_average']))} (the machine is shared). Revision year "
            f"{results['year']}. Each render runs in a fresh process with its own pool of "
            "layout processes; seconds are build + layout + joining, without process start-up; "
            "CPU s counts the pool too; peak memory is the highest sum over the process and its "
            "pool, sampled every 50 ms.",
            "",
            "| run | plan size (committees / measures) | wall s | CPU s | target s | pages | "
            "peak memory MiB | target | render process / largest pool process MiB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for run in results["runs"]:
            seconds_target, memory_target = TARGETS[run["label"]]
            size = run.get("size") or {}
            lines.append(
                f"| {run['label']} | {size.get('committees', '–')} / {size.get('measures', '–')} "
                f"| {run['seconds']} | {run.get('cpu_seconds', '–')} | ≤ {seconds_target:g} "
                f"| {run['pages']} "
                f"| {run['peak_total_rss_mib']} "
                f"| {f'≤ {memory_target:g}' if memory_target else '–'} "
                f"| {run['max_rss_mib']} / {run['pool_max_rss_mib']} |"
            )
        ratios = [run for run in results["runs"] if "cpu_ratio" in run]
        if ratios:
            lines += [
                "",
                "The CPU the parallel layout costs against laying the same report out as one "
                "document in one process (one WeasyPrint document of every part's body, no pool, "
                f"no part cache; target ≤ {CPU_RATIO_TARGET}):",
                "",
                "| run | parallel CPU s | one document CPU s | one document wall s | ratio "
                "| target |",
                "| --- | ---: | ---: | ---: | ---: | --- |",
            ]
            for run in ratios:
                verdict = "met" if run["cpu_ratio"] <= CPU_RATIO_TARGET else "missed"
                lines.append(
                    f"| {run['label']} | {run['cpu_seconds']} | "
                    f"{run['single_document_cpu_seconds']} | {run['single_document_seconds']} | "
                    f"{run['cpu_ratio']} | ≤ {CPU_RATIO_TARGET} ({verdict}) |"
                )
        lines += ["", "Raw figures: `docs/benchmarks-report.json`."]
        path = DOCS / "benchmarks.md"
        write_between_markers(path, START, END, "\n".join(lines))
        self.stdout.write(f"Wrote {path} and {DOCS / 'benchmarks-report.json'}")


def single_document_pdf(*, plan, year) -> RenderedFile:
    """The annual report laid out as one WeasyPrint document in this process: the cover and
    every part's body in one HTML document, as a reference for what the parts cost."""
    with translation.override(REPORT_LANGUAGE):
        report = build_report(plan=plan, year=year)
        parts = list(report_html_parts(report))
    head = parts[0].split("<body>", 1)[0]
    bodies = [re.search(r"<body>(.*)</body>", part, re.S).group(1) for part in parts]
    content, pages = html_to_pdf_with_pages(f"{head}<body>{''.join(bodies)}</body></html>")
    return RenderedFile(content=content, pages=pages)


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the layout pool)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    pool = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + pool.ru_utime + pool.ru_stime


class _PeakTreeMemory:
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int):
        self.pid, self.peak_kib = pid, 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stopped.wait(SAMPLE_SECONDS):
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.pid))


def _tree_rss_kib(root: int) -> int:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # The parent pid is the 4th field, after the command name in parentheses.
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total
