"""The guidelines' content version: guidelines and their versions (guidelines/signals.py);
what their cached pages and API answers are keyed on (helsefellesskap/content_versions.py)."""

GUIDELINES_CONTENT = "guidelines-content"
