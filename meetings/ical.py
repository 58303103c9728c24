"""iCalendar (.ics) feeds of meeting series and meetings, built with the icalendar library.

A series becomes one recurring event (RRULE) with EXDATE for its cancelled dates and for the
dates that have their own Meeting record, and an overriding VEVENT (RECURRENCE-ID) for each moved
date, so that Outlook and Google Calendar show the change on the right date. Times carry
TZID=Europe/Oslo with the VTIMEZONE included.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vRecur

from helsefellesskap.text import one_line

from .models import OSLO, Meeting, MeetingSeries, local_datetime

PRODID = "-//Helsefellesskap Møre og Romsdal//Meetings//NO"
_RRULE_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _uid(kind: str, pk: int) -> str:
    domain = (settings.ALLOWED_HOSTS or ["helsefellesskap"])[0].strip(".[]") or "helsefellesskap"
    return f"{kind}-{pk}@{domain}"


def series_rrule(series: MeetingSeries) -> vRecur:
    """The series' recurrence as an RRULE value (UNTIL in UTC, as RFC 5545 wants with TZID)."""
    days = [_RRULE_DAYS[day] for day in sorted(series.weekdays)]
    if series.frequency == "monthly":
        days = [f"{series.week_of_month}{day}" for day in days]
    rule = {
        "FREQ": "MONTHLY" if series.frequency == "monthly" else "WEEKLY",
        "INTERVAL": 2 if series.frequency == "biweekly" else 1,
        "BYDAY": days,
        "WKST": "MO",
    }
    if series.valid_until:
        last = local_datetime(series.valid_until, series.end_time)
        rule["UNTIL"] = last.astimezone(datetime.UTC)
    return vRecur(rule)


def _describe(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def _location(place: str, video_link: str) -> str:
    return ", ".join(part for part in (place, video_link) if part)


def series_events(series: MeetingSeries, *, absolute=lambda url: url) -> list[Event]:
    """The recurring event of a series with its exceptions, and one override per moved date.

    A series whose schedule is not confirmed publishes no event: a subscriber's calendar would
    otherwise fill with dates nobody has agreed to."""
    if not series.schedule_confirmed:
        return []
    stamp = timezone.now()
    uid = _uid("series", series.pk)
    master = Event()
    master.add("uid", uid)
    master.add("dtstamp", stamp)
    master.add("summary", one_line(series.name))
    # RFC 5545 leaves the set undefined when DTSTART is not itself an occurrence.
    first = series.first_date()
    if first is None:
        return []
    master.add("dtstart", local_datetime(first, series.start_time))
    master.add("dtend", local_datetime(first, series.end_time))
    master.add("rrule", series_rrule(series))
    master.add("description", _describe(series.participants, series.description))
    location = _location(series.place, series.video_link)
    if location:
        master.add("location", location)
    master.add("url", absolute(series.get_absolute_url()))

    events = [master]
    excluded = []
    dated = getattr(series, "dated_meetings", None)
    if dated is None:
        dated = series.meetings.filter(date__isnull=False).only("date")
    # A date with its own Meeting record is published as that meeting, not as the series.
    excluded_days = {m.date for m in dated if series.is_scheduled_on(m.date)}
    for exc in series.exceptions.all():
        if exc.original_date in excluded_days:
            continue
        original = local_datetime(exc.original_date, series.start_time)
        if exc.cancelled:
            excluded.append(original)
            continue
        override = Event()
        override.add("uid", uid)
        override.add("dtstamp", stamp)
        override.add("recurrence-id", original)
        override.add("summary", one_line(series.name))
        new_start = exc.new_start.astimezone(OSLO)
        new_end = (
            exc.new_end.astimezone(OSLO)
            if exc.new_end
            else new_start + (local_datetime(exc.original_date, series.end_time) - original)
        )
        override.add("dtstart", new_start)
        override.add("dtend", new_end)
        override.add("description", _describe(exc.note, series.participants))
        if location:
            override.add("location", location)
        events.append(override)
    excluded.extend(local_datetime(day, series.start_time) for day in sorted(excluded_days))
    if excluded:
        master.add("exdate", sorted(excluded))
    return events


def meeting_event(meeting: Meeting, *, absolute=lambda url: url) -> Event | None:
    """One meeting as an event; all-day when its time is not known; None without a date."""
    if meeting.date is None:
        return None
    event = Event()
    event.add("uid", _uid("meeting", meeting.pk))
    event.add("dtstamp", timezone.now())
    event.add("summary", one_line(meeting.title))
    if meeting.start:
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end or meeting.start + datetime.timedelta(hours=1))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + datetime.timedelta(days=1))
    agenda = "\n".join(
        f"{i}. {item.title}" + (f" ({item.presenter_name})" if item.presenter_name else "")
        for i, item in enumerate(meeting.agenda_items.all(), start=1)
    )
    event.add("description", _describe(meeting.purpose, agenda))
    location = _location(meeting.place, meeting.video_link)
    if location:
        event.add("location", location)
    event.add("url", absolute(meeting.get_absolute_url()))
    return event


def build_calendar(name: str, series=(), meetings=(), *, absolute=lambda url: url) -> bytes:
    """A whole VCALENDAR holding the given series and meetings, with VTIMEZONE Europe/Oslo."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", "Europe/Oslo")
    for one in series:
        for event in series_events(one, absolute=absolute):
            calendar.add_component(event)
    for meeting in meetings:
        event = meeting_event(meeting, absolute=absolute)
        if event is not None:
            calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
