"""A meeting's minutes as PDF: what it holds, who may ask for it, the guard, failure and retry."""

import datetime
import io
from unittest import mock

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from helsefellesskap.render_jobs import JobState
from meetings import services
from meetings.minutes_pdf import render_minutes_html
from meetings.models import MinutesExport
from tests.factories import make_action_point, make_agenda_item, make_meeting, make_person

# Transactional, so the enqueue that waits for the commit runs when the view commits, as live.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def meeting(db):
    """The 16.03.2020 meeting, as the seed has it, with a dialogue question and action points."""
    meeting = make_meeting(
        "Samarbeidsmøte HMR og kommunane",
        date=datetime.date(2020, 3, 16),
        start_time=datetime.time(12, 30),
        end_time=datetime.time(13, 30),
        place="Teams",
        purpose="Felles situasjonsforståing",
        minutes="Møtet vart gjennomført på Teams.",
    )
    make_agenda_item(meeting, "Status smittesituasjonen", order=1, presenter_text="Lena")
    make_agenda_item(
        meeting,
        "Bordgruppe 1",
        order=2,
        question="Kva fungerer godt i samhandlinga?",
        summary="Faste møtepunkt blir opplevd som nyttige.",
    )
    make_action_point(
        meeting,
        "Lage felles rutine for testing",
        contact_person=make_person("Kari Kontakt"),
        responsible_organisation="Ålesund kommune",
        due_date=datetime.date(2020, 4, 1),
        status="done",
    )
    make_action_point(meeting, "Kartlegge smittevernutstyr", status="in_progress")
    return meeting


@pytest.fixture
def closed_meeting(committee_a):
    """A non-public meeting of committee A: only its organisers read it."""
    return make_meeting("Arbeidsmøte i utval A", committee=committee_a, is_public=False)


def _pdf(export) -> PdfReader:
    with export.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def _text(reader: PdfReader) -> str:
    """The PDF's words with line breaks as spaces: a table cell may wrap anywhere."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _ask(client, meeting, **kwargs):
    return client.post(reverse("meetings:minutes_export_new", args=[meeting.pk]), **kwargs)


# --- What the PDF holds.


def test_pdf_holds_title_agenda_minutes_and_action_points(client, charlie, meeting):
    client.force_login(charlie)
    response = _ask(client, meeting)
    export = MinutesExport.objects.get()
    assert response.status_code == 302
    assert response.url == export.get_absolute_url()
    assert export.state == JobState.DONE
    assert export.requested_by == charlie
    assert export.size == export.file.size
    reader = _pdf(export)
    text = _text(reader)
    for expected in [
        "Samarbeidsmøte HMR og kommunane",
        "16. mars 2020",
        "12:30–13:30",
        "Teams",
        "Felles situasjonsforståing",
        "Status smittesituasjonen",
        "Lena",
        "Kva fungerer godt i samhandlinga?",
        "Faste møtepunkt blir opplevd som nyttige.",
        "Møtet vart gjennomført på Teams.",
        "Lage felles rutine for testing",
        "Kari Kontakt",
        "Ålesund kommune",
        "1. april 2020",  # the one Norwegian date format
        "Kartlegge smittevernutstyr",
        "Gjennomført",  # status as words, not colour
        "Under arbeid",
        "Aksjonspunkt",
    ]:
        assert expected in text, expected
    assert f"side 1 av {len(reader.pages)}" in text
    assert export.pages == len(reader.pages)
    assert reader.metadata["/Title"] == "Samarbeidsmøte HMR og kommunane – referat"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nn"
    assert "/StructTreeRoot" in root  # tagged for screen readers
    fonts = {
        str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()
    }
    assert any("Source-Sans-3" in name for name in fonts)  # the shipped font, fetched statically


def test_meeting_without_a_date_says_so(db):
    undated = make_meeting("Dialogmøte om rehabilitering", date_note="Datoen står ikkje i kjelda")
    html = render_minutes_html(undated)
    assert "Dato ikkje oppgitt" in html
    assert "Datoen står ikkje i kjelda" in html
    assert 'lang="nn"' in html


def test_download_serves_the_pdf_under_a_readable_name(client, charlie, meeting):
    client.force_login(charlie)
    _ask(client, meeting)
    export = MinutesExport.objects.get()
    download = client.get(reverse("meetings:minutes_export_download", args=[export.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert (
        "referat-2020-03-16-samarbeidsmote-hmr-og-kommunane.pdf" in download["Content-Disposition"]
    )
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_meeting_page_offers_the_pdf_to_logged_in_readers_and_login_to_others(
    client, charlie, meeting
):
    url = reverse("meetings:minutes_export_new", args=[meeting.pk])
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert url not in page
    assert f"/accounts/login/?next=/meetings/{meeting.pk}/" in page
    client.force_login(charlie)
    assert url in client.get(meeting.get_absolute_url()).content.decode()


# --- Who may ask for it and see it.


def test_anonymous_request_goes_to_login(client, meeting):
    response = _ask(client, meeting)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not MinutesExport.objects.exists()


def test_user_without_rights_cannot_export_a_non_public_meeting(client, charlie, closed_meeting):
    client.force_login(charlie)
    assert _ask(client, closed_meeting).status_code == 404
    assert not MinutesExport.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.minutes_export_request(meeting=closed_meeting, by=charlie)


def test_organiser_may_export_her_committees_non_public_meeting(client, alice, closed_meeting):
    client.force_login(alice)
    assert _ask(client, closed_meeting).status_code == 302
    assert MinutesExport.objects.get().state == JobState.DONE


def test_export_of_a_non_public_meeting_is_hidden_from_others(
    client, alice, charlie, closed_meeting
):
    export, _ = services.minutes_export_request(meeting=closed_meeting, by=alice)
    client.force_login(charlie)
    for name in ("minutes_export", "minutes_export_download"):
        assert client.get(reverse(f"meetings:{name}", args=[export.pk])).status_code == 404
    retry = reverse("meetings:minutes_export_retry", args=[export.pk])
    assert client.post(retry).status_code == 404
    client.logout()
    response = client.get(export.get_absolute_url())
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_request_must_be_a_post(client, charlie, meeting):
    client.force_login(charlie)
    url = reverse("meetings:minutes_export_new", args=[meeting.pk])
    assert client.get(url).status_code == 405


# --- The double-request guard.


def test_second_request_while_one_is_queued_returns_it(client, charlie, secretariat, meeting):
    running = MinutesExport.objects.create(meeting=meeting, requested_by=secretariat)
    client.force_login(charlie)
    with mock.patch("meetings.tasks.render_minutes.apply_async") as send:
        response = _ask(client, meeting, follow=True)
    send.assert_not_called()
    assert MinutesExport.objects.get() == running
    assert response.redirect_chain[-1][0] == running.get_absolute_url()
    assert "already being made" in response.content.decode()


def test_database_refuses_two_exports_of_a_meeting_in_flight(secretariat, meeting):
    MinutesExport.objects.create(meeting=meeting, state=JobState.RENDERING)
    MinutesExport.objects.create(meeting=make_meeting(), state=JobState.QUEUED)  # another meeting
    MinutesExport.objects.create(meeting=meeting, state=JobState.DONE)  # done ones don't count
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesExport.objects.create(meeting=meeting)


def test_done_export_does_not_block_a_new_one(secretariat, meeting):
    first, _ = services.minutes_export_request(meeting=meeting, by=secretariat)
    second, created = services.minutes_export_request(meeting=meeting, by=secretariat)
    assert created
    assert second != first
    assert second.state == JobState.DONE


# --- Watching it, failure and retry.


def test_export_page_polls_while_rendering_and_htmx_gets_the_partial(client, charlie, meeting):
    export = MinutesExport.objects.create(
        meeting=meeting, state=JobState.RENDERING, started_at=timezone.now()
    )
    client.force_login(charlie)
    page = client.get(export.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert meeting.title in page
    partial = client.get(export.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="minutes-export-state"')
    assert "<html" not in partial


def test_failure_shows_the_reason_and_retry_renders_it(client, charlie, meeting):
    client.force_login(charlie)
    with mock.patch(
        "meetings.minutes_pdf.html_to_pdf_with_pages", side_effect=ValueError("font went missing")
    ):
        _ask(client, meeting)
    export = MinutesExport.objects.get()
    assert export.state == JobState.FAILED
    assert "font went missing" in export.error
    assert not export.file
    page = client.get(export.get_absolute_url()).content.decode()
    assert "font went missing" in page
    assert 'role="alert"' in page
    retry = reverse("meetings:minutes_export_retry", args=[export.pk])
    assert retry in page
    download = reverse("meetings:minutes_export_download", args=[export.pk])
    assert client.get(download).status_code == 404

    response = client.post(retry)
    export.refresh_from_db()
    assert response.url == export.get_absolute_url()
    assert export.state == JobState.DONE
    assert export.error == ""
    assert MinutesExport.objects.count() == 1
    assert "Lage felles rutine for testing" in _text(_pdf(export))


def test_unreachable_queue_marks_the_export_failed_with_a_message(client, charlie, meeting):
    from kombu.exceptions import OperationalError

    client.force_login(charlie)
    with mock.patch(
        "meetings.tasks.render_minutes.apply_async",
        side_effect=OperationalError("Error 111 connecting to redis"),
    ):
        response = _ask(client, meeting, follow=True)
    export = MinutesExport.objects.get()
    assert export.state == JobState.FAILED
    assert export.error in response.content.decode()
    assert export.can_retry
