import datetime

import pytest
from icalendar import Calendar

from meetings.models import OSLO
from tests.factories import (
    make_agenda_item,
    make_committee,
    make_meeting,
    make_series,
    make_series_change,
)


def _calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


@pytest.fixture
def monday_series(db):
    series = make_series("Møter med kommunene", weekdays=[0], valid_from=datetime.date(2026, 3, 16))
    make_series_change(series, datetime.date(2026, 3, 30))
    make_series_change(
        series,
        datetime.date(2026, 4, 6),
        moved_to=datetime.datetime(2026, 4, 7, 9, 0, tzinfo=OSLO),
        new_end=datetime.datetime(2026, 4, 7, 10, 0, tzinfo=OSLO),
    )
    return series


def test_all_feed_holds_rrule_tzid_dtstart_exdate_and_override(client, monday_series):
    cal = _calendar(client.get("/meetings/calendar.ics"))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Oslo"]
    master, override = cal.walk("VEVENT")
    assert master["RRULE"]["FREQ"] == ["WEEKLY"]
    assert master["RRULE"]["BYDAY"] == ["MO"]
    assert master["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert master.decoded("DTSTART") == datetime.datetime(2026, 3, 16, 12, 30, tzinfo=OSLO)
    exdates = [d.dt for d in master["EXDATE"].dts]
    assert exdates == [datetime.datetime(2026, 3, 30, 12, 30, tzinfo=OSLO)]
    assert master["EXDATE"].params["TZID"] == "Europe/Oslo"
    assert override["UID"] == master["UID"]
    assert override.decoded("RECURRENCE-ID") == datetime.datetime(2026, 4, 6, 12, 30, tzinfo=OSLO)
    assert override.decoded("DTSTART") == datetime.datetime(2026, 4, 7, 9, 0, tzinfo=OSLO)


def test_series_feed_has_until_when_the_series_ends(client, db):
    series = make_series(valid_until=datetime.date(2026, 6, 29))
    cal = _calendar(client.get(f"/meetings/series/{series.pk}/calendar.ics"))
    (event,) = cal.walk("VEVENT")
    assert event["RRULE"]["UNTIL"] == [datetime.datetime(2026, 6, 29, 11, 30, tzinfo=datetime.UTC)]


def test_a_meeting_record_on_a_series_date_replaces_that_date(client, monday_series):
    make_meeting(
        "Møte med eigen agenda",
        series=monday_series,
        date=datetime.date(2026, 3, 23),
        start_time=datetime.time(12, 30),
        end_time=datetime.time(13, 30),
    )
    cal = _calendar(client.get(f"/meetings/series/{monday_series.pk}/calendar.ics"))
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    assert datetime.datetime(2026, 3, 23, 12, 30, tzinfo=OSLO) in [
        d.dt for d in master["EXDATE"].dts
    ]
    assert "Møte med eigen agenda" in [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]


def test_committee_feed_holds_only_that_committees_meetings(client, db):
    committee = make_committee(slug="rehab")
    other = make_committee(slug="other")
    make_series("Rehab-møte", forum="committee", committee=committee)
    make_series("Anna møte", forum="committee", committee=other)
    make_meeting("Rehab ekstra", committee=committee, date=datetime.date(2026, 5, 5))
    cal = _calendar(client.get("/meetings/committee/rehab/calendar.ics"))
    assert sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT")) == ["Rehab ekstra", "Rehab-møte"]


def test_meeting_download_is_one_event_with_agenda(client, db):
    meeting = make_meeting(
        "Samarbeidsmøte",
        date=datetime.date(2026, 5, 4),
        start_time=datetime.time(12, 30),
        end_time=datetime.time(13, 30),
        purpose="Status",
    )
    make_agenda_item(meeting, "Velkommen", presenter_text="Lena", order=1)
    response = client.get(f"/meetings/{meeting.pk}/meeting.ics")
    assert "attachment" in response["Content-Disposition"]
    (event,) = _calendar(response).walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Oslo"
    assert "1. Velkommen (Lena)" in str(event["DESCRIPTION"])


def test_a_meeting_without_a_time_is_an_all_day_event(client, db):
    meeting = make_meeting("Samarbeidsmøte", date=datetime.date(2020, 3, 16))
    (event,) = _calendar(client.get(f"/meetings/{meeting.pk}/meeting.ics")).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.date(2020, 3, 16)


def test_feeds_leave_out_non_public_meetings(client, db):
    make_meeting("Lukka møte", is_public=False, date=datetime.date(2026, 5, 4))
    cal = _calendar(client.get("/meetings/calendar.ics"))
    assert cal.walk("VEVENT") == []


def test_dtstart_is_the_first_meeting_day_not_the_start_of_validity(client, db):
    # Valid from Monday 16 March 2020; the meetings are on Wednesdays.
    series = make_series(weekdays=[2], valid_from=datetime.date(2020, 3, 16))
    (event,) = _calendar(client.get(f"/meetings/series/{series.pk}/calendar.ics")).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.datetime(2020, 3, 18, 12, 30, tzinfo=OSLO)
