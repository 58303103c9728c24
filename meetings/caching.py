"""The meetings' content version: meetings, series and action points (meetings/signals.py);
what their cached pages are keyed on (helsefellesskap/content_versions.py)."""

MEETINGS_CONTENT = "meetings-content"
