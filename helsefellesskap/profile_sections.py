"""Parts of the "Min profil" page (the people app's /people/me/) that other apps bring, e.g.
which e-mails a person follows. In the core, so that any app can register one.

An app registers a section from its AppConfig.ready(): `register_section(template, context)`,
where `context(request)` gives the template's context, or None to leave the section out. The
profile page shows each registered section under its own heading, in the order registered.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSection:
    template: str
    context: Callable


_sections: list[ProfileSection] = []


def register_section(template: str, context: Callable) -> None:
    _sections.append(ProfileSection(template, context))


def profile_sections(request) -> list[tuple[str, dict]]:
    """(template, context) of each registered section this person sees."""
    shown = []
    for section in _sections:
        context = section.context(request)
        if context is not None:
            shown.append((section.template, context))
    return shown
