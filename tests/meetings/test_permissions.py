import datetime

import pytest

from meetings.models import Meeting
from meetings.rights import can_organise_meeting
from tests.factories import make_meeting


def _meeting_data(committee, title="Møte i utvalet", **extra):
    data = {
        "title": title,
        "committee": committee.pk if committee else "",
        "date": "2026-05-04",
        "start_time": "12:30",
        "end_time": "13:30",
        "is_public": "on",
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "1000",
        "agenda-0-order": "1",
        "agenda-0-title": "Velkommen",
        "agenda-0-presenter_text": "Lena",
    }
    data.update(extra)
    return data


def test_secretariat_and_committee_editor_may_organise(secretariat, alice, charlie, committee_a):
    meeting = make_meeting(committee=committee_a)
    assert can_organise_meeting(secretariat, meeting)
    assert can_organise_meeting(alice, meeting)
    assert can_organise_meeting(alice, committee_a)
    assert not can_organise_meeting(charlie, meeting)
    assert not can_organise_meeting(alice, make_meeting(committee=None))


def test_editor_creates_meeting_with_agenda_for_own_committee(client, alice, committee_a):
    client.force_login(alice)
    response = client.post("/meetings/new/", _meeting_data(committee_a))
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.committee == committee_a
    assert [(i.title, i.presenter_text) for i in meeting.agenda_items.all()] == [
        ("Velkommen", "Lena")
    ]
    assert meeting.history.count() == 1


def test_editor_cannot_create_meeting_for_other_committee(client, alice, committee_a, committee_b):
    client.force_login(alice)
    response = client.post("/meetings/new/", _meeting_data(committee_b))
    # The committee is not among Alice's choices: the form refuses it and nothing is saved.
    assert response.status_code == 200
    assert "committee" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_editor_cannot_edit_other_committees_meeting(client, alice, committee_a, committee_b):
    meeting = make_meeting("Utval B sitt møte", committee=committee_b)
    client.force_login(alice)
    assert client.get(f"/meetings/{meeting.pk}/edit/").status_code == 403
    response = client.post(f"/meetings/{meeting.pk}/edit/", _meeting_data(committee_a, "Kapra"))
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.title == "Utval B sitt møte"


def test_editor_edits_own_committees_meeting(client, alice, committee_a):
    meeting = make_meeting("Gammal tittel", committee=committee_a)
    client.force_login(alice)
    response = client.post(f"/meetings/{meeting.pk}/edit/", _meeting_data(committee_a, "Ny"))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Ny"


def test_charlie_cannot_create_meetings(client, charlie):
    client.force_login(charlie)
    assert client.get("/meetings/new/").status_code == 403


@pytest.mark.parametrize("url", ["/meetings/new/", "/meetings/series/new/"])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_is_sent_to_login_on_edit(client, committee_a):
    meeting = make_meeting(committee=committee_a)
    response = client.post(f"/meetings/{meeting.pk}/edit/", {})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_everyone_reads_public_meetings_but_not_closed_ones(client, charlie, alice, committee_a):
    public = make_meeting("Ope møte", date=datetime.date(2026, 5, 4))
    closed = make_meeting("Lukka møte", committee=committee_a, is_public=False)
    assert client.get(f"/meetings/{public.pk}/").status_code == 200
    assert client.get(f"/meetings/{closed.pk}/").status_code == 404
    client.force_login(charlie)
    assert client.get(f"/meetings/{closed.pk}/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/meetings/{closed.pk}/").status_code == 200


def test_bad_input_saves_nothing_and_says_why(client, secretariat):
    client.force_login(secretariat)
    data = _meeting_data(None, end_time="11:00")
    response = client.post("/meetings/new/", data)
    assert response.status_code == 200
    assert "The meeting must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_secretariat_cancels_a_series_date(client, secretariat):
    from tests.factories import make_series

    series = make_series(valid_from=datetime.date(2026, 1, 5))
    client.force_login(secretariat)
    response = client.post(
        f"/meetings/series/{series.pk}/changes/new/",
        {"original_date": "2026-02-16", "cancelled": "on", "note": "Vinterferie"},
    )
    assert response.status_code == 302
    assert series.exceptions.get().cancelled


def test_editor_cannot_change_another_committees_series(client, alice, committee_a, committee_b):
    from tests.factories import make_series

    series = make_series(forum="committee", committee=committee_b)
    client.force_login(alice)
    response = client.post(
        f"/meetings/series/{series.pk}/changes/new/",
        {"original_date": "2026-02-16", "cancelled": "on"},
    )
    assert response.status_code == 403
    assert not series.exceptions.exists()


def test_a_date_cannot_be_changed_twice(client, secretariat):
    from tests.factories import make_series, make_series_change

    series = make_series(valid_from=datetime.date(2026, 1, 5))
    make_series_change(series, datetime.date(2026, 2, 16))
    client.force_login(secretariat)
    response = client.post(
        f"/meetings/series/{series.pk}/changes/new/",
        {"original_date": "2026-02-16", "cancelled": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["original_date"] == [
        "This date has already been changed."
    ]
    assert series.exceptions.count() == 1


def test_a_date_off_the_schedule_is_refused(client, secretariat):
    from tests.factories import make_series

    series = make_series(valid_from=datetime.date(2026, 1, 5))
    client.force_login(secretariat)
    response = client.post(
        f"/meetings/series/{series.pk}/changes/new/",
        {"original_date": "2026-02-17", "cancelled": "on"},
    )
    assert response.status_code == 200
    assert not series.exceptions.exists()


def test_organiser_edits_and_removes_agenda_items_with_history(client, alice, committee_a):
    from tests.factories import make_agenda_item

    meeting = make_meeting("Utvalsmøte", committee=committee_a)
    keep = make_agenda_item(meeting, "Velkommen", order=1)
    drop = make_agenda_item(meeting, "Eventuelt", order=2)
    data = _meeting_data(committee_a, "Utvalsmøte")
    data.update(
        {
            "agenda-TOTAL_FORMS": "2",
            "agenda-INITIAL_FORMS": "2",
            "agenda-0-id": str(keep.pk),
            "agenda-0-order": "1",
            "agenda-0-title": "Velkommen og agenda",
            "agenda-0-presenter_text": "Lena",
            "agenda-1-id": str(drop.pk),
            "agenda-1-order": "2",
            "agenda-1-title": "Eventuelt",
            "agenda-1-DELETE": "on",
        }
    )
    client.force_login(alice)
    assert client.post(f"/meetings/{meeting.pk}/edit/", data).status_code == 302
    assert [i.title for i in meeting.agenda_items.all()] == ["Velkommen og agenda"]
    # The removed item stays in the history.
    assert drop.history.filter(history_type="-").exists()


def test_anonymous_upcoming_list_hides_closed_meetings(client, committee_a):
    from django.utils import timezone

    make_meeting("Lukka møte", committee=committee_a, is_public=False, date=timezone.localdate())
    make_meeting("Ope møte", date=timezone.localdate())
    titles = [e.title for e in client.get("/meetings/").context["page_obj"].object_list]
    assert titles == ["Ope møte"]
