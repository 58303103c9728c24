import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meetings.models import Attachment
from tests.factories import make_bob, make_meeting

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def meeting(committee_a):
    return make_meeting("Utvalsmøte", committee=committee_a)


def _upload(client, meeting, name, content, title="Lysark"):
    return client.post(
        f"/meetings/{meeting.pk}/attachments/",
        {"title": title, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_organiser_attaches_a_pdf_and_everyone_can_download_it(client, alice, meeting):
    client.force_login(alice)
    response = _upload(client, meeting, "lysark.pdf", PDF)
    assert "The file was attached." in response.content.decode()
    attachment = Attachment.objects.get()
    client.logout()
    download = client.get(f"/meetings/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_file_of_the_wrong_type_is_refused_with_a_clear_message(client, alice, meeting):
    client.force_login(alice)
    response = _upload(client, meeting, "program.exe", b"MZ\x90\x00")
    html = response.content.decode()
    assert "Files of type .exe cannot be attached." in html
    assert not Attachment.objects.exists()


def test_a_file_whose_content_is_not_its_type_is_refused(client, alice, meeting):
    client.force_login(alice)
    response = _upload(client, meeting, "lysark.pdf", b"<html>not a pdf</html>")
    assert "does not match its type (.pdf)" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_too_large_is_refused_with_the_limit(client, alice, meeting, settings):
    settings.MEETING_ATTACHMENT_MAX_BYTES = 1024 * 1024
    client.force_login(alice)
    response = _upload(client, meeting, "stor.pdf", PDF + b"0" * (1024 * 1024))
    assert "The file is too large (1.0 MB). The limit is 1 MB." in response.content.decode()
    assert not Attachment.objects.exists()


def test_editor_of_another_committee_cannot_attach(client, meeting, committee_b):

    bob = make_bob()
    committee_b.editors.add(bob)
    client.force_login(bob)
    response = client.post(
        f"/meetings/{meeting.pk}/attachments/",
        {"title": "x", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_withdrawn_file_is_hidden_but_kept(client, alice, meeting):
    client.force_login(alice)
    _upload(client, meeting, "lysark.pdf", PDF)
    attachment = Attachment.objects.get()
    client.post(f"/meetings/attachments/{attachment.pk}/withdraw/")
    attachment.refresh_from_db()
    assert attachment.withdrawn
    assert client.get(f"/meetings/attachments/{attachment.pk}/").status_code == 404
    assert "lysark" not in client.get(f"/meetings/{meeting.pk}/").content.decode().lower()


def test_files_of_a_closed_meeting_are_not_served_to_others(client, alice, committee_a):
    closed = make_meeting("Lukka", committee=committee_a, is_public=False)
    client.force_login(alice)
    _upload(client, closed, "lysark.pdf", PDF)
    attachment = Attachment.objects.get()
    client.logout()
    assert client.get(f"/meetings/attachments/{attachment.pk}/").status_code == 404


@pytest.mark.s3
@pytest.mark.django_db(transaction=True)
def test_a_file_attached_while_the_object_storage_is_down_is_not_half_saved(
    client, alice, meeting, s3_storage, s3_outage
):
    client.force_login(alice)
    s3_outage.cut()

    response = _upload(client, meeting, "lysark.pdf", PDF)

    assert "nothing was saved" in response.content.decode()
    assert not Attachment.objects.exists()
    assert s3_storage.list_objects_v2(Bucket=s3_storage.bucket).get("KeyCount") == 0

    s3_outage.restore()
    assert "The file was attached." in _upload(client, meeting, "lysark.pdf", PDF).content.decode()
    attachment = Attachment.objects.get()
    download = client.get(f"/meetings/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == PDF
