"""The plan table as a spreadsheet (XLSX) or CSV, from any filtered queryset of measures."""

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from .models import Status

# The plan's colour code for spreadsheet cells: fill and font colour (WCAG AA contrast).
XLSX_STATUS_STYLE = {
    Status.NOT_DONE: ("C62828", "FFFFFF"),
    Status.IN_PROGRESS: ("F9C74F", "1A1A1A"),
    Status.DONE: ("2E7D32", "FFFFFF"),
}


def plan_table_values(measures, years: list[int]) -> Iterator[list[str]]:
    """Header row, then one row per measure: its chain, text, people, groups, year statuses.

    `measures` is any Measure queryset (filtered as the page was); joins are added here.
    """
    yield [
        _("Committee"),
        _("Main goal"),
        _("Sub-goal"),
        _("Measure"),
        _("Responsible"),
        _("How it is measured"),
        _("Priority patient groups"),
        *[str(year) for year in years],
    ]
    for measure in measures.with_chain().in_plan_order():
        cells = []
        for year in years:
            status = measure.status_for(year)
            label = status.get_status_display() if status else ""
            note = status.note if status else ""
            cells.append(" – ".join(part for part in (label, note) if part))
        yield [
            measure.goal.committee.name,
            measure.goal.text,
            measure.subgoal.text if measure.subgoal else "",
            measure.text,
            measure.responsible,
            measure.measurement,
            ", ".join(group.name for group in measure.priority_groups.all()),
            *cells,
        ]


def csv_bytes(rows: Iterable[list[str]]) -> bytes:
    """CSV with a byte-order mark and semicolons, as Norwegian Excel opens it directly."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterable[list[str]], *, sheet_title: str) -> bytes:
    """A real spreadsheet: bold frozen header, filter, wrapped text, and every status cell
    filled with the status colour while keeping its label text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    styles = {
        str(Status(value).label): (
            PatternFill("solid", start_color=fill, end_color=fill),
            Font(color=ink, bold=True),
        )
        for value, (fill, ink) in XLSX_STATUS_STYLE.items()
    }
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]  # Excel's limit
    wrap = Alignment(wrap_text=True, vertical="top")
    rows = iter(rows)
    header = next(rows)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            label = str(cell.value or "").split(" – ")[0]
            if label in styles:
                cell.fill, cell.font = styles[label]
    widths = {"A": 24, "B": 40, "C": 40, "D": 60, "E": 30, "F": 30, "G": 30}
    for index in range(1, len(header) + 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(letter, 18)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
