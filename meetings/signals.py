"""Signal receivers of the meetings app."""

from actionplan.caching import MEETINGS_CONTENT, bump_on_save_and_delete

from .models import ActionPoint, Meeting

# Everything of this app that cached pages show (the action point list, see caching.py).
bump_on_save_and_delete(MEETINGS_CONTENT, [Meeting, ActionPoint])
