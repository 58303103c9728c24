import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guidelines.models import GuidelineAttachment

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOC_BYTES = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 512


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("virus.exe", "MZ")
    return buffer.getvalue()


def _upload(client, guideline, name, content, title=""):
    url = reverse("guidelines:attachments", args=[guideline.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content), "title": title})


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("Loggskjema.docx", None, "docx"),
        ("Retningsline.pdf", PDF_BYTES, "pdf"),
        ("Gammalt skjema.DOC", DOC_BYTES, "doc"),
    ],
)
def test_editor_uploads_pdf_and_word_files(client, alice, guideline_a, name, content, kind):
    client.force_login(alice)
    response = _upload(client, guideline_a, name, content or _docx_bytes(), title="Loggskjema")
    assert response.status_code == 302
    attachment = GuidelineAttachment.objects.get()
    assert (attachment.kind, attachment.original_name, attachment.uploaded_by) == (
        kind,
        name,
        alice,
    )
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert name in download["Content-Disposition"]


def test_an_attachment_shows_on_the_guideline_page(client, alice, guideline_a):
    client.force_login(alice)
    _upload(client, guideline_a, "skjema.pdf", PDF_BYTES, title="Loggskjema")
    html = client.get(guideline_a.get_absolute_url()).content.decode()
    assert "Loggskjema" in html
    assert "PDF" in html


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bilde.png", b"\x89PNG\r\n\x1a\n", "Only PDF and Word files"),
        ("script.pdf", b"<script>alert(1)</script>", "content is not a PDF file"),
        ("arkiv.docx", None, "content is not a DOCX file"),
        ("skjema.doc", PDF_BYTES, "content is not a DOC file"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_with_a_clear_message(
    client, alice, guideline_a, name, content, message
):
    client.force_login(alice)
    response = _upload(client, guideline_a, name, content or _zip_bytes())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GuidelineAttachment.objects.exists()


def test_a_file_that_is_too_large_is_refused_with_a_clear_message(
    client, alice, guideline_a, settings
):
    settings.GUIDELINE_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(alice)
    response = _upload(client, guideline_a, "stor.pdf", PDF_BYTES + b"0" * 2048)
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors[0] == "The file is 2.0\xa0KB; attachments may be at most 1.0\xa0KB."
    assert errors[0] in response.content.decode()
    assert not GuidelineAttachment.objects.exists()


def test_another_committees_editor_cannot_upload(client, alice, committee_b):
    from tests.factories import make_guideline

    other = make_guideline(committee=committee_b)
    client.force_login(alice)
    assert _upload(client, other, "x.pdf", PDF_BYTES).status_code == 403
    assert not GuidelineAttachment.objects.exists()


def test_a_removed_attachment_is_kept_but_no_longer_offered(client, alice, guideline_a):
    client.force_login(alice)
    _upload(client, guideline_a, "skjema.pdf", PDF_BYTES, title="Gammalt skjema")
    attachment = GuidelineAttachment.objects.get()
    url = reverse("guidelines:remove_attachment", args=[guideline_a.slug, attachment.pk])
    assert client.post(url, follow=True).status_code == 200
    attachment.refresh_from_db()
    assert attachment.removed_by == alice
    assert "Gammalt skjema" not in client.get(guideline_a.get_absolute_url()).content.decode()
    assert client.get(attachment.get_absolute_url()).status_code == 404
