import datetime

import pytest
from django.utils import timezone

from meetings.models import OSLO
from tests.factories import make_meeting, make_series, make_series_change


def test_upcoming_lists_series_dates_and_meetings_in_time_order(client, db):
    today = timezone.localdate()
    make_series("Møter med kommunene", weekdays=[today.weekday()], valid_from=today)
    make_meeting("Dialogmøte", date=today + datetime.timedelta(days=1))
    response = client.get("/meetings/")
    titles = [entry.title for entry in response.context["page_obj"].object_list][:3]
    assert titles == ["Møter med kommunene", "Dialogmøte", "Møter med kommunene"]


def test_upcoming_is_paginated(client, db):
    today = timezone.localdate()
    make_series(weekdays=[0, 1, 2, 3, 4], valid_from=today)
    first = client.get("/meetings/")
    assert first.context["page_obj"].paginator.num_pages > 1
    assert client.get("/meetings/?page=2").status_code == 200


def test_month_view_is_a_table_with_prev_and_next(client, db):
    series = make_series("Møter med kommunene", weekdays=[0], valid_from=datetime.date(2026, 3, 2))
    make_series_change(series, datetime.date(2026, 3, 9))
    make_series_change(
        series, datetime.date(2026, 3, 16), moved_to=datetime.datetime(2026, 3, 17, 9, tzinfo=OSLO)
    )
    response = client.get("/meetings/calendar/2026/3/")
    html = response.content.decode()
    assert "<caption>" in html
    assert 'href="/meetings/calendar/2026/2/"' in html
    assert 'href="/meetings/calendar/2026/4/"' in html
    days = {
        day: [entry.title for entry in entries]
        for week in response.context["grid"].weeks
        for day, _in_month, entries in week
    }
    assert days[datetime.date(2026, 3, 2)] == ["Møter med kommunene"]
    (cancelled,) = days[datetime.date(2026, 3, 9)]
    assert cancelled == "Møter med kommunene"
    assert "Cancelled" in html
    assert days[datetime.date(2026, 3, 16)] == []  # moved ...
    assert days[datetime.date(2026, 3, 17)] == ["Møter med kommunene"]  # ... to the next day
    assert "Moved" in html


def test_month_view_refuses_nonsense_months(client, db):
    assert client.get("/meetings/calendar/2026/13/").status_code == 404
    assert client.get("/meetings/calendar/9999/1/").status_code == 404


def test_month_view_wraps_the_year(client, db):
    response = client.get("/meetings/calendar/2026/12/")
    assert 'href="/meetings/calendar/2027/1/"' in response.content.decode()


def test_pages_render_for_everyone(client, db):
    series = make_series()
    meeting = make_meeting(series=series, date=datetime.date(2026, 5, 4))
    for url in [
        "/meetings/all/",
        "/meetings/series/",
        f"/meetings/series/{series.pk}/",
        "/meetings/feeds/",
        f"/meetings/{meeting.pk}/",
        "/meetings/calendar/",
    ]:
        assert client.get(url, follow=True).status_code == 200, url


def test_organiser_pages_render(client, secretariat):
    series = make_series()
    meeting = make_meeting(series=series, date=datetime.date(2026, 5, 4))
    client.force_login(secretariat)
    for url in [
        "/meetings/new/",
        f"/meetings/new/?series={series.pk}",
        f"/meetings/{meeting.pk}/edit/",
        f"/meetings/{meeting.pk}/action-points/new/",
        "/meetings/series/new/",
        f"/meetings/series/{series.pk}/edit/",
        f"/meetings/series/{series.pk}/changes/new/",
    ]:
        assert client.get(url).status_code == 200, url


def test_secretariat_creates_a_series(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        "/meetings/series/new/",
        {
            "name": "Møter med kommunene",
            "forum": "county",
            "frequency": "weekly",
            "weekdays": ["0"],
            "start_time": "12:30",
            "end_time": "13:30",
            "valid_from": "2020-03-16",
        },
    )
    assert response.status_code == 302
    from meetings.models import MeetingSeries

    series = MeetingSeries.objects.get()
    assert series.weekdays == [0]


def test_calendars_show_every_series_change_on_the_next_request(client, db):
    """A series' dates are cached on the meetings' content version: each change shows at once."""
    series = make_series("Møter med kommunene", weekdays=[0], valid_from=datetime.date(2026, 3, 2))
    url = "/meetings/calendar/2026/3/"

    def on(day):
        grid = client.get(url).context["grid"]
        found = {d: entries for week in grid.weeks for d, _in_month, entries in week}
        return [(entry.title, entry.cancelled) for entry in found[datetime.date(2026, 3, day)]]

    assert on(9) == [("Møter med kommunene", False)]
    change = make_series_change(series, datetime.date(2026, 3, 9))
    assert on(9) == [("Møter med kommunene", True)]
    change.delete()
    assert on(9) == [("Møter med kommunene", False)]
    series.name, series.weekdays = "Kommunemøte", [1]
    series.save()
    assert on(9) == []
    assert on(10) == [("Kommunemøte", False)]


@pytest.mark.nynorsk
def test_month_view_names_the_weekdays_and_marks_today_in_the_pages_language(client, db):
    today = timezone.localdate()
    html = client.get(f"/meetings/calendar/{today.year}/{today.month}/").content.decode()
    # Monday to Sunday, every one in nynorsk (the English "Sun" once slipped through).
    for name in ("Måndag", "Tysdag", "Onsdag", "Torsdag", "Fredag", "Laurdag", "Søndag"):
        assert f'<abbr title="{name}">' in html
    assert ">Sun<" not in html
    assert '<span class="today-mark">i dag</span>' in html


def test_an_unconfirmed_series_is_on_no_calendar(client, db):
    today = timezone.localdate()
    make_series("Lokalt samarbeidsmøte Molde", weekdays=[0, 1, 2, 3, 4], valid_from=today)
    make_series("Utkast", weekdays=[0, 1, 2, 3, 4], valid_from=today, schedule_confirmed=False)
    upcoming = client.get("/meetings/")
    titles = {entry.title for entry in upcoming.context["page_obj"].object_list}
    assert titles == {"Lokalt samarbeidsmøte Molde"}
    month = client.get(f"/meetings/calendar/{today.year}/{today.month}/")
    assert "Utkast" not in month.content.decode()
    assert "Utkast" not in client.get("/meetings/calendar.ics").content.decode()
