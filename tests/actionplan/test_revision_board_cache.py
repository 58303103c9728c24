"""The revision board's progress and coverage tables are cached, and never older than the
last save."""

import pytest

from tests.factories import make_priority_groups, make_status, make_user


@pytest.fixture
def board(world, client):
    client.force_login(make_user(secretariat=True))
    return client


def _page(client, query="?year=2024") -> str:
    response = client.get(f"/plan/revision/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _progress(html: str) -> str:
    return html.split('<table class="progress-table">', 1)[1].split("</table>", 1)[0]


def test_a_saved_status_shows_in_the_progress_on_the_next_request(board, world):
    assert "0 of 1" in _progress(_page(board))
    make_status(world.measure_a, 2024, "done")
    progress = _progress(_page(board))
    assert "1 of 1" in progress
    assert "complete" in progress


def test_a_retired_measure_leaves_the_progress(board, world):
    assert "Tiltak A" in _progress(_page(board))
    world.measure_a.retired = True
    world.measure_a.save()
    assert "Tiltak A" not in _progress(_page(board))


def test_coverage_shows_a_new_priority_group_link(board, world):
    group = make_priority_groups()[0]
    _page(board)
    world.measure_a.priority_groups.add(group)
    make_status(world.measure_a, 2024, "not_done")
    assert "Tiltak A" in _page(board).split('class="coverage"', 1)[1]


def test_the_renamed_user_who_updated_last_shows_on_the_next_request(board, world):
    editor = make_user(first_name="Bob")  # no person in the plan: the board shows the user
    make_status(world.measure_a, 2024, "done", updated_by=editor)
    assert "Bob" in _progress(_page(board))
    editor.first_name = "Robert"
    editor.save()
    assert "Robert" in _progress(_page(board))


def test_each_year_has_its_own_tables(board, world):
    make_status(world.measure_a, 2024, "done")
    assert "1 of 1" in _progress(_page(board, "?year=2024"))
    assert "0 of 1" in _progress(_page(board, "?year=2025"))
