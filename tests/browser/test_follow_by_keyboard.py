"""Following a committee with the keyboard alone: the button, its state, and stopping."""

import pytest

from helsefellesskap.models import Follow
from tests.browser.conftest import tab_to
from tests.browser.test_journeys import _follow
from tests.factories import make_charlie, make_editor_world

pytestmark = pytest.mark.browser


def test_a_person_follows_a_committee_and_stops_by_keyboard(visit, assert_accessible):
    world = make_editor_world()
    charlie = make_charlie()
    page = visit.open(world.committee_a.get_absolute_url(), lang="en", user=charlie)

    _follow(page, "Follow", exact=True)
    page.get_by_text("You follow this").first.wait_for()
    assert Follow.objects.get(subscriber__user__username="charlie").stopped_at is None
    assert_accessible(page)

    with page.expect_navigation():
        tab_to(page, "Stop following", max_tabs=120).press("Enter")
    page.get_by_role("button", name="Follow", exact=True).wait_for()
    assert Follow.objects.get().stopped_at is not None
