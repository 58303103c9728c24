"""What other apps contribute to the plan's pages and to the annual report.

The plan is the base the other apps build on: meetings follow up its measures, guidelines are
owned by its committees. A page of the plan can still show their part (the open action points on a
committee page; the guidelines in force in the annual report) without actionplan importing them:
the app registers a `Contribution` to a slot in its `AppConfig.ready()`, and the page gathers
every contribution of its slot, in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Contribution:
    #: Its anchor on the page (and in the report's contents) and its key among the gathered ones.
    key: str
    #: The template that lays it out; it finds what `gather` returned as `content`.
    template: str
    #: gather(**what the page has: plan, year, committee, measure, user) -> the content.
    gather: Callable[..., object]
    #: Its heading where the page lists its parts (the report's contents), in the page's language.
    title: Callable[[], str] | None = None


@dataclass(frozen=True)
class Gathered:
    contribution: Contribution
    content: object

    @property
    def template(self) -> str:
        return self.contribution.template


class Slot:
    """A place on a page that other apps may fill."""

    def __init__(self, name: str):
        self.name = name
        self._contributions: dict[str, Contribution] = {}

    def register(self, contribution: Contribution) -> None:
        """Add a contribution to this slot (call from AppConfig.ready; the same key replaces)."""
        self._contributions[contribution.key] = contribution

    def contributions(self) -> list[Contribution]:
        return list(self._contributions.values())

    def __repr__(self):
        return f"<Slot {self.name}: {', '.join(self._contributions) or 'empty'}>"


def gather(contributions, **context) -> list[Gathered]:
    """Each contribution with the content it gathers for this page."""
    return [Gathered(c, c.gather(**context)) for c in contributions]


#: The committee page, below its status per year (context: committee, user).
COMMITTEE_PAGE = Slot("committee page")
#: The measure page, below its statuses (context: measure, user).
MEASURE_PAGE = Slot("measure page")
#: The annual report's closing chapters, after the changes (context: plan, year, committee).
REPORT_CHAPTERS = Slot("annual report")
