"""The PDF renderer fetches only the project's own static files, never what users typed."""

from unittest import mock

import pytest

from helsefellesskap import pdf
from tests.factories import make_measure, make_plan_with_measures

pytestmark = pytest.mark.django_db

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<img src="http://169.254.169.254/latest/meta-data/">',
    '<link rel="stylesheet" href="https://example.com/evil.css">',
]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/static/css/report.css",
        "file://evil/static/css/report.css",
        "file:///static/../../etc/passwd",
        "ftp://example.com/static/x",
    ],
)
def test_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(pdf.BlockedResource):
        pdf.static_file_for(url)


def test_fetcher_serves_our_static_files_with_their_type():
    response = pdf._static_only_url_fetcher().fetch("file:///static/css/report.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


def test_measure_text_with_markup_is_shown_as_text_and_never_fetched(fetched):
    from actionplan.report import build_report, report_html_parts

    plan, measures = make_plan_with_measures(2, committees=1)
    goal = measures[0].goal
    for text in HOSTILE:
        make_measure(goal, f"Tiltak {text}")
    html = "".join(report_html_parts(build_report(plan=plan, year=2024)))
    for text in HOSTILE:
        assert text not in html  # escaped, so WeasyPrint sees text, not a tag
    content, _pages = pdf.html_to_pdf_with_pages(html)

    from io import BytesIO

    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert "file:///etc/passwd" in text.replace("\n", "")
    assert fetched  # the stylesheet and fonts did go through the fetcher
    assert all(url.startswith("file:///static/") for url in fetched), fetched


def test_raw_markup_that_slipped_through_is_still_not_fetched(fetched):
    """Even if a template forgot to escape, the fetcher refuses the request."""
    with mock.patch("urllib.request.OpenerDirector.open") as network:
        pdf.html_to_pdf("<p>x</p>" + "".join(HOSTILE))
    network.assert_not_called()
    assert "file:///etc/passwd" in fetched
    assert "http://169.254.169.254/latest/meta-data/" in fetched


def test_html_to_pdf_makes_a_tagged_pdf():
    from io import BytesIO

    from pypdf import PdfReader

    content = pdf.html_to_pdf('<html lang="nn"><title>T</title><h1>Hei</h1></html>')
    root = PdfReader(BytesIO(content)).trailer["/Root"]
    assert root["/Lang"] == "nn"
    assert root["/MarkInfo"]["/Marked"]
