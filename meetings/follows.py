"""What following a meeting series tells: its new meetings and new minutes, public meetings
only (helsefellesskap/follows.py)."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helsefellesskap.follows import Change, Followable

from .feeds import MinutesFeed
from .models import Meeting, MeetingSeries
from .rights import followable_series, public_meetings


def _minutes_written(ids, start, end) -> list:
    """(meeting id, when) for each time in the window a series' meeting got new minutes."""
    records = (
        Meeting.history.filter(series__in=ids, history_date__gte=start, history_date__lt=end)
        .exclude(minutes="")
        .order_by("history_date", "history_id")
    )
    return [
        (record.id, record.history_date)
        for record in records
        if record.prev_record is None or record.prev_record.minutes != record.minutes
    ]


def series_changes(ids, start, end) -> dict[int, list[Change]]:
    """Each series' meetings added, and minutes written, in the window, oldest first."""
    written = _minutes_written(ids, start, end)
    # The public's view whoever follows: a meeting that is not public (now) is never told.
    public = public_meetings(Meeting.objects.filter(series__in=ids))
    meetings = public.filter(created_at__gte=start, created_at__lt=end) | public.filter(
        pk__in=[pk for pk, _ in written]
    )
    by_id = meetings.in_bulk()
    feed, lines = MinutesFeed(), []
    for meeting in by_id.values():
        if start <= meeting.created_at < end:
            title = _("New meeting: %(meeting)s") % {"meeting": feed.item_title(meeting)}
            lines.append((meeting, meeting.created_at, title, meeting.purpose))
    for pk, when in written:
        if pk in by_id:
            meeting = by_id[pk]
            title = _("Minutes: %(meeting)s") % {"meeting": feed.item_title(meeting)}
            lines.append((meeting, when, title, ""))
    found = defaultdict(list)
    for meeting, when, title, detail in sorted(lines, key=lambda line: line[1]):
        found[meeting.series_id].append(
            Change(title=title, url=meeting.get_absolute_url(), when=when, detail=detail)
        )
    return found


FOLLOWABLE = Followable(
    key="series",
    model="meetings.MeetingSeries",
    label=gettext_lazy("Meeting series"),
    followable=lambda user: followable_series(user, MeetingSeries.objects.all()),
    changes=series_changes,
    order=30,
)
