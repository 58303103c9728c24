"""Chapters that other apps contribute to the annual report.

The report is the plan's, but not everything in it is: the guidelines app has the shared
guidelines in force to list. Such an app registers a `Chapter` in its `AppConfig.ready()`; the
report gathers each registered chapter's content and lays it out after the changes since the last
revision, in the order the chapters were registered. So actionplan never imports the apps that
build on it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    #: The chapter's anchor in the contents, and its key in `Report.contributed`.
    key: str
    #: The chapter's heading in the contents, called in the report's language.
    title: Callable[[], str]
    #: The template that lays it out; it finds its content in `report.contributed.<key>`.
    template: str
    #: gather(plan=, year=, committee=) -> the content its template shows.
    gather: Callable[..., object]


_chapters: dict[str, Chapter] = {}


def register_chapter(chapter: Chapter) -> None:
    """Add a chapter to every annual report (call from AppConfig.ready)."""
    _chapters[chapter.key] = chapter


def registered_chapters() -> list[Chapter]:
    return list(_chapters.values())
