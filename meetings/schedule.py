"""What is on when: series occurrences and meetings merged into one list of calendar entries."""

import calendar
import datetime
from dataclasses import dataclass

from actionplan.caching import PLAN_CONTENT
from helsefellesskap.content_versions import cached_value

from .caching import MEETINGS_CONTENT
from .models import Meeting, MeetingSeries, Occurrence
from .rights import meetings_visible_to


@dataclass(frozen=True)
class Entry:
    """A row of the calendar: a Meeting record or a computed date of a series."""

    date: datetime.date
    start: datetime.datetime | None
    end: datetime.datetime | None
    title: str
    url: str
    meeting: Meeting | None = None
    occurrence: Occurrence | None = None

    @property
    def series(self):
        if self.occurrence:
            return self.occurrence.series
        return self.meeting.series if self.meeting else None

    @property
    def place(self) -> str:
        if self.meeting:
            return self.meeting.place
        return self.occurrence.series.place

    @property
    def moved(self) -> bool:
        return bool(self.occurrence and self.occurrence.moved)

    @property
    def cancelled(self) -> bool:
        return bool(self.occurrence and self.occurrence.cancelled)

    @property
    def note(self) -> str:
        return self.occurrence.note if self.occurrence else ""


def _sort_key(entry: Entry):
    # Meetings whose time is not known come first on their day, like all-day events.
    return (entry.date, entry.start is not None, entry.start or datetime.datetime.min, entry.title)


def entries_between(start: datetime.date, end: datetime.date, *, user) -> list[Entry]:
    """Everything between two dates (inclusive) that this user may see, in time order.

    Two queries for the meetings and three for all series, whatever the range.
    """
    meetings = meetings_visible_to(user).in_range(start, end).for_list()
    entries = [
        Entry(m.date, m.start, m.end, m.title, m.get_absolute_url(), meeting=m) for m in meetings
    ]
    # Expanding every series' rule costs more than the rest of a calendar page; the dates
    # change only when a series, its exceptions, its meetings or its committee change.
    entries += cached_value(
        "series-entries",
        start.isoformat(),
        end.isoformat(),
        compute=lambda: series_entries(start, end),
        contents=(MEETINGS_CONTENT, PLAN_CONTENT),
    )
    entries.sort(key=_sort_key)
    return entries


def series_entries(start: datetime.date, end: datetime.date) -> list[Entry]:
    """The dates of every series between two dates."""
    entries = []
    for series in MeetingSeries.objects.for_calendar():
        # Cancelled dates stay on the calendar, marked, so nobody wonders where they went.
        for occ in series.occurrences(start, end, include_cancelled=True):
            entries.append(
                Entry(
                    occ.date,
                    occ.start,
                    occ.end,
                    series.name,
                    series.get_absolute_url(),
                    occurrence=occ,
                )
            )
    return entries


@dataclass
class MonthGrid:
    """A month as weeks of days (Monday first), each day with its entries."""

    year: int
    month: int
    weeks: list[list[tuple[datetime.date, bool, list[Entry]]]]

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def has_entries(self) -> bool:
        """Is anything on in the month itself (not in the days of the weeks around it)?"""
        return any(entries for week in self.weeks for _day, in_month, entries in week if in_month)

    @property
    def previous(self) -> datetime.date:
        return (self.first - datetime.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> datetime.date:
        return (self.first + datetime.timedelta(days=31)).replace(day=1)


def month_grid(year: int, month: int, *, user) -> MonthGrid:
    """The month view: every day of the weeks that touch the month, with what is on."""
    days = list(calendar.Calendar(firstweekday=0).itermonthdates(year, month))
    by_day: dict[datetime.date, list[Entry]] = {}
    for entry in entries_between(days[0], days[-1], user=user):
        by_day.setdefault(entry.date, []).append(entry)
    weeks = [
        [(day, day.month == month, by_day.get(day, [])) for day in days[i : i + 7]]
        for i in range(0, len(days), 7)
    ]
    return MonthGrid(year, month, weeks)
