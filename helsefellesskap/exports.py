"""File downloads every app offers: CSV that spreadsheet programs open correctly."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

# A cell starting with one of these is a formula to Excel and LibreOffice; a leading
# apostrophe keeps it text (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_response(rows: Iterable[Iterable], filename: str) -> HttpResponse:
    """A CSV download of `rows` (the first row is the header) as UTF-8 with a byte-order mark,
    so Excel shows æøå correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerows([_safe_cell(cell) for cell in row] for row in rows)
    return response
