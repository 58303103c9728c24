"""Reading the plan's Word document: the layout, merged cells, colours, notes, bad files."""

import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from actionplan.docx_read import (
    DocxImportError,
    check_docx_bytes,
    normalise,
    parse_committee_cell,
    read_plan_docx,
    status_by_hue,
)
from tests.actionplan.docx_builder import SG, C, G, M, build_docx

BARN = C(
    "Barn og unge",
    "Jenny Raftevoll Lyngstad",
    "Lene Solheim",
    goals=[
        G(
            "1. Tydelig rolleavklaring",
            measures=[
                M(
                    "Prosjekt «Barn og unges helseteneste»\n· Tydelig forventnings-avklaring\n"
                    "· Prosjektet utvides",
                    years={2022: ("done", ""), 2023: ("in_progress", "2024/25")},
                )
            ],
        ),
        G(
            "2. Forutsigbare tjenester",
            subgoals=[
                SG(
                    "Drift av faglig samarbeidsutvalg",
                    [
                        M("Klargjøre koordinatorrollene", years={2024: ("not_done", "")}),
                        M(
                            "Monitorering av samlet samarbeid",
                            measurement="Lenker i pakkeforløp",
                            years={2022: (None, "Årleg")},
                        ),
                    ],
                ),
                SG("Palliativ plan"),
            ],
        ),
    ],
)
KUNNSKAP = C(
    "Fagleg samarbeidsutvalg for Kunnskapsoverføring",
    "Bodil Haugen Våge",
    leader_title="Fungerande leiar og sekretær",
    goals=[
        G(
            "Partene skal …",
            measures=[M("Praksiskonsulentordninga", years={2022: ("done", "2021")})],
        )
    ],
)


def _read(**options):
    return read_plan_docx(build_docx([BARN, KUNNSKAP], **options))


def _statuses(plan):
    return {
        (m.text.split("\n")[0], year): (cell.status, cell.note)
        for m in plan.measures()
        for year, cell in m.years.items()
        if cell.status or cell.note
    }


EXPECTED_STATUSES = {
    ("Prosjekt «Barn og unges helseteneste»", 2022): ("done", ""),
    ("Prosjekt «Barn og unges helseteneste»", 2023): ("in_progress", "2024/25"),
    ("Klargjøre koordinatorrollene", 2024): ("not_done", ""),
    ("Monitorering av samlet samarbeid", 2022): (None, "Årleg"),
    ("Praksiskonsulentordninga", 2022): ("done", "2021"),
}


def test_the_builder_merges_cells_and_repeats_the_header():
    document = docx.Document(io.BytesIO(build_docx([BARN])))
    table = document.tables[-1]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    merges = [tc.vMerge for tc in table._tbl.iter_tcs() if tc.vMerge]
    assert "restart" in merges
    assert "continue" in merges


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"merge": False},
        {"key": "nb", "bullets": "list"},
        {"year_shading": "paragraph"},
    ],
    ids=["merged", "repeated", "bokmal-key-word-lists", "shaded-paragraphs"],
)
def test_statuses_per_year_come_out_as_coloured(options):
    plan = _read(**options)
    assert plan.years == [2022, 2023, 2024]
    assert _statuses(plan) == EXPECTED_STATUSES
    assert plan.unknown_colours == []


def test_it_reads_the_tree_of_committees_goals_subgoals_and_measures():
    plan = _read()
    barn, kunnskap = plan.committees
    assert (barn.name, barn.leader, barn.deputy) == (
        "Barn og unge",
        "Jenny Raftevoll Lyngstad",
        "Lene Solheim",
    )
    assert [g.text for g in barn.goals] == [
        "1. Tydelig rolleavklaring",
        "2. Forutsigbare tjenester",
    ]
    assert barn.goals[0].subgoals == []
    assert barn.goals[0].measures[0].text.split("\n")[1] == "· Tydelig forventnings-avklaring"
    drift, palliativ = barn.goals[1].subgoals
    assert [m.text for m in drift.measures] == [
        "Klargjøre koordinatorrollene",
        "Monitorering av samlet samarbeid",
    ]
    assert drift.measures[1].measurement == "Lenker i pakkeforløp"
    assert (palliativ.text, palliativ.measures) == ("Palliativ plan", [])
    assert (kunnskap.leader, kunnskap.leader_title, kunnskap.secretary, kunnskap.deputy) == (
        "Bodil Haugen Våge",
        "Fungerande leiar og sekretær",
        "Bodil Haugen Våge",
        "",
    )


def test_without_a_key_colours_are_read_by_hue():
    plan = _read(key=None, year_shading="highlight")
    assert _statuses(plan) == EXPECTED_STATUSES


def test_a_colour_that_matches_nothing_is_reported_not_guessed():
    odd = C("X", goals=[G("g", measures=[M("m", years={2023: ("5B9BD5", "")})])])
    plan = read_plan_docx(build_docx([odd]))
    assert [(u.measure, u.year, u.colour) for u in plan.unknown_colours] == [("m", 2023, "5B9BD5")]
    assert plan.committees[0].goals[0].measures[0].years[2023].status is None


def test_the_key_decides_over_the_hue():
    # A document whose key calls orange "Gjennomført" (an odd but explicit choice).
    plan = read_plan_docx(build_docx([BARN], colours={"done": "FF9900", "in_progress": "FFFF00"}))
    assert plan.colour_key["FF9900"] == "done"
    assert _statuses(plan)[("Prosjekt «Barn og unges helseteneste»", 2022)] == ("done", "")


def test_any_number_of_year_columns_is_read_from_the_header():
    plan = read_plan_docx(build_docx([BARN], years=(2023, 2024, 2025, 2026)))
    assert plan.years == [2023, 2024, 2025, 2026]


def test_status_words_in_an_uncoloured_cell_count_and_are_not_a_note():
    words = C("X", goals=[G("g", measures=[M("m", years={2023: (None, "Gjennomført\n2024/25")})])])
    cell = read_plan_docx(build_docx([words])).committees[0].goals[0].measures[0].years[2023]
    assert (cell.status, cell.note) == ("done", "2024/25")


@pytest.mark.parametrize(
    ("text", "leader", "deputy"),
    [
        ("Barn og unge Leiar: Jenny Lyngstad Nestleiar: Lene Solheim", "Jenny Lyngstad",
         "Lene Solheim"),
        ("IKT Leder: Odd Arne Maridal Nestleder Ann Kristin Røyset", "Odd Arne Maridal",
         "Ann Kristin Røyset"),
    ],
)  # fmt: skip
def test_committee_cell_names_leader_and_deputy(text, leader, deputy):
    committee = parse_committee_cell(text)
    assert (committee.leader, committee.deputy) == (leader, deputy)


def test_normalised_text_ignores_case_whitespace_bullets_and_hyphenation():
    assert normalise("· Tydelig forventnings-\navklaring  ") == normalise(
        "tydelig forventningsavklaring"
    )
    assert normalise("Spesialist\u00adhelsetjenesten") == "spesialisthelsetjenesten"


@pytest.mark.parametrize(
    ("colour", "status"),
    [("FF0000", "not_done"), ("C00000", "not_done"), ("FFC000", "in_progress"),
     ("FFFF00", "in_progress"), ("00B050", "done"), ("92D050", "done"), ("5B9BD5", None),
     ("808080", None)],
)  # fmt: skip
def test_hue_fallback(colour, status):
    assert status_by_hue(colour) == status


# --- Bad files ---------------------------------------------------------------------------


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _refused(data: bytes) -> str:
    with pytest.raises(DocxImportError) as refused:
        read_plan_docx(data)
    assert refused.value.message
    return refused.value.code


def test_not_a_word_file_is_refused():
    assert _refused(b"%PDF-1.7 not a word file") == "not_docx"
    assert _refused(_zip({"xl/workbook.xml": b"<x/>", "[Content_Types].xml": b"<x/>"})) == (
        "not_docx"
    )


def test_an_old_doc_file_is_refused():
    assert _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) == "doc"


def test_an_encrypted_docx_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le")
    assert _refused(ole) == "encrypted"


def test_a_corrupt_docx_is_refused():
    good = build_docx([BARN])
    assert _refused(good[: len(good) // 2]) == "corrupt"
    broken = _zip(
        {"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document", "_rels/.rels": b""}
    )
    assert _refused(broken) == "corrupt"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    bomb = _zip(
        {
            "[Content_Types].xml": b"<x/>",
            "word/document.xml": b"<x/>",
            "word/media/big.bin": b"\0" * (200 * 1024 * 1024),
        }
    )
    assert len(bomb) < 1024 * 1024
    assert _refused(bomb) == "zip_bomb"


def test_a_document_without_the_plan_table_is_refused():
    document = docx.Document()
    document.add_paragraph("Felles handlingsplan")
    document.add_table(rows=2, cols=2).cell(0, 0).text = "Noko anna"
    out = io.BytesIO()
    document.save(out)
    assert _refused(out.getvalue()) == "no_plan_table"


def test_a_file_over_the_limit_is_refused(settings):
    settings.PLAN_DOCX_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(DocxImportError) as refused:
        check_docx_bytes(build_docx([BARN]))
    assert refused.value.code == "too_large"


def test_not_reported_in_words_is_neither_a_status_nor_a_note():
    words = C("X", goals=[G("g", measures=[M("m", years={2023: (None, "Ikkje rapportert")})])])
    cell = read_plan_docx(build_docx([words])).committees[0].goals[0].measures[0].years[2023]
    assert (cell.status, cell.note) == (None, "")


def test_a_measure_without_a_main_goal_is_reported():
    orphan = C("X", goals=[G("", measures=[M("Tiltak utan mål")])])
    plan = read_plan_docx(build_docx([orphan, BARN]))
    assert any("Tiltak utan mål" in warning for warning in plan.warnings)


@pytest.mark.libreoffice
def test_a_document_saved_again_by_an_office_suite_reads_the_same(tmp_path):
    """LibreOffice writes merges, shading and lists its own way: the reading must not change."""
    import shutil
    import subprocess

    source = tmp_path / "plan.docx"
    source.write_bytes(build_docx([BARN, KUNNSKAP], bullets="list"))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run(  # noqa: S603 - our own arguments
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    plan = read_plan_docx((tmp_path / "out" / "plan.docx").read_bytes())
    assert _statuses(plan) == EXPECTED_STATUSES
    assert [c.name for c in plan.committees] == [BARN.name, KUNNSKAP.name]
    assert plan.committees[0].goals[0].measures[0].text.split("\n")[1] == (
        "· Tydelig forventnings-avklaring"
    )


def test_a_title_row_above_the_header_is_not_a_committee():
    document = docx.Document(io.BytesIO(build_docx([BARN])))
    table = document.tables[-1]
    first = table.rows[0]
    new_row = table.add_row()
    first._tr.addprevious(new_row._tr)  # move the new (empty) row above the header
    new_row.cells[0].text = "Felles handlingsplan – mål og tiltak"
    out = io.BytesIO()
    document.save(out)
    plan = read_plan_docx(out.getvalue())
    assert [c.name for c in plan.committees] == ["Barn og unge"]
