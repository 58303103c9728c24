"""File downloads every app offers: CSV that spreadsheet programs open correctly."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# A cell starting with one of these is a formula to Excel and LibreOffice; a leading
# apostrophe keeps it text (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def set_download_name(response: HttpResponse, filename: str, *, inline: bool = False) -> None:
    """Name the download; a name with æøå is sent as RFC 6266 filename* (UTF-8), so the
    browser saves "møre.csv" rather than a name with the letters dropped."""
    response["Content-Disposition"] = content_disposition_header(not inline, filename)


def csv_response(rows: Iterable[Iterable], filename: str) -> HttpResponse:
    """A CSV download of `rows` (the first row is the header) for Norwegian spreadsheets:
    semicolon-separated (the comma is the decimal sign in nb/nn locales) and UTF-8 with a
    byte-order mark, so Excel opens the columns apart and shows æøå correctly."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    set_download_name(response, filename)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerows([_safe_cell(cell) for cell in row] for row in rows)
    return response
