"""The guidelines' chapter in the annual report: the shared guidelines in force.

Registered with the report in GuidelinesConfig.ready() (see actionplan/contributions.py).
"""

from django.utils.translation import pgettext

from actionplan.contributions import Contribution

from .models import Guideline


def guidelines_in_force(*, plan, year, committee=None) -> list:
    """The shared guidelines in force, with their last-updated dates. Every report lists all of
    them: a guideline is shared by the whole health community, whoever owns it."""
    return list(Guideline.objects.in_force().select_related("committee").order_by("title", "pk"))


CHAPTER = Contribution(
    key="guidelines",
    template="guidelines/_report_in_force.html",
    gather=guidelines_in_force,
    title=lambda: pgettext("annual report", "Shared guidelines in force"),
)
