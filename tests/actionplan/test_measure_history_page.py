"""A measure's page shows its latest changes; the whole history is on a page of its own, a page
of changes at a time, so the measure page costs the same however long the history grows."""

import pytest
from django.urls import reverse

from actionplan.services import measure_status_set
from actionplan.timeline import HISTORY_PAGE_SIZE, RECENT_CHANGES


def _changes(measure, user, count):
    """`count` status changes of 2024 by `user`, alternating status, each noted."""
    for number in range(count):
        measure_status_set(
            measure=measure,
            year=2024,
            status=("in_progress", "done")[number % 2],
            note=f"change {number}",
            by=user,
            expected_version=number,
        )


def _timeline_items(html: str) -> int:
    timeline = html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    return timeline.count("<li>")


def test_measure_page_shows_the_latest_changes_and_links_to_the_whole_history(
    world, alice, alice_client
):
    _changes(world.measure_a, alice, RECENT_CHANGES + 5)
    html = alice_client.get(world.measure_a.get_absolute_url()).content.decode()
    # The measure was added (one entry) and changed 15 times: the latest 10 are shown.
    assert _timeline_items(html) == RECENT_CHANGES
    # Changes 14 down to 5 are shown (the oldest of them says what it replaced, «change 4»).
    assert "«change 14»" in html
    assert "«change 5»" in html
    assert "«change 3»" not in html
    history = reverse("actionplan:measure_history", args=[world.measure_a.pk])
    assert f'href="{history}"' in html
    assert "See the whole history (16 changes)" in html


def test_short_history_is_shown_whole_without_a_link(world, alice, alice_client):
    _changes(world.measure_a, alice, 2)
    html = alice_client.get(world.measure_a.get_absolute_url()).content.decode()
    assert _timeline_items(html) == 3
    assert reverse("actionplan:measure_history", args=[world.measure_a.pk]) not in html


def test_history_page_pages_through_every_change_newest_first(world, alice, charlie_client):
    _changes(world.measure_a, alice, HISTORY_PAGE_SIZE + 4)
    url = reverse("actionplan:measure_history", args=[world.measure_a.pk])
    first = charlie_client.get(url).content.decode()
    assert _timeline_items(first) == HISTORY_PAGE_SIZE
    assert f"«change {HISTORY_PAGE_SIZE + 3}»" in first
    assert "55 changes, newest first." in first
    last = charlie_client.get(url, {"page": 2}).content.decode()
    assert _timeline_items(last) == 5
    assert "«change 0»" in last
    assert "added the measure" in last
    # A page number that is no page gives the last page, never an error.
    assert charlie_client.get(url, {"page": "x"}).status_code == 200


def test_history_names_people_so_visitors_are_sent_to_log_in(world, client):
    url = reverse("actionplan:measure_history", args=[world.measure_a.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_history_page_of_an_unknown_measure_is_404(db, charlie_client):
    assert (
        charlie_client.get(reverse("actionplan:measure_history", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize("changes", [3, 60])
def test_measure_page_queries_do_not_grow_with_the_history(
    world, alice, alice_client, django_assert_max_num_queries, changes
):
    _changes(world.measure_a, alice, changes)
    with django_assert_max_num_queries(12):
        alice_client.get(world.measure_a.get_absolute_url())
