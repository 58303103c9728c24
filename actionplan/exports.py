"""The plan table as a real spreadsheet (XLSX): the same rows as its CSV (the table's
`as_values()`, filtered and ordered as on the page), with the status cells coloured."""

import io
from collections.abc import Iterable

from django.http import HttpResponse

from helsefellesskap.exports import set_download_name

from .models import Status

# The plan's colour code for spreadsheet and Word cells (as the charts draw it): fill and font
# colour, with enough contrast between them (WCAG AA). The Word export's colour key and year
# cells share these fills, which is how its import tells the statuses apart.
STATUS_FILL_AND_INK = {
    Status.NOT_DONE: ("C62828", "FFFFFF"),
    Status.IN_PROGRESS: ("F2C94C", "1A1A1A"),
    Status.DONE: ("2E7D32", "FFFFFF"),
}


def xlsx_bytes(rows: Iterable[Iterable], *, sheet_title: str) -> bytes:
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
        for value, (fill, ink) in STATUS_FILL_AND_INK.items()
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
        sheet.append([("" if value is None else str(value)) for value in row])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
            if cell.data_type == "f":
                # Typed text that starts with "=" stays text, never a formula (CSV injection).
                cell.data_type = "s"
            if cell.value in styles:
                cell.fill, cell.font = styles[cell.value]
    widths = {"A": 18, "B": 40, "C": 40, "D": 60, "E": 30, "F": 30, "G": 30}
    for index in range(1, len(header) + 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(letter, 18)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(rows: Iterable[Iterable], filename: str, *, sheet_title: str) -> HttpResponse:
    """A spreadsheet download of `rows` (the first row is the header)."""
    response = HttpResponse(
        xlsx_bytes(rows, sheet_title=sheet_title), content_type=XLSX_CONTENT_TYPE
    )
    set_download_name(response, filename)
    return response
