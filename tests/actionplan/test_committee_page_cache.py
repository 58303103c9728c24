"""The committee page's goal tree and status chart are cached: never older than the last save,
and never another user's edit controls."""

import pytest
from django.test import Client

from meetings.models import ActionPoint
from tests.factories import (
    make_action_point,
    make_meeting,
    make_priority_groups,
    make_revision_year,
    make_status,
    make_user,
)


@pytest.fixture
def url(world):
    make_status(world.measure_a, 2024, "in_progress", note="Godt i gang")
    return world.committee_a.get_absolute_url()


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _goals(html: str) -> str:
    return html.split("Main goals and measures", 1)[1]


def test_a_saved_status_shows_in_the_tree_on_the_next_request(client, world, url):
    assert "Being planned / in progress" in _goals(_page(client, url))
    status = world.measure_a.statuses.get(year=2024)
    status.status, status.note = "done", "Ferdig"
    status.save()
    goals = _goals(_page(client, url))
    assert "Carried out" in goals
    assert "Ferdig" in goals
    assert "Godt i gang" not in goals


@pytest.mark.parametrize(
    "change",
    ["measure text", "responsible", "goal text", "sub-goal text", "priority group", "new measure"],
)
def test_every_edit_of_the_tree_shows_on_the_next_request(client, world, url, change):
    _page(client, url)
    measure = world.measure_a
    if change == "measure text":
        measure.text = "Nytt tiltak"
        measure.save()
        expected = "Nytt tiltak"
    elif change == "responsible":
        measure.responsible = "Kommunane"
        measure.save()
        expected = "Kommunane"
    elif change == "goal text":
        world.goal_a.text = "Nytt hovudmål"
        world.goal_a.save()
        expected = "Nytt hovudmål"
    elif change == "sub-goal text":
        world.subgoal_a.text = "Nytt delmål"
        world.subgoal_a.save()
        expected = "Nytt delmål"
    elif change == "priority group":
        measure.priority_groups.add(make_priority_groups()[0])
        expected = "priority-tag"
    else:
        measure.pk = None
        measure.text = "Eit tiltak til"
        measure.save()
        expected = "Eit tiltak til"
    assert expected in _goals(_page(client, url))


def test_a_retired_measure_leaves_the_cached_tree(client, world, url):
    assert "Tiltak A" in _goals(_page(client, url))
    world.measure_a.retired = True
    world.measure_a.save()
    assert "Tiltak A" not in _goals(_page(client, url))


def test_open_action_points_are_not_cached_with_the_tree(client, world, url):
    _page(client, url)
    point = make_action_point(make_meeting(committee=world.committee_a), "Nytt aksjonspunkt")
    assert "Nytt aksjonspunkt" in _page(client, url)
    ActionPoint.objects.filter(pk=point.pk).update(status="done")
    assert "Nytt aksjonspunkt" not in _page(client, url)


def test_readers_never_get_an_editors_controls_from_the_cache(client, alice, charlie, url):
    editor = Client()
    editor.force_login(alice)
    assert "status-edit-link" in _page(editor, url)
    assert "status-edit-link" not in _page(client, url)
    client.force_login(charlie)
    assert "status-edit-link" not in _page(client, url)
    # And the other way round: a reader's cached tree does not hide the editor's controls.
    assert "status-edit-link" in _page(editor, url)


def test_a_locked_year_is_editable_for_the_secretariat_only(world, alice, url):
    make_revision_year(world.plan, 2024, locked=True)
    edit_2024 = f"/plan/measures/{world.measure_a.pk}/status/2024/"
    editor, secretariat = Client(), Client()
    editor.force_login(alice)
    secretariat.force_login(make_user(secretariat=True))
    assert edit_2024 not in _page(editor, url)
    assert edit_2024 in _page(secretariat, url)
    assert edit_2024 not in _page(editor, url)


def test_edit_links_return_to_the_page_the_editor_came_from(alice_client, world, url):
    older = f"{url}?plan={world.plan.pk}"
    assert f"next={url}&" not in _page(alice_client, url)
    assert "next=" + f"{url}%3Fplan%3D{world.plan.pk}" in _page(alice_client, older)
    assert f"next={url}%3Fplan" not in _page(alice_client, url)


def test_the_cached_page_is_served_without_the_tree_queries(
    client, world, url, django_assert_max_num_queries
):
    _page(client, url)
    # Plans, committee, content version, open action points.
    with django_assert_max_num_queries(4):
        assert "Tiltak A" in _page(client, url)
