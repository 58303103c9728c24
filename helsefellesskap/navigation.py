"""The main navigation: which sections exist, which one the visitor is in, who sees which.

A section is shown only when its URL resolves, so the menu grows as the apps add their pages
and never links to a page that is not there. A restricted section (an editing page) is shown
only to those the owning app's rights module lets see it: the app registers that question with
register_section_right() in its AppConfig.ready(), the same function its view asks, so the menu
never offers a page that refuses the user. A restricted section with no question registered is
shown to nobody.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import (
    NoReverseMatch,
    Resolver404,
    get_script_prefix,
    get_urlconf,
    resolve,
    reverse,
)
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    """One entry of the main menu."""

    key: str
    label: str
    path: str
    # Paths under these prefixes belong to the section (longest prefix wins).
    prefixes: tuple[str, ...]
    # Shown only to the users its registered right (register_section_right) lets see it.
    restricted: bool = False


# The key of a restricted section -> the rights function (user -> bool) of the app that owns it.
_SECTION_RIGHTS: dict[str, Callable[[object], bool]] = {}


def register_section_right(key: str, may_see: Callable[[object], bool]) -> None:
    """Show the restricted section `key` to the users for whom `may_see(user)` is true: the
    rights function the section's own view asks."""
    _SECTION_RIGHTS[key] = may_see


def _path(url_names: tuple[str, ...], fallback: str) -> str:
    """The URL of the first of these names that exists, else the fallback path."""
    for name in url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return fallback


def _exists(path: str) -> bool:
    try:
        resolve(path.split("#", 1)[0])
    except Resolver404:
        return False
    return True


def sections() -> list[Section]:
    """Every section the portal has, in menu order."""
    # The URL names the apps are likely to use; the literal paths are the fallbacks.
    overview = _path(("actionplan:overview",), "/plan/")
    committees = _path(
        ("actionplan:committees", "actionplan:committee_list"), f"{overview}#committees"
    )
    meetings = _path(("meetings:upcoming", "meetings:list", "meetings:index"), "/meetings/")
    action_points = _path(
        ("meetings:action_points", "meetings:action_point_list"), "/meetings/action-points/"
    )
    guidelines = _path(
        ("guidelines:list", "guidelines:library", "guidelines:index"), "/guidelines/"
    )
    revision = _path(("actionplan:revision_board", "actionplan:revision"), "/plan/revision/")
    dashboard = _path(("actionplan:dashboard",), "/plan/mine/")
    reports = _path(
        ("reports:list", "actionplan:reports", "actionplan:report_list"), "/plan/reports/"
    )
    people = _path(("people:list",), "/people/")
    return [
        Section("plan", _("Plan"), overview, ("/plan/",)),
        Section("committees", _("Committees"), committees, ("/plan/committee",)),
        Section("meetings", _("Meetings"), meetings, ("/meetings/",)),
        Section(
            "action_points",
            _("Action points"),
            action_points,
            ("/meetings/action-points/",),
        ),
        Section("guidelines", _("Guidelines"), guidelines, ("/guidelines/",)),
        Section("dashboard", _("My committees"), dashboard, ("/plan/mine/",), restricted=True),
        Section("revision", _("Revision"), revision, ("/plan/revision/",), restricted=True),
        Section("reports", _("Report archive"), reports, ("/plan/reports/",), restricted=True),
        Section("people", _("People"), people, ("/people/",), restricted=True),
    ]


def current_section(path: str, available: list[Section]) -> str | None:
    """The key of the section a path belongs to (the home page is the plan)."""
    if path == "/":
        return "plan"
    best, length = None, 0
    for section in available:
        for prefix in section.prefixes:
            if path.startswith(prefix) and len(prefix) > length:
                best, length = section.key, len(prefix)
    return best


@lru_cache(maxsize=16)
def _existing_sections(urlconf: str, script_prefix: str) -> tuple[Section, ...]:
    """The sections whose page exists in this URLconf: what every page's menu starts from.
    Kept per URLconf and prefix, since reversing and resolving nine paths on every request
    cost about a tenth of a logged-in page's CPU."""
    return tuple(s for s in sections() if _exists(s.path))


def _may_see(section: Section, user) -> bool:
    if not section.restricted:
        return True
    may_see = _SECTION_RIGHTS.get(section.key)
    return may_see is not None and may_see(user)


def main_menu(path: str, user) -> list[dict]:
    """The menu entries this user sees, each with `label`, `url` and `current`."""
    existing = _existing_sections(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    visible = [s for s in existing if _may_see(s, user)]
    active = current_section(path, visible)
    return [
        {"key": s.key, "label": s.label, "url": s.path, "current": s.key == active} for s in visible
    ]


def site_search_url() -> str | None:
    """Where the site-wide search goes (helsefellesskap/site_search.py), if the URLconf has it."""
    try:
        return reverse("site_search")
    except NoReverseMatch:
        return None
