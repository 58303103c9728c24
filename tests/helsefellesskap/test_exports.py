"""CSV downloads open in a Norwegian spreadsheet as columns, and keep æøå in the file name."""

import csv
import io
from urllib.parse import quote

from django.http import HttpResponse

from helsefellesskap.exports import csv_response, set_download_name


def test_csv_is_semicolon_separated_utf8_with_bom():
    response = csv_response(
        [["Utval", "Tiltak"], ["Rehabilitering", "Felles rutinar; ny"]], "x.csv"
    )
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Utval;Tiltak"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1] == ["Rehabilitering", "Felles rutinar; ny"]


def test_file_name_keeps_norwegian_letters():
    response = csv_response([["a"]], "handlingsplan-møre-og-romsdal.csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + quote("handlingsplan-møre-og-romsdal.csv") in disposition


def test_plain_names_stay_plain_and_inline_is_possible():
    response = HttpResponse()
    set_download_name(response, "rettleiar.pdf", inline=True)
    assert response["Content-Disposition"] == 'inline; filename="rettleiar.pdf"'
