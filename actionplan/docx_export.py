"""The plan (or one committee's part of it) as a Word document in the layout of the plan's own
document, "Felles handlingsplan": A4 landscape, title and motto, the colour key, then one table
committee | hovudmål | delmål | tiltak | one column per year, with the header row repeated on
every page and the committee, goal and sub-goal cells merged down their rows.

Every year cell with a status is shaded in the status colour *and* says the status in words
(then the year's note), so the file reads without colour. The import (issue 15) reads exactly
this layout back: merged cells, the colour key's fills, the "Måleverktøy:" part and the
"Leiar:"/"Nestleiar:" lines, so exporting and importing again changes nothing.

The document's own words (header, labels) are the plan's, in nynorsk, whatever language the
reader uses the portal in: they are what the import recognises.
"""

import io
from dataclasses import dataclass, field

from django.utils import translation

from .exports import STATUS_FILL_AND_INK
from .models import Committee, Goal, Measure, Plan, Status, SubGoal

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: The language the document is written in (the plan's own).
DOCUMENT_LANGUAGE = "nn"

# The document's words, as the real plan writes them.
HEADER = (
    "Faglege samarbeidsutval for",
    "Kvar vil vi? Hovudmål",
    "Kvar vil vi? Delmål",
    "Korleis skal vi få det til? Tiltak",
)
LEADER_LABEL = "Leiar"
DEPUTY_LABEL = "Nestleiar"
SECRETARY_LABEL = "Sekretær"
#: The measure cell's last part, which the import puts into the measurement field.
MEASUREMENT_LABEL = "Måleverktøy"
#: Lines of the measure cell before "Måleverktøy:" that are not the measure's text.
RESPONSIBLE_LABEL = "Ansvarleg"
PRIORITY_LABEL = "Prioritert pasientgruppe"
#: The colour key's row for measures aimed at the national priority patient groups.
PRIORITY_KEY_LABEL = "Dei prioriterte pasientgruppene"
PRIORITY_FILL = "BDD7EE"  # light blue, black text on it
KEY_HEADING = "Fargekoding"
KEY_EMPTY_NOTE = "Ei årscelle utan farge og utan status er ikkje rapportert."
TABLE_HEADING = "Mål og tiltak"
PAGE_LABEL = "Side"
PAGE_OF = "av"

FONT = "Arial"
HEADER_FILL = "D9D9D9"
HEADER_INK = "000000"

# Widths in cm on A4 landscape with 1.27 cm margins (27.16 cm of text width). A year column
# holds "Gjennomført" on one line; the other columns share the rest.
PAGE_MARGIN_CM = 1.27
TEXT_WIDTH_CM = 29.7 - 2 * PAGE_MARGIN_CM
YEAR_WIDTH_CM = 2.2
LEFT_SHARES = (2.9, 4.0, 4.0, 5.3)  # committee, goal, sub-goal, measure (scaled to fit)
TABLE_FONT_PT = 9
YEAR_FONT_PT = 8


def status_words(code: str) -> str:
    """A status as the document says it ("Ikkje gjennomført" …): the code's own label."""
    with translation.override(DOCUMENT_LANGUAGE):
        return str(Status(code).label)


@dataclass
class Row:
    """One row of the plan table: its committee, goal, sub-goal and measure (None for a goal
    or sub-goal that has no measure yet)."""

    committee: Committee
    goal: Goal
    subgoal: SubGoal | None
    measure: Measure | None


@dataclass
class PlanDocument:
    plan: Plan
    committees: list[Committee]
    rows: list[Row] = field(default_factory=list)


def collect(plan: Plan, committee: Committee | None = None) -> PlanDocument:
    """The rows of the plan table in the document's order, in a fixed number of queries
    (committees with their people, goals, sub-goals, measures, statuses, priority groups)."""
    committees = Committee.objects.in_plan(plan)
    if committee is not None:
        committees = committees.filter(pk=committee.pk)
    committees = list(committees)
    goals_by_committee: dict[int, list[Goal]] = {}
    goals = (
        Goal.objects.active()
        .filter(plan=plan, committee__in=[c.pk for c in committees])
        .with_measures()
        .order_by("order", "pk")
    )
    for goal in goals:
        goals_by_committee.setdefault(goal.committee_id, []).append(goal)
    document = PlanDocument(plan=plan, committees=[])
    for item in committees:
        committee_goals = goals_by_committee.get(item.pk, [])
        if not committee_goals:
            continue
        document.committees.append(item)
        for goal in committee_goals:
            sections = goal.sections() or [(None, [])]
            for subgoal, measures in sections:
                for measure in measures or [None]:
                    document.rows.append(Row(item, goal, subgoal, measure))
    return document


# --- Word details python-docx has no API for (shading, repeated header, fields) ------------


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tcPr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    # The schema's order: w:shd comes before these (Word refuses a file with them out of order).
    tcPr.insert_element_before(
        shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def _repeat_as_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trPr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trPr.insert_element_before(header, "w:tblCellSpacing", "w:jc", "w:hidden")


def _keep_on_one_page(row) -> None:
    """A row is not split across pages (w:cantSplit), so a year cell's colour never shows on a
    page without its words; an office suite still splits a row taller than a page."""
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().insert_element_before(
        OxmlElement("w:cantSplit"),
        "w:trHeight",
        "w:tblHeader",
        "w:tblCellSpacing",
        "w:jc",
        "w:hidden",
    )


def _add_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) the office suite fills in when it lays out the pages."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(char("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


# --- Building the document ------------------------------------------------------------------


class _Writer:
    def __init__(self, source: PlanDocument):
        import docx

        self.source = source
        self.plan = source.plan
        self.years = self.plan.years
        self.doc = docx.Document()

    def build(self) -> bytes:
        self._page_setup()
        self._title()
        self._colour_key()
        self._plan_table()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # Page, title, key

    def _page_setup(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(PAGE_MARGIN_CM))
        self._fonts()
        properties = self.doc.core_properties
        properties.title = self.plan.title
        properties.language = "nn-NO"
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(f"{self.plan.title} – {PAGE_LABEL} ")
        _add_field(footer, "PAGE")
        footer.add_run(f" {PAGE_OF} ")
        _add_field(footer, "NUMPAGES")

    def _fonts(self) -> None:
        """Arial throughout (LibreOffice has a metric twin of it), not the theme's Calibri,
        which an office suite without it replaces by whatever it has."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Pt

        for name in ("Normal", "Title", "Heading 1", "Heading 2"):
            style = self.doc.styles[name]
            style.font.name = FONT
            fonts = style.element.rPr.rFonts
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(theme), None)
        self.doc.styles["Normal"].font.size = Pt(10)
        # The text's language, for spelling and for screen readers (w:lang has no API).
        rPr = self.doc.styles["Normal"].element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "nn-NO")
        rPr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")

    def _title(self) -> None:
        self.doc.add_paragraph(self.plan.title, style="Title")
        if self.plan.motto:
            motto = self.doc.add_paragraph()
            motto.add_run(self.plan.motto).italic = True
        if len(self.source.committees) == 1:
            self.doc.add_paragraph(self.source.committees[0].name, style="Heading 1")

    def _colour_key(self) -> None:
        from docx.shared import Cm, Pt, RGBColor

        self.doc.add_paragraph(KEY_HEADING, style="Heading 2")
        entries = [(PRIORITY_KEY_LABEL, PRIORITY_FILL, "000000")]
        entries += [(status_words(code), fill, ink) for code, (fill, ink) in self._statuses()]
        table = self.doc.add_table(rows=len(entries), cols=1)
        table.style = "Table Grid"
        table.autofit = False
        table.columns[0].width = Cm(7)
        for row, (label, fill, ink) in zip(table.rows, entries, strict=True):
            cell = row.cells[0]
            cell.width = Cm(7)
            _shade(cell, fill)
            run = cell.paragraphs[0].add_run(label)
            run.bold = True
            run.font.size = Pt(TABLE_FONT_PT)
            run.font.color.rgb = RGBColor.from_string(ink)
        self.doc.add_paragraph(KEY_EMPTY_NOTE)

    @staticmethod
    def _statuses():
        return [(code, STATUS_FILL_AND_INK[code]) for code in Status.values]

    # The plan table

    def _widths(self):
        from docx.shared import Cm

        left = TEXT_WIDTH_CM - YEAR_WIDTH_CM * len(self.years)
        scale = left / sum(LEFT_SHARES)
        return [Cm(share * scale) for share in LEFT_SHARES] + [Cm(YEAR_WIDTH_CM)] * len(self.years)

    def _plan_table(self) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

        self.doc.add_paragraph(TABLE_HEADING, style="Heading 2")
        rows = self.source.rows
        widths = self._widths()
        table = self.doc.add_table(rows=len(rows) + 1, cols=len(widths))
        table.style = "Table Grid"
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        # The cells read once: python-docx computes the whole grid on every table.cell().
        grid = [row.cells for row in table.rows]
        for cells in grid:
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

        for row in table.rows:
            _keep_on_one_page(row)
        header = grid[0]
        _repeat_as_header(table.rows[0])
        for cell, text in zip(header, [*HEADER, *map(str, self.years)], strict=True):
            _shade(cell, HEADER_FILL)
            self._write(cell, [text], bold=True)

        body = grid[1:]
        self._merged_column(body, rows, 0, lambda r: r.committee, self._committee_lines)
        self._merged_column(body, rows, 1, lambda r: r.goal, lambda goal: [goal.text])
        self._merged_column(body, rows, 2, lambda r: r.subgoal, lambda sub: [sub.text])
        for cells, row in zip(body, rows, strict=True):
            if row.measure is None:
                continue
            self._measure_cell(cells[3], row.measure)
            for cell, (_year, status) in zip(
                cells[4:], row.measure.statuses_by_year(self.years), strict=True
            ):
                self._year_cell(cell, status)

    def _merged_column(self, body, rows, column, item_of, lines_of) -> None:
        """Write each item once, its cell merged down the rows it runs over (w:vMerge)."""
        start = 0
        while start < len(rows):
            item = item_of(rows[start])
            end = start
            while end + 1 < len(rows) and item is not None and item_of(rows[end + 1]) is item:
                end += 1
            if item is not None:
                if end > start:
                    body[start][column]._tc.vMerge = "restart"
                    for below in range(start + 1, end + 1):
                        body[below][column]._tc.vMerge = "continue"
                self._write(body[start][column], lines_of(item), bold=column == 0)
            start = end + 1

    def _committee_lines(self, committee: Committee) -> list[str]:
        lines = [committee.name]
        if committee.leader:
            lines.append(f"{committee.leader_title or LEADER_LABEL}: {committee.leader.name}")
        if committee.deputy:
            lines.append(f"{DEPUTY_LABEL}: {committee.deputy.name}")
        if committee.secretary and not (
            committee.leader_title and committee.secretary_id == committee.leader_id
        ):
            lines.append(f"{SECRETARY_LABEL}: {committee.secretary.name}")
        return lines

    def _measure_cell(self, cell, measure: Measure) -> None:
        lines = measure.text.split("\n")
        if measure.responsible:
            lines += f"{RESPONSIBLE_LABEL}: {measure.responsible}".split("\n")
        groups = measure.listed_priority_groups()
        if groups:
            lines.append(f"{PRIORITY_LABEL}: " + ", ".join(group.name for group in groups))
            _shade(cell, PRIORITY_FILL)
        if measure.measurement:
            lines += f"{MEASUREMENT_LABEL}: {measure.measurement}".split("\n")
        self._write(cell, lines)

    def _year_cell(self, cell, status) -> None:
        from docx.shared import Pt, RGBColor

        if status is None:
            return
        paragraph = cell.paragraphs[0]
        if status.status:
            fill, ink = STATUS_FILL_AND_INK[status.status]
            _shade(cell, fill)
            run = paragraph.add_run(status_words(status.status))
            run.bold = True
            run.font.size = Pt(YEAR_FONT_PT)
            run.font.color.rgb = RGBColor.from_string(ink)
        for line in status.note.split("\n") if status.note else []:
            if paragraph.runs:
                paragraph = cell.add_paragraph()
            run = paragraph.add_run(line)
            run.font.size = Pt(YEAR_FONT_PT)
            if status.status:
                run.font.color.rgb = RGBColor.from_string(STATUS_FILL_AND_INK[status.status][1])

    @staticmethod
    def _write(cell, lines: list[str], *, bold: bool = False) -> None:
        """Each line its own paragraph (bullets as stored); the first line bold if asked."""
        from docx.shared import Pt

        paragraph = cell.paragraphs[0]
        for index, line in enumerate(lines):
            if index:
                paragraph = cell.add_paragraph()
            run = paragraph.add_run(line)
            run.font.size = Pt(TABLE_FONT_PT)
            run.bold = bold and index == 0


def plan_docx_bytes(plan: Plan, committee: Committee | None = None) -> bytes:
    """The plan (or one committee's part of it) as a .docx file."""
    return _Writer(collect(plan, committee)).build()


def plan_docx_filename(plan: Plan, committee: Committee | None = None) -> str:
    """E.g. "felles-handlingsplan-helsefellesskap-møre-og-romsdal-2023-2026.docx" (æøå kept)."""
    from django.utils.text import slugify

    name = slugify(plan.title, allow_unicode=True) or "handlingsplan"
    if committee is not None:
        name += f"-{committee.slug}"
    return f"{name}.docx"
