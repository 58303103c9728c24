"""Signal receivers of the meetings app."""

from actionplan.caching import MEETINGS_CONTENT, bump_on_save_and_delete

from .models import ActionPoint, Meeting, MeetingSeries, SeriesException

# Everything of this app that cached pages show (the action point list and the series' dates
# on the calendars, see actionplan/caching.py).
bump_on_save_and_delete(MEETINGS_CONTENT, [Meeting, ActionPoint, MeetingSeries, SeriesException])
