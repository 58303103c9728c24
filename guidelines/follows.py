"""What following a guideline tells: its new versions with their change note
(helsefellesskap/follows.py)."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from helsefellesskap.follows import Change, Followable

from .feeds import GuidelineChangesFeed
from .models import Guideline, GuidelineVersion
from .rights import followable_guidelines


def guideline_changes(ids, start, end) -> dict[int, list[Change]]:
    """Each guideline's versions published in the window, oldest first."""
    versions = (
        GuidelineVersion.objects.filter(
            guideline__in=ids, published_at__gte=start, published_at__lt=end
        )
        .select_related("guideline")
        .defer("body", "guideline__body", "guideline__body_html", "guideline__body_text")
        .order_by("published_at", "pk")
    )
    feed, found = GuidelineChangesFeed(), defaultdict(list)
    for version in versions:
        found[version.guideline_id].append(
            Change(
                title=feed.item_title(version),
                url=version.get_absolute_url(),
                when=version.published_at,
                detail=feed.item_description(version),
            )
        )
    return found


FOLLOWABLE = Followable(
    key="guideline",
    model="guidelines.Guideline",
    label=_("Guidelines"),
    followable=lambda user: followable_guidelines(user, Guideline.objects.all()),
    changes=guideline_changes,
    order=20,
)
