import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from guidelines.models import GuidelineStatus
from tests.factories import make_guideline


def _detail(client, guideline):
    response = client.get(guideline.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_a_table_of_contents_linking_to_each_section(client, guideline_a):
    html = _detail(client, guideline_a)
    assert '<a href="#sec-føremål">Føremål</a>' in html
    assert '<h2 id="sec-føremål">Føremål</h2>' in html
    assert '<a href="#sec-tiltak">Tiltak</a>' in html


def test_status_and_last_updated_date_are_near_the_title(client, db):
    guideline = make_guideline("LTMV", last_updated_on=datetime.date(2020, 4, 28))
    html = _detail(client, guideline)
    header = html[html.index('id="guideline-title"') : html.index("guideline-actions")]
    assert "In force" in header
    assert "April 28, 2020" in header  # the language's date format (nn: 28. april 2020)


@pytest.mark.parametrize(
    ("status", "banner"),
    [
        (GuidelineStatus.WITHDRAWN, "Withdrawn."),
        (GuidelineStatus.UNDER_REVISION, "Under revision."),
    ],
)
def test_a_banner_warns_when_withdrawn_or_under_revision(client, db, status, banner):
    html = _detail(client, make_guideline("LTMV", status=status))
    assert banner in html


def test_a_banner_warns_when_past_the_review_date(client, db):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert "Past its review date." in _detail(client, make_guideline(next_review_on=yesterday))


def test_no_banner_for_a_current_guideline(client, db):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    html = _detail(client, make_guideline(next_review_on=tomorrow))
    assert "Past its review date." not in html
    assert "Withdrawn." not in html
    assert "Under revision." not in html


def test_the_page_links_the_print_stylesheet(client, guideline_a):
    html = _detail(client, guideline_a)
    assert 'href="/static/css/guidelines-print.css" media="print"' in html


def test_a_guideline_held_elsewhere_says_so_and_names_its_source(client, db):
    guideline = make_guideline(
        "LTMV",
        full_text_elsewhere=True,
        source_title="Sak 22-22 vedlegg 1",
        source_url="https://helse-mr.no/ltmv.pdf",
    )
    html = _detail(client, guideline)
    assert "The full text is held elsewhere." in html
    assert '<a href="https://helse-mr.no/ltmv.pdf" rel="noopener">Sak 22-22 vedlegg 1</a>' in html


def test_an_unknown_guideline_is_404(client, db):
    assert client.get(reverse("guidelines:detail", args=["finst-ikkje"])).status_code == 404


def test_the_pdf_download_is_a_pdf_with_the_text(client, guideline_a):
    from io import BytesIO

    from pypdf import PdfReader

    response = client.get(reverse("guidelines:pdf", args=[guideline_a.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{guideline_a.slug}.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "Samarbeid om innlegging" in text
    assert "Ring vakthavande" in text


def test_the_pdf_fetches_only_our_static_files(client, db, monkeypatch):
    from weasyprint.urls import URLFetcher

    fetched_elsewhere = []

    def record(self, url, headers=None):
        fetched_elsewhere.append(url)
        raise OSError(url)

    # The static-only fetcher never falls through to WeasyPrint's own fetching (but for data:).
    monkeypatch.setattr(URLFetcher, "fetch", record)
    guideline = make_guideline(
        summary='<img src="https://evil.example/x.png">',
        body='<img src="https://evil.example/x.png"><link rel="stylesheet" href="file:///etc/passwd">',
    )
    response = client.get(reverse("guidelines:pdf", args=[guideline.slug]))
    assert response.status_code == 200
    assert fetched_elsewhere == []


def test_the_static_only_fetcher_refuses_files_and_remote_addresses(settings):
    from helsefellesskap.pdf import BlockedResource, static_file_for

    assert static_file_for("file:///static/css/guidelines-print.css").endswith(
        "guidelines-print.css"
    )
    for url in [
        "https://evil.example/static/css/guidelines-print.css",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
    ]:
        with pytest.raises(BlockedResource):
            static_file_for(url)


@pytest.mark.parametrize("n_attachments", [1, 15])
def test_the_guideline_page_query_count_does_not_grow(
    client, alice, guideline_a, n_attachments, django_assert_max_num_queries
):
    from guidelines.models import GuidelineAttachment

    for i in range(n_attachments):
        GuidelineAttachment.objects.create(
            guideline=guideline_a,
            title=f"Skjema {i}",
            file=f"guidelines/{guideline_a.pk}/s{i}.pdf",
            original_name=f"s{i}.pdf",
            kind="pdf",
            size=10,
        )
    for i in range(n_attachments):
        guideline_a.publish_version(
            title=guideline_a.title, summary="", body=f"Tekst {i}", change_note="", by=alice
        )
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(guideline_a.get_absolute_url())
    assert response.status_code == 200
