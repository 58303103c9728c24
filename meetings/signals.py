"""Signal receivers of the meetings app."""

from helsefellesskap.content_versions import bump_on_save_and_delete

from .caching import MEETINGS_CONTENT
from .models import ActionPoint, Meeting, MeetingSeries, SeriesException

# Everything of this app that cached pages show (the action point list and the series' dates
# on the calendars, see actionplan/caching.py).
bump_on_save_and_delete(MEETINGS_CONTENT, [Meeting, ActionPoint, MeetingSeries, SeriesException])
