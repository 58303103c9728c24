"""The benchmark harness: reading wrk's output, and `manage.py bench` writing its figures."""

import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from actionplan.bench.harness import PageTiming, parse_wrk, percentile
from actionplan.management.commands.bench import STATUS_UPDATE, page_verdicts
from actionplan.models import MeasureStatus
from tests.factories import make_plan_with_measures

# Captured from `wrk --latency -t2 -c4 -d2s` against a server answering 404.
WRK_NOT_FOUND = """\
Running 2s test @ http://127.0.0.1:18777/nonexistent
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.20ms   16.95ms 116.74ms   86.59%
    Req/Sec   314.98    240.06   820.00     75.00%
  Latency Distribution
     50%    3.70ms
     75%   16.20ms
     90%   33.86ms
     99%   80.01ms
  1261 requests in 2.02s, 640.35KB read
  Non-2xx or 3xx responses: 1261
Requests/sec:    625.61
Transfer/sec:    317.69KB
"""

# The same layout from a run at 32 connections with socket errors, latencies in µs and s.
WRK_SOCKET_ERRORS = """\
Running 20s test @ http://127.0.0.1:40123/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   310.50ms  400.10ms   1.99s    88.00%
    Req/Sec    55.10     20.30   120.00     70.00%
  Latency Distribution
     50%  850.00us
     75%  300.00ms
     90%  900.00ms
     99%    1.50s
  2210 requests in 20.05s, 40.10MB read
  Socket errors: connect 0, read 3, write 0, timeout 12
Requests/sec:    110.22
Transfer/sec:      2.00MB
"""


def test_parse_wrk_reads_rate_latencies_and_counts_non_2xx_as_errors():
    assert parse_wrk(WRK_NOT_FOUND) == {
        "requests_per_s": 625.61,
        "p50_ms": 3.7,
        "p99_ms": 80.01,
        "errors": 1261,
    }


def test_parse_wrk_converts_units_and_adds_up_socket_errors():
    assert parse_wrk(WRK_SOCKET_ERRORS) == {
        "requests_per_s": 110.22,
        "p50_ms": 0.85,
        "p99_ms": 1500.0,
        "errors": 15,
    }


def test_parse_wrk_of_no_output_is_zero_not_a_crash():
    # wrk failing to start prints nothing useful on stdout.
    assert parse_wrk("") == {"requests_per_s": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "errors": 0}


def test_percentile_is_nearest_rank():
    values = list(range(1, 51))
    assert percentile(values, 0.95) == 48
    assert percentile(values, 0.5) == 25
    assert percentile([7.0], 0.95) == 7.0


def _timing(name, p50_ms, queries=20):
    return PageTiming(
        name=name, url="/", status=200, p50_ms=p50_ms, p95_ms=p50_ms, queries=queries, requests=50
    )


def test_the_status_round_trip_is_held_to_its_own_30_ms_target():
    verdicts = page_verdicts(
        {
            "1": [_timing(STATUS_UPDATE, 29.0), _timing("overview", 29.0, queries=5)],
            "20": [_timing(STATUS_UPDATE, 31.0), _timing("overview", 31.0, queries=5)],
        }
    )
    assert [verdict for _row, verdict in verdicts["1"]] == ["met", "missed: p50"]
    assert [verdict for _row, verdict in verdicts["20"]] == ["missed: p50", "met"]


@pytest.mark.django_db
def test_bench_writes_every_available_page_to_markdown_and_json(tmp_path):
    # The real plan loaded into the test database (SQLite here); two requests a page.
    (tmp_path / "benchmarks.md").write_text(
        "# Benchmarks\n\nIntro kept.\n\n<!-- bench_report:start -->\nreport kept\n"
        "<!-- bench_report:end -->\n"
    )
    call_command(
        "bench",
        "--scales",
        "1",
        "--requests",
        "2",
        "--skip-load",
        "--skip-report",
        "--yes",
        "--output-dir",
        str(tmp_path),
    )
    data = json.loads((tmp_path / "benchmarks-pages.json").read_text())
    rows = data["pages"]["1"]
    names = {row["name"] for row in rows}
    not_available = set(data["extra"].get("not_available", []))
    expected = {
        "overview",
        "committee (largest)",
        "plan table",
        "plan table, filtered",
        "plan table, text search",
        "measure",
        "revision board",
        "meeting list",
        "action points",
        "calendar feed (.ics)",
        "guideline library, search",
        "status update (POST)",
    }
    assert names | not_available == expected
    assert not names & not_available
    for row in rows:
        assert row["status"] == 200, row["name"]
        assert row["requests"] == 2
        assert row["queries"] > 0, row["name"]
        assert row["p50_ms"] > 0
    # Editors, uncached requests and the API, each as its user sees it.
    rendered = {row["name"]: row for row in data["rendered"]["1"]}
    assert {name: row["who"] for name, row in rendered.items()} == {
        "overview": "editor",
        "committee (their own)": "editor",
        "plan table": "editor",
        "dashboard (Utvala mine)": "editor",
        "measure (their own)": "editor",
        "revision board": "secretariat",
        "plan table, new query string": "anonymous",
        "API measures list": "anonymous",
    }
    for row in rendered.values():
        assert row["status"] == 200, row["name"]
        assert row["uncached_p50_ms"] > 0, row["name"]
        assert 0 < row["queries"] <= 12, row["name"]
    references = data["references"]
    assert references["plain_template_ms"] > 0
    assert references["admin_changelist_ms"] > 0
    assert references["table_vs_plain"] > 0
    assert references["plan_table_cpu_ms"] > 0
    assert references["table_vs_plain_cpu"] > 0

    markdown = (tmp_path / "benchmarks.md").read_text()
    assert "Intro kept." in markdown
    assert "<!-- bench_report:start -->\nreport kept\n<!-- bench_report:end -->" in markdown
    section = markdown.split("<!-- bench_pages:start -->", 1)[1]
    section = section.split("<!-- bench_pages:end -->", 1)[0]
    for name in names:
        assert f"| {name} |" in section
    # Figures are written as numbers (no locale decimal comma), so two runs can be diffed.
    overview = next(line for line in section.splitlines() if line.startswith("| overview |"))
    float(overview.split("|")[2])
    for name in not_available:
        assert name in section
    assert "| dashboard (Utvala mine) | editor |" in section
    assert "load average" in section
    # Every status POST (5 warm-up, 1 counted, 2 timed) was a real change, kept in history.
    editor = get_user_model().objects.get(username="bench-editor")
    assert MeasureStatus.history.filter(history_user=editor).count() == 8


@pytest.mark.django_db
def test_bench_refuses_to_empty_the_database_without_yes(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("bench", "--scales", "1", "--output-dir", str(tmp_path))


class _TableText(HTMLParser):
    """The visible text of the page's <table id="plan-table">, one string per cell."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "plan-table") in attrs:
            self.depth = 1
        elif self.depth and tag == "table":
            self.depth += 1
        if self.depth and tag in ("td", "th", "caption"):
            self._cell = []

    def handle_endtag(self, tag):
        if self.depth and tag in ("td", "th", "caption") and self._cell is not None:
            self.cells.append(" ".join("".join(self._cell).split()))
            self._cell = None
        if self.depth and tag == "table":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self._cell is not None:
            self._cell.append(data)


def _table_cells(html: str) -> list[str]:
    parser = _TableText()
    parser.feed(html)
    return parser.cells


@pytest.mark.django_db
@pytest.mark.urls("actionplan.bench.urls")
def test_the_plain_reference_shows_the_same_cells_as_the_plan_table(client):
    """The benchmark compares the plan table with a plain template of the same rows: it must
    draw every cell the table draws (issue 17: it once left out nearly every status marker)."""
    _plan, measures = make_plan_with_measures(60)
    measures[3].responsible = "Kommunane"
    measures[3].save()
    table = client.get("/plan/table/").content.decode()
    plain = client.get("/bench/plain-plan-table/").content.decode()
    table_cells, plain_cells = _table_cells(table), _table_cells(plain)

    assert len(table_cells) > 50 * 3
    assert plain_cells == table_cells
    # The same markup per row, not only the same words: within a few per cent in bytes.
    table_bytes = len(table.split('id="plan-table"', 1)[1].split("</table>", 1)[0])
    plain_bytes = len(plain.split('id="plan-table"', 1)[1].split("</table>", 1)[0])
    assert abs(table_bytes - plain_bytes) <= 0.1 * table_bytes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_editor_load_signs_in_reads_and_saves_through_gunicorn():
    from actionplan.bench.editors import measure_levels
    from tests.factories import make_editor_world
    from tests.processes import portal_env

    world = make_editor_world()

    (level,) = measure_levels(
        [(world.alice, world.measure_a)],
        2024,
        levels=[1],
        seconds=1,
        server_env={"DATABASE_URL": portal_env()["DATABASE_URL"]},
    )

    assert level.errors == 0  # signed in: the page and the save answered as to an editor
    assert level.requests >= 2
    saved = MeasureStatus.objects.get(measure=world.measure_a, year=2024)
    assert saved.version == MeasureStatus.history.filter(measure=world.measure_a).count()
    assert saved.version * 2 >= level.requests - 1  # every other request was a save
    assert level.p99_ms >= level.p50_ms > 0


def _level(editors: int, p99_ms: float, errors: int = 0, load: float = 0.4):
    from actionplan.bench.editors import EditorLevel

    return EditorLevel(
        editors=editors,
        seconds=20.0,
        requests=100 * editors,
        requests_per_s=5.0 * editors,
        saves_per_s=2.5 * editors,
        p50_ms=p99_ms / 3,
        p99_ms=p99_ms,
        read_p99_ms=p99_ms,
        save_p99_ms=p99_ms / 2,
        errors=errors,
        load_average=[load, load, load],
        server_cpu_ms_per_request=40.0,
    )


def _ramped(p99_for, *, limit: int = 64) -> list:
    """The levels the ramp asks for when n editors get p99_for(n)."""
    from actionplan.bench.editors import ramp

    results = []
    while (n := ramp(results, limit=limit)) is not None:
        results.append(_level(n, p99_for(n)))
    return results


def test_the_editor_ramp_doubles_until_p99_passes_then_finds_the_last_level_that_kept_it():
    from actionplan.bench.editors import last_kept

    results = _ramped(lambda n: 20 * n)  # p99 passes 200 ms beyond 10 editors

    assert [row.editors for row in results] == [1, 2, 4, 8, 16, 12, 10, 11]
    assert last_kept(results).editors == 10


def test_the_editor_ramp_stops_at_one_editor_that_misses_and_at_the_limit():
    from actionplan.bench.editors import last_kept

    missed = _ramped(lambda n: 300)
    assert [row.editors for row in missed] == [1]
    assert last_kept(missed) is None

    kept = _ramped(lambda n: 50, limit=12)
    assert [row.editors for row in kept] == [1, 2, 4, 8, 12]
    assert last_kept(kept).editors == 12


def test_a_level_with_errors_does_not_keep_the_target():
    from actionplan.bench.editors import last_kept

    assert last_kept([_level(1, 50), _level(2, 60, errors=1), _level(4, 90)]).editors == 1


def test_bench_editors_writes_its_table_between_its_markers_with_the_load(tmp_path):
    from actionplan.bench.editors import last_kept
    from actionplan.management.commands.bench_editors import END, START, Command

    doc = tmp_path / "scaling.md"
    doc.write_text(f"# Scaling\n\nBy hand before.\n\n{START}\nold table\n{END}\n\nBy hand after.\n")
    results = [_level(1, 40), _level(2, 90), _level(4, 250, load=1.7), _level(3, 150)]
    summary = {
        "machine": {"date": "2026-12-08 06:00 UTC", "cores": 2, "load_average": [0.3, 0.2, 0.1]},
        "load_average_end": [2.1, 0.9, 0.4],
        "server": "gunicorn, 2 sync workers, loopback",
        "reads per save": 1,
        "seconds per level": 20,
        "max editors": 64,
    }

    Command().write(summary, results, last_kept(results), results[2], doc)

    text = doc.read_text()
    assert text.startswith("# Scaling\n\nBy hand before.\n\n" + START)
    assert text.endswith(END + "\n\nBy hand after.\n")
    assert "old table" not in text
    assert "at the start 0.3, 0.2, 0.1, at the end 2.1, 0.9, 0.4" in text
    assert "the machine was quiet before the run" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "ms" in line]
    assert [row.split("|")[1].strip() for row in rows[1:]] == ["1", "2", "3", "4"]
    assert "| 1.7 | missed |" in rows[-1]
    assert "up to 3 editors saving without pause" in text
    assert "at 4 p99 was 250 ms" in text

    summary["machine"]["load_average"] = [6.5, 6.0, 5.0]
    Command().write(summary, results, last_kept(results), results[2], doc)
    assert "rerun on a quiet machine" in doc.read_text()
    assert doc.read_text().count(START) == 1
