"""The annual report as SSU reads it, in nynorsk, on the real plan (issue 16 item 7): no text
runs into other text (the summary's column headers did), no English left in it ("No measures"
was), every year without a status says "Ikkje rapportert" as the web pages do, the summary
pages are not near-empty, and the coverage is a heat map with a number in every cell."""

import io
import itertools
import re
from html.parser import HTMLParser

import pdfplumber
import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation

from actionplan.models import Committee, Goal, Measure, Person, Plan, PriorityGroup, SubGoal
from actionplan.report import body_html, build_report, heat_map, render_report_pdf
from tests.factories import make_status

# The mark makes pytest-django create the test database (it creates only those that a collected
# test asks for): without it the module fixture would write into the DATABASE_URL database.
pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture(scope="module")
def report_pdf(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole nn report of the real plan, with some statuses so every shade is used."""
    # In a transaction rolled back at the end: the next modules find the database empty.
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_real_plan", verbosity=0)
        plan = Plan.objects.get()
        tagged = Measure.objects.in_plan(plan).filter(priority_groups__isnull=False)
        for i, measure in enumerate(tagged.distinct()[:6]):
            make_status(measure, YEAR, ["done", "in_progress", "not_done"][i % 3])
        # A committee with a measure for each group, so the heat map's rows differ.
        groups = list(PriorityGroup.objects.all())
        for measure, group in zip(Measure.objects.in_plan(plan)[10:14], groups, strict=False):
            measure.priority_groups.add(group)
        # The test database (PostgreSQL's test_…, or SQLite's in-memory one), never the real.
        name = connection.settings_dict["NAME"]
        assert name.startswith("test_") or name.startswith("file:memorydb"), name
        with override_settings(PDF_PART_CACHE_DIR=str(tmp_path_factory.mktemp("parts"))):
            content = render_report_pdf(plan=plan, year=YEAR).content
        with translation.override("nn"):
            report = build_report(plan=plan, year=YEAR)
            summary_html = next(iter(body_html(report)))
        data_text = " ".join(
            [plan.title, plan.motto or ""]
            + [c.name for c in Committee.objects.all()]
            + [p.name + " " + (p.organisation or "") for p in Person.objects.all()]
            + [g.text for g in Goal.objects.all()]
            + [s.text for s in SubGoal.objects.all()]
            + [g.name for g in groups]
            + [" ".join([m.text, m.responsible, m.measurement]) for m in Measure.objects.all()]
        )
        yield {
            "pdf": content,
            "data_text": data_text,
            "summary_html": summary_html,
            "heat_map": heat_map(report.coverage),
            "groups": len(groups),
        }
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def pages(report_pdf):
    with pdfplumber.open(io.BytesIO(report_pdf["pdf"])) as pdf:
        yield [
            {"text": page.extract_text() or "", "chars": page.chars, "height": page.height,
             "words": page.extract_words()}
            for page in pdf.pages
        ]  # fmt: skip


def _overlaps(chars: list[dict]) -> list[tuple]:
    """Pairs of characters whose boxes cover each other by more than a quarter of the smaller
    one. Neighbours in the text (a kerned "r,") may touch; text that runs into other text is
    never the next character of it."""
    found = []
    chars = sorted(
        ((i, c) for i, c in enumerate(chars) if c["text"].strip()), key=lambda ic: ic[1]["x0"]
    )
    for n, (i, a) in enumerate(chars):
        for j, b in chars[n + 1 :]:
            if b["x0"] >= a["x1"]:
                break
            dx = min(a["x1"], b["x1"]) - b["x0"]
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            smaller = min(a["width"] * a["height"], b["width"] * b["height"]) or 1
            if abs(i - j) > 1 and dx > 0 and dy > 0 and dx * dy > smaller / 4:
                found.append((a["text"], b["text"], round(a["x0"]), round(a["top"])))
    return found


def test_no_text_in_the_report_runs_into_other_text(pages):
    overlapping = {
        n: found for n, page in enumerate(pages, 1) if (found := _overlaps(page["chars"]))
    }
    assert not overlapping, f"overlapping characters, by page: {overlapping}"


def _summary_pages(pages):
    start = next(
        n
        for n, p in enumerate(pages)
        if p["text"].lstrip().startswith(("Felles", "Samandrag"))
        and "Samandrag\n" in p["text"]
        and "Innhald" not in p["text"]
    )
    end = next(n for n, p in enumerate(pages) if n > start and "Leiar" in p["text"])
    return pages[start:end]


def test_summary_header_labels_stand_apart(pages):
    summary = _summary_pages(pages)[0]
    words = [w["text"] for w in summary["words"]]
    # Each status label's words are whole words of their own, not run together.
    for word in ["Gjennomført", "planlegging", "gjennomført", "rapportert", "Totalt", "Diagram"]:
        assert word in words, (word, words[:60])
    heads = [
        w
        for w in summary["words"]
        if w["text"] in {"Gjennomført", "planlegging", "gjennomført", "rapportert"}
    ]
    heads = heads[:4]
    for left, right in itertools.pairwise(heads):
        assert left["x1"] < right["x0"], (left["text"], right["text"])


def _english_words(data_text: str) -> set[str]:
    """Words of the catalogue's English msgids that no nynorsk translation and no plan text
    uses: if one of them shows in the nn report, a string was left untranslated."""

    def words(text):
        return {
            w.lower()
            for w in re.findall(r"[A-Za-zÆØÅæøå]{3,}", re.sub(r"%\(\w+\)s|<[^>]+>", " ", text))
        }

    po = polib.pofile(str(settings.BASE_DIR / "locale" / "nn" / "LC_MESSAGES" / "django.po"))
    english, norwegian = set(), words(data_text)
    for entry in po:
        english |= words(entry.msgid)
        norwegian |= words(entry.msgstr) | words(" ".join(entry.msgstr_plural.values()))
    return english - norwegian


def test_nynorsk_report_holds_no_english_word(pages, report_pdf):
    english = _english_words(report_pdf["data_text"])
    assert {"measures", "total", "summary", "committee"} <= english  # the list is meaningful
    found = {
        n: sorted(english & {w.lower() for w in re.findall(r"[A-Za-zÆØÅæøå]{3,}", page["text"])})
        for n, page in enumerate(pages, 1)
    }
    found = {n: words for n, words in found.items() if words}
    assert not found, f"English words in the nn report, by page: {found}"


def test_years_without_a_status_say_ikkje_rapportert(pages):
    committee_page = next(p for p in pages if "Leiar" in p["text"])
    assert committee_page["text"].count("Ikkje rapportert") >= 5


def test_summary_pages_are_not_near_empty(pages):
    summary = _summary_pages(pages)
    assert 2 <= len(summary) <= 3
    for page in summary:
        body = [w for w in page["words"] if 0.09 * page["height"] < w["top"] < 0.9 * page["height"]]
        lowest = max(w["bottom"] for w in body)
        assert lowest > 0.4 * page["height"], page["text"][:200]


class _Cells(HTMLParser):
    """The heat map's table as (tag, attributes, text) per cell."""

    def __init__(self):
        super().__init__()
        self.in_map, self.cells, self.caption = False, [], ""
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "heat-map" in (attrs.get("class") or ""):
            self.in_map = True
        elif self.in_map and tag in ("th", "td", "caption"):
            self._cell = [tag, attrs, ""]

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_map = False
        elif self._cell and tag == self._cell[0]:
            if tag == "caption":
                self.caption = self._cell[2]
            else:
                self.cells.append(tuple(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell:
            self._cell[2] += data


def test_coverage_is_a_heat_map_with_the_number_in_every_cell(report_pdf):
    parser = _Cells()
    parser.feed(report_pdf["summary_html"])
    assert "Varmekart" in parser.caption
    heads = [c for c in parser.cells if c[0] == "th"]
    data = [c for c in parser.cells if c[0] == "td"]
    groups, rows = report_pdf["groups"], report_pdf["heat_map"]
    scopes = [c[1].get("scope") for c in heads]
    assert scopes.count("col") == groups + 1
    assert scopes.count("row") == len(rows) + 1  # and the total
    assert len(data) == (len(rows) + 1) * groups
    for _tag, _attrs, text in data:
        assert re.match(r"\s*\d+", text), text  # a number, never a dash or colour alone
    # The shade follows the count: none is white, the largest the darkest.
    cells = [cell for row in rows for cell in row.cells]
    assert {c.level for c in cells if c.count == 0} == {0}
    largest = max(c.count for c in cells)
    assert {c.level for c in cells if c.count == largest} == {4}
    assert len({c.level for c in cells}) >= 3
