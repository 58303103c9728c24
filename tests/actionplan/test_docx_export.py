"""The plan as a Word document in the layout of the plan's own document (issue 15): read back
with python-docx, it has the landscape page, the colour key, the merged cells, shaded year
cells that say their status in words, the repeated header and page numbers."""

import io
import shutil
import subprocess

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.table import _Cell

from actionplan.docx_export import (
    DOCX_CONTENT_TYPE,
    HEADER,
    MEASUREMENT_LABEL,
    PRIORITY_FILL,
    PRIORITY_KEY_LABEL,
    plan_docx_bytes,
    status_words,
)
from actionplan.exports import STATUS_FILL_AND_INK
from actionplan.models import Status
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_person,
    make_plan,
    make_priority_groups,
    make_status,
    make_subgoal,
)

pytestmark = pytest.mark.django_db

FILL = {code: fill for code, (fill, _ink) in STATUS_FILL_AND_INK.items()}


@pytest.fixture
def plan_data(db):
    plan = make_plan(title="Felles handlingsplan Møre og Romsdal 2023-2026")
    groups = make_priority_groups()
    rehab = make_committee(
        "Rehabilitering",
        slug="rehabilitering",
        leader=make_person("Eirin Liadal"),
        deputy=make_person("Runa Bakke"),
    )
    beredskap = make_committee("Helseberedskap", slug="helseberedskap")
    goal = make_goal(plan, rehab, "Gode samarbeidsformer")
    sub = make_subgoal(goal, "Tydeleg informasjon")
    first = make_measure(
        goal,
        "Lage tydeleg heimeside\n· Samla kontaktinformasjon",
        subgoal=sub,
        measurement="Oversikt publisert",
        priority_groups=groups[2:3],
    )
    second = make_measure(goal, "Lenke til kvarandre", subgoal=sub)
    direct = make_measure(goal, "Felles retningslinjer")  # directly under the goal
    make_status(first, 2022, Status.DONE)
    make_status(first, 2023, Status.IN_PROGRESS, note="2024/25")
    make_status(second, 2023, Status.NOT_DONE)
    make_status(direct, 2024, note="Årleg")
    make_measure(goal, "Gammalt tiltak", retired=True)
    make_measure(make_goal(plan, beredskap, "Beredskap"), "Felles øvingar")
    return plan, rehab, beredskap


def _document(data: bytes):
    return docx.Document(io.BytesIO(data))


def _plan_table(document):
    return next(t for t in document.tables if t.rows[0].cells[0].text == HEADER[0])


def _raw_cells(row):
    """The row's own cells (a merged-on cell as itself, not as the one it continues)."""
    return [_Cell(tc, row.table) for tc in row._tr.tc_lst]


def _fill(cell):
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def _body(table):
    return [_raw_cells(row) for row in table.rows[1:]]


def test_the_page_is_a4_landscape_with_title_motto_and_page_numbers(plan_data):
    plan, _rehab, _b = plan_data
    document = _document(plan_docx_bytes(plan))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert round(section.page_width.cm, 1) == 29.7
    assert round(section.page_height.cm, 1) == 21.0
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == plan.title
    assert plan.motto in texts
    assert 'w:val="nn-NO"' in document.styles["Normal"].element.xml  # the text's language
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml
    assert "NUMPAGES" in footer_xml
    assert "fldChar" in footer_xml


def test_the_colour_key_is_a_table_of_cells_shaded_as_the_year_cells(plan_data):
    plan, _rehab, _b = plan_data
    document = _document(plan_docx_bytes(plan))
    key = document.tables[0]
    entries = {row.cells[0].text: _fill(row.cells[0]) for row in key.rows}
    assert entries == {
        PRIORITY_KEY_LABEL: PRIORITY_FILL,
        "Ikkje gjennomført": FILL[Status.NOT_DONE],
        "Under planlegging / under arbeid": FILL[Status.IN_PROGRESS],
        "Gjennomført": FILL[Status.DONE],
    }


def test_the_header_is_the_documents_and_repeats_on_every_page(plan_data):
    plan, _rehab, _b = plan_data
    table = _plan_table(_document(plan_docx_bytes(plan)))
    header = table.rows[0]
    assert [c.text for c in header.cells] == [*HEADER, *map(str, plan.years)]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    # No row breaks across pages: a year cell's colour is never on a page without its words.
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])


def test_committee_goal_and_subgoal_cells_are_merged_down_their_rows(plan_data):
    plan, _rehab, _b = plan_data
    body = _body(_plan_table(_document(plan_docx_bytes(plan))))
    # Rehabilitering: the measure directly under the goal first (as the page shows it), then
    # the sub-goal's two; then Beredskap.
    assert len(body) == 4
    committee = [row[0]._tc.vMerge for row in body]
    assert committee == ["restart", "continue", "continue", None]
    assert [row[1]._tc.vMerge for row in body] == ["restart", "continue", "continue", None]
    assert [row[2]._tc.vMerge for row in body] == [None, "restart", "continue", None]
    assert body[0][2].text == ""  # directly under the goal: no sub-goal
    assert body[0][0].text.split("\n") == [
        "Rehabilitering",
        "Leiar: Eirin Liadal",
        "Nestleiar: Runa Bakke",
    ]
    assert body[3][0].text == "Helseberedskap"  # no leader in the database: none invented
    assert body[0][1].text == "Gode samarbeidsformer"
    assert body[1][2].text == "Tydeleg informasjon"


def test_measure_cell_holds_text_priority_marking_and_measurement_last(plan_data):
    plan, _rehab, _b = plan_data
    body = _body(_plan_table(_document(plan_docx_bytes(plan))))
    lines = [p.text for p in body[1][3].paragraphs]
    assert lines == [
        "Lage tydeleg heimeside",
        "· Samla kontaktinformasjon",
        "Prioritert pasientgruppe: Skrøpelege eldre",
        f"{MEASUREMENT_LABEL}: Oversikt publisert",
    ]
    assert _fill(body[1][3]) == PRIORITY_FILL
    assert _fill(body[2][3]) is None
    assert "Gammalt tiltak" not in {row[3].text for row in body}


def test_year_cells_are_shaded_and_say_their_status_and_note_in_words(plan_data):
    plan, _rehab, _b = plan_data
    body = _body(_plan_table(_document(plan_docx_bytes(plan))))
    column = {year: 4 + i for i, year in enumerate(plan.years)}
    direct, first, second = body[:3]
    assert _fill(first[column[2022]]) == FILL[Status.DONE]
    assert first[column[2022]].text == "Gjennomført"
    assert _fill(first[column[2023]]) == FILL[Status.IN_PROGRESS]
    assert first[column[2023]].text.split("\n") == ["Under planlegging / under arbeid", "2024/25"]
    assert _fill(second[column[2023]]) == FILL[Status.NOT_DONE]
    assert second[column[2023]].text == status_words(Status.NOT_DONE) == "Ikkje gjennomført"
    # A note without a status: the note only, no colour; a year not reported: empty.
    assert (direct[column[2024]].text, _fill(direct[column[2024]])) == ("Årleg", None)
    assert (first[column[2025]].text, _fill(first[column[2025]])) == ("", None)


def test_one_committee_exports_only_its_rows(plan_data):
    plan, rehab, _b = plan_data
    document = _document(plan_docx_bytes(plan, rehab))
    body = _body(_plan_table(document))
    assert len(body) == 3
    assert "Helseberedskap" not in {row[0].text for row in body}
    assert "Rehabilitering" in [p.text for p in document.paragraphs]


def _export_queries(plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        plan_docx_bytes(plan)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(plan_data):
    plan, _rehab, _b = plan_data
    few = _export_queries(plan)
    groups = make_priority_groups()
    for n in range(8):
        goal = make_goal(plan, make_committee(leader=make_person()), f"Mål {n}")
        for m in range(3):
            measure = make_measure(goal, f"Tiltak {n}.{m}", subgoal=make_subgoal(goal),
                                   priority_groups=groups[:2])  # fmt: skip
            make_status(measure, 2023, Status.DONE, note="x")
    assert _export_queries(plan) == few


def test_the_download_is_public_named_with_aeoeaa_and_a_word_file(client, plan_data):
    _plan, rehab, _b = plan_data
    response = client.get(reverse("actionplan:plan_docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''felles-handlingsplan-m%C3%B8re-og-romsdal-2023-2026.docx" in (
        disposition
    )
    assert _plan_table(_document(response.content))
    one = client.get(reverse("actionplan:committee_docx", args=[rehab.slug]))
    assert "rehabilitering.docx" in one["Content-Disposition"]
    assert len(_body(_plan_table(_document(one.content)))) == 3
    assert client.get(reverse("actionplan:committee_docx", args=["nope"])).status_code == 404
    assert client.get(reverse("actionplan:plan_docx") + "?plan=999").status_code == 404


def test_overview_and_committee_page_offer_the_word_download(client, plan_data):
    _plan, rehab, _b = plan_data
    overview = client.get(reverse("actionplan:overview")).content.decode()
    assert f'href="{reverse("actionplan:plan_docx")}" download' in overview
    assert "Download the plan as a Word document" in overview
    page = client.get(rehab.get_absolute_url()).content.decode()
    assert f'href="{reverse("actionplan:committee_docx", args=[rehab.slug])}" download' in page


def test_the_command_writes_the_plan_or_one_committee(plan_data, tmp_path):
    plan, rehab, _b = plan_data
    whole, part = tmp_path / "plan.docx", tmp_path / "rehab.docx"
    call_command("export_plan_docx", "-o", str(whole), stdout=io.StringIO())
    call_command(
        "export_plan_docx", "-o", str(part), "--plan", str(plan.pk),
        "--committee", rehab.slug, stdout=io.StringIO(),
    )  # fmt: skip
    assert len(_body(_plan_table(_document(whole.read_bytes())))) == 4
    assert len(_body(_plan_table(_document(part.read_bytes())))) == 3
    with pytest.raises(CommandError, match="No committee"):
        call_command("export_plan_docx", "-o", str(part), "--committee", "nope")
    with pytest.raises(CommandError, match="No plan"):
        call_command("export_plan_docx", "-o", str(part), "--plan", "999")


@pytest.mark.libreoffice
def test_libreoffice_opens_the_export_and_prints_its_words(plan_data, tmp_path):
    from pypdf import PdfReader

    plan, _rehab, _b = plan_data
    source = tmp_path / "plan.docx"
    source.write_bytes(plan_docx_bytes(plan))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run(  # noqa: S603 - our own file and a fixed program
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(tmp_path / "plan.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert plan.title in text
    assert "Rehabilitering" in text
    assert "Leiar: Eirin Liadal" in text
    assert "Gjennomført" in text
    assert "Ikkje gjennomført" in text
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
