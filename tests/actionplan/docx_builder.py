"""Build plan documents (.docx) in code, in the layout of the real "Felles handlingsplan".

One table: committee | hovudmål | delmål | tiltak | a column per year, the header row marked
to repeat on every page (w:tblHeader), committee, goal and sub-goal cells merged down their
rows (vMerge) or repeated, year cells shaded in the status colour with an optional note, and a
colour key (a small table of shaded cells) above it. `plan_to_doc(plan)` turns a plan in the
database into the same description, so tests can build a document of the real plan's size.
"""

import io
from dataclasses import dataclass, field

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

RED, YELLOW, GREEN, BLUE = "FF0000", "FFC000", "00B050", "9DC3E6"
COLOURS = {"not_done": RED, "in_progress": YELLOW, "done": GREEN}

KEY_LABELS = {
    "nb": ("Ikke gjennomført", "Under planlegging/ under arbeid", "Gjennomført"),
    "nn": ("Ikkje gjennomført", "Under planlegging/ under arbeid", "Gjennomført"),
}

HEADER = (
    "Faglege samarbeidsutval for",
    "Kvar vil vi? Hovudmål",
    "Kvar vil vi? Delmål",
    "Korleis skal vi få det til? Tiltak",
)


@dataclass
class M:
    """A measure; years maps a year to (status code or None, note)."""

    text: str
    measurement: str = ""
    years: dict = field(default_factory=dict)
    responsible: str = ""  # written as "Ansvarleg: …" when given
    priority_groups: list = field(default_factory=list)  # "Prioritert pasientgruppe: a, b"


@dataclass
class SG:
    text: str
    measures: list = field(default_factory=list)


@dataclass
class G:
    text: str
    measures: list = field(default_factory=list)
    subgoals: list = field(default_factory=list)


@dataclass
class C:
    name: str
    leader: str = ""
    deputy: str = ""
    leader_title: str = ""  # "Fungerande leiar og sekretær": then no deputy line
    goals: list = field(default_factory=list)


def shade(element_pr, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    element_pr.append(shd)


def shade_cell(cell, fill: str) -> None:
    shade(cell._tc.get_or_add_tcPr(), fill)


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trPr.append(header)


def _write_lines(cell, lines, *, bullets: str) -> None:
    """Each line its own paragraph; with bullets="list" a "· " line becomes a Word list item."""
    first = True
    for line in lines:
        style = None
        if bullets == "list" and line.startswith(("· ", "- ")):
            line, style = line[2:], "List Bullet"
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.add_run(line)
        if style:
            paragraph.style = style


def _committee_lines(c: C) -> list[str]:
    lines = [c.name]
    if c.leader_title:
        lines.append(f"{c.leader_title}: {c.leader}")
        return lines
    if c.leader:
        lines.append(f"Leiar: {c.leader}")
    if c.deputy:
        lines.append(f"Nestleiar: {c.deputy}")
    return lines


def _rows(committees):
    """(committee, goal, sub-goal or None, measure or None) per table row."""
    for c in committees:
        for g in c.goals:
            if not g.measures and not g.subgoals:
                yield c, g, None, None
            for m in g.measures:
                yield c, g, None, m
            for s in g.subgoals:
                if not s.measures:
                    yield c, g, s, None
                for m in s.measures:
                    yield c, g, s, m


def build_docx(
    committees,
    *,
    years=(2022, 2023, 2024),
    key: str | None = "nn",
    colours=None,
    merge: bool = True,
    bullets: str = "text",
    year_shading: str = "cell",
    title: str = "Felles handlingsplan Helsefellesskap Møre og Romsdal 2023-2026",
) -> bytes:
    """The .docx bytes of a plan document. key: "nn", "nb" or None (no colour key);
    merge: vertically merged cells (else repeated text); year_shading: "cell", "paragraph"
    (a shaded paragraph) or "highlight" (a highlighted run)."""
    colours = {**COLOURS, **(colours or {})}
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(title, level=1)
    if key:
        document.add_paragraph("Fargekoding")
        labels = ["Dei prioriterte pasientgruppene", *KEY_LABELS[key]]
        fills = [BLUE, colours["not_done"], colours["in_progress"], colours["done"]]
        legend = document.add_table(rows=len(labels), cols=2)
        for row, label, fill in zip(legend.rows, labels, fills, strict=True):
            row.cells[0].text = label
            shade_cell(row.cells[1], fill)
    document.add_paragraph("Mål og tiltak")

    rows = list(_rows(committees))
    table = document.add_table(rows=1 + len(rows), cols=4 + len(years))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, [*HEADER, *map(str, years)], strict=True):
        cell.text = text
    _repeat_header(table.rows[0])

    spans = {0: [], 1: [], 2: []}  # column -> [[first row, last row]]
    previous = {0: None, 1: None, 2: None}
    for i, (c, g, s, m) in enumerate(rows, start=1):
        cells = table.rows[i].cells
        identities = {0: (id(c),), 1: (id(c), id(g)), 2: (id(c), id(g), id(s)) if s else None}
        texts = {0: _committee_lines(c), 1: [g.text], 2: [s.text] if s else []}
        for column, identity in identities.items():
            continues = identity is not None and identity == previous[column]
            previous[column] = identity
            if continues and merge:
                spans[column][-1][1] = i
                continue
            if identity is None:
                continue  # no sub-goal: the cell stays empty
            _write_lines(cells[column], texts[column], bullets=bullets)
            spans[column].append([i, i])
        if m is None:
            continue
        lines = m.text.split("\n")
        if m.responsible:
            lines.append(f"Ansvarleg: {m.responsible}")
        if m.priority_groups:
            lines.append("Prioritert pasientgruppe: " + ", ".join(m.priority_groups))
        if m.measurement:
            measurement = m.measurement.split("\n")
            lines += [f"Måleverktøy: {measurement[0]}", *measurement[1:]]
        _write_lines(cells[3], lines, bullets=bullets)
        for offset, year in enumerate(years):
            status, note = m.years.get(year, (None, ""))
            _year_cell(cells[4 + offset], status, note, colours, year_shading)
    if merge:
        for column, column_spans in spans.items():
            for first, last in column_spans:
                if last > first:
                    table.cell(first, column).merge(table.cell(last, column))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _year_cell(cell, status, note, colours, year_shading) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(note or "")
    if not status:
        return
    fill = colours.get(status, status)  # a raw RRGGBB for odd colours
    if year_shading == "cell":
        shade_cell(cell, fill)
    elif year_shading == "paragraph":
        shade(paragraph._p.get_or_add_pPr(), fill)
    else:
        from docx.enum.text import WD_COLOR_INDEX

        highlight = {RED: WD_COLOR_INDEX.RED, GREEN: WD_COLOR_INDEX.BRIGHT_GREEN}.get(
            fill, WD_COLOR_INDEX.YELLOW
        )
        if not note:
            run.text = " "
        run.font.highlight_color = highlight


def plan_to_doc(plan, *, statuses=None) -> list[C]:
    """The plan's active committees, goals, sub-goals and measures as builder input, each
    measure's years from its statuses (or `statuses(measure)` -> {year: (status, note)})."""
    from actionplan.models import Committee, Goal

    goals = (
        Goal.objects.active()
        .filter(plan=plan)
        .select_related("committee__leader", "committee__deputy")
        .with_measures()
        .order_by("committee__order", "committee_id", "order", "pk")
    )
    by_committee: dict[int, C] = {}
    for goal in goals:
        committee: Committee = goal.committee
        c = by_committee.get(committee.pk)
        if c is None:
            c = by_committee[committee.pk] = C(
                name=committee.name,
                leader=committee.leader.name if committee.leader else "",
                deputy=committee.deputy.name if committee.deputy else "",
                leader_title=committee.leader_title,
            )
        g = G(goal.text)
        c.goals.append(g)
        for subgoal, measures in goal.sections():
            target = g.measures if subgoal is None else SG(subgoal.text).measures
            if subgoal is not None:
                g.subgoals.append(SG(subgoal.text, target))
            for measure in measures:
                years = (
                    statuses(measure)
                    if statuses
                    else {
                        s.year: (s.status or None, s.note)
                        for s in measure.statuses.all()
                        if s.status or s.note
                    }
                )
                target.append(M(measure.text, measure.measurement, years))
    return list(by_committee.values())
