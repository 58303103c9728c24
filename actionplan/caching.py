"""The plan's content version: what the plan's cached pages and fragments are keyed on
(helsefellesskap/content_versions.py), bumped by every save or delete of the plan's content
(actionplan/signals.py)."""

from django.utils import timezone

from helsefellesskap.content_versions import bump_content_version, content_versions

PLAN_CONTENT = "plan-content"


def plan_content_version(request=None) -> str:
    """The current token of the plan's content."""
    return content_versions(PLAN_CONTENT, request=request)[0]


def bump_plan_content_version() -> None:
    """Mark every cached fragment of the plan's pages out of date."""
    bump_content_version(PLAN_CONTENT)


def plan_page_state(request) -> tuple[str, str]:
    """What an anonymous copy of a plan page depends on besides its URL and language (see
    helsefellesskap/page_cache.py): the content version, and today's date, which picks the
    year shown when none is asked for."""
    return plan_content_version(request), timezone.localdate().isoformat()
