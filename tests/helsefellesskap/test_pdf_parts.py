"""A document laid out as parts: the parts' cache, the join and the page numbers."""

import io
import os
import time

import pikepdf
import pytest
from django.templatetags.static import static
from pypdf import PdfReader

from helsefellesskap import pdf_parts
from helsefellesskap.pdf import ACCESSIBLE_PDF, render_html
from helsefellesskap.pdf_merge import PdfPart, anchor_pages, merge_tagged
from helsefellesskap.pdf_page_numbers import (
    DIGITS,
    FooterPlace,
    glyph_font,
    stamp_page_numbers,
)

LABEL = "side %(page)s av %(pages)s"


def _html(body: str, title: str = "Del") -> str:
    return (
        f'<html lang="nn"><head><title>{title}</title>'
        "<style>h2 { bookmark-level: 1 } .new-page { break-before: page }</style>"
        f"</head><body>{body}</body></html>"
    )


def _pdf(body: str, title: str = "Del") -> bytes:
    return render_html(_html(body, title)).write_pdf(**ACCESSIBLE_PDF)


def _read(joined) -> PdfReader:
    return PdfReader(io.BytesIO(joined.write()))


@pytest.fixture
def two_parts():
    first = _pdf('<h2 id="a">Første</h2><p>Alfa</p><p class="new-page">Alfa to</p>', "Rapport")
    second = _pdf('<h2 id="b">Andre</h2><p>Beta <a href="#b">lenkje</a></p>')
    return first, second


def test_joined_pdf_has_every_parts_pages_and_bookmarks_in_order(two_parts):
    reader = _read(merge_tagged([PdfPart(content) for content in two_parts]))
    assert len(reader.pages) == 3
    assert "Alfa" in reader.pages[0].extract_text()
    assert "Beta" in reader.pages[2].extract_text()
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert outline == [("Første", 0), ("Andre", 2)]


def test_joined_pdf_is_one_tagged_document_in_the_first_parts_language(two_parts):
    reader = _read(merge_tagged([PdfPart(content) for content in two_parts]))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nn"
    assert root["/MarkInfo"]["/Marked"]
    assert reader.metadata["/Title"] == "Rapport"
    structure = root["/StructTreeRoot"]
    document = structure["/K"][0].get_object()
    assert document["/S"] == "/Document"
    assert [kid.get_object()["/S"] for kid in document["/K"]] == ["/Part", "/Part"]
    # Every page finds its marked content through the parent tree, under a key of its own,
    # and every element found there hangs under the one Document.
    numbers = structure["/ParentTree"]["/Nums"]
    tree = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    keys = [page["/StructParents"] for page in reader.pages]
    assert len(set(keys)) == len(keys) == 3
    assert structure["/ParentTreeNextKey"] > max(tree)
    for key in keys:
        for element in tree[key]:
            node = element.get_object()
            while node["/S"] != "/Document":
                node = node["/P"].get_object()
            assert node == document


def test_joined_pdf_is_a_pdf_1_7_that_keeps_its_pdf_ua_identification(two_parts):
    content = merge_tagged([PdfPart(part) for part in two_parts]).write()

    assert content.startswith(b"%PDF-1.7")
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert pdf.pdf_version == "1.7"
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        assert pdf.Root.MarkInfo.Marked
        assert str(pdf.Root.Lang) == "nn"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.check_pdf_syntax() == []  # qpdf's own checks of the file find nothing


def test_a_link_to_another_part_lands_on_the_page_of_that_parts_anchor():
    contents = _pdf('<p><a href="#b">Til B</a><span id="b"></span></p>')
    target = _pdf('<p>Føreord</p><h2 id="b" class="new-page">B</h2>')
    reader = _read(merge_tagged([PdfPart(contents, owns_anchors=False), PdfPart(target)]))
    link = reader.pages[0]["/Annots"][0].get_object()
    destination = reader.named_destinations[link["/Dest"]]
    assert reader.get_destination_page_number(destination) == 2  # not the stand-in on page 0
    numbers = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    assert link["/StructParent"] in numbers[::2]  # the link is still tagged
    assert anchor_pages([target], first_page=2) == {"b": 3}


def test_every_page_gets_its_number_as_a_pagination_artifact(two_parts):
    joined = merge_tagged([PdfPart(content) for content in two_parts])
    font = glyph_font(
        LABEL % {"page": DIGITS, "pages": ""},
        render_html,
        css_href=static("css/report.css"),
        font_css="font-family: 'Source Sans 3'; font-size: 8pt",
    )
    stamp_page_numbers(joined.pdf, label=LABEL, font=font, place=FooterPlace((16, 20), (14, 16)))
    reader = _read(joined)
    for number, page in enumerate(reader.pages, start=1):
        assert page.extract_text().rstrip().endswith(f"side {number} av 3")
        assert b"/Artifact <</Type /Pagination" in page.get_contents().get_data()


@pytest.fixture
def part_cache(settings, tmp_path):
    settings.PDF_PART_CACHE_DIR = tmp_path / "parts"
    return settings.PDF_PART_CACHE_DIR


def test_the_parts_are_kept_in_the_local_folder_by_default(part_cache, settings):
    settings.PDF_RENDER_WORKERS = 1
    assert settings.PDF_PART_STORAGE is None  # STORAGE_BACKEND=local
    assert isinstance(pdf_parts.part_cache(), pdf_parts.FolderPartCache)
    pdf_parts.render_parts([_html("<p>Lokal</p>")])
    assert [path.suffix for path in part_cache.iterdir()] == [".pdf"]  # no temporary left


def test_a_part_is_laid_out_once_and_reused_while_its_html_is_unchanged(part_cache, settings):
    settings.PDF_RENDER_WORKERS = 1
    first = pdf_parts.render_parts([_html("<p>A</p>"), _html("<p>B</p>")])
    assert [part.reused for part in first] == [False, False]
    again = pdf_parts.render_parts([_html("<p>A</p>"), _html("<p>B endra</p>")])
    assert [part.reused for part in again] == [True, False]
    assert again[0].content == first[0].content
    assert "B endra" in PdfReader(io.BytesIO(again[1].content)).pages[0].extract_text()


def test_parts_laid_out_in_parallel_come_back_in_order(part_cache, settings):
    settings.PDF_RENDER_WORKERS = 2
    texts = [f"Del nummer {n}" for n in range(5)]
    parts = pdf_parts.render_parts(_html(f"<p>{text}</p>") for text in texts)
    assert [PdfReader(io.BytesIO(p.content)).pages[0].extract_text() for p in parts] == texts


def test_parts_unused_for_a_month_are_pruned(part_cache, settings):
    settings.PDF_RENDER_WORKERS = 1
    pdf_parts.render_parts([_html("<p>Gammal</p>")])
    (old,) = part_cache.glob("*.pdf")
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    pdf_parts.render_parts([_html("<p>Ny</p>")])
    assert not old.exists()
    assert len(list(part_cache.glob("*.pdf"))) == 1


def _render_in_daemon(results):
    try:
        parts = pdf_parts.render_parts([_html("<p>Frå ein arbeidar</p>"), _html("<p>To</p>")])
        results.put([len(part.content) > 0 for part in parts])
    except Exception as error:
        results.put(repr(error))


def test_parts_are_laid_out_in_parallel_from_a_daemonic_process_too(part_cache, settings):
    """A Celery prefork worker runs its tasks in daemonic processes."""
    import multiprocessing

    settings.PDF_RENDER_WORKERS = 2
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    task = context.Process(target=_render_in_daemon, args=(results,), daemon=True)
    task.start()
    assert results.get(timeout=120) == [True, True]
    task.join(timeout=30)
    assert task.exitcode == 0
