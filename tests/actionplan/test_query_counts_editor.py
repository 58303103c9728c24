"""Editors' pages run a fixed number of SQL queries however many measures the plan has (issue 17:
at most 12 for editors, as for visitors).

A logged-in editor with a verified second factor, on a cold cache (the first request after an
edit) and a warm one. Editors never get the anonymous page copy, so each page renders; the
session is read from the cache (helsefellesskap/sessions.py), the user with their rights and
authenticator in one query (helsefellesskap/auth_backend.py).
"""

import pytest

from tests.factories import log_in_with_two_factor, make_person, make_plan_with_measures, make_user

LIMIT = 12
# page: (cold, warm)
EDITOR_QUERY_BOUNDS = {
    "overview": (5, 3),
    "table": (9, 3),
    "table_filtered": (10, 4),
    "committee": (12, 5),
    "dashboard": (8, 5),
    "measure": (12, 8),
}
SECRETARIAT_QUERY_BOUNDS = {"revision_board": (11, 5)}


def _urls(measures):
    committee = measures[0].goal.committee
    return {
        "overview": "/",
        "table": "/plan/table/",
        "table_filtered": f"/plan/table/?committee={committee.slug}&status=done&year=2023",
        "committee": committee.get_absolute_url(),
        "dashboard": "/plan/mine/",
        "revision_board": "/plan/revision/",
        "measure": measures[0].get_absolute_url(),
    }


def _assert_bounds(client, urls, bounds, django_assert_max_num_queries):
    from helsefellesskap.content_versions import bump_all_content_versions

    for page, (cold, warm) in bounds.items():
        assert max(cold, warm) <= LIMIT, page
        bump_all_content_versions()  # as right after an edit
        with django_assert_max_num_queries(cold):
            response = client.get(urls[page])
        assert response.status_code == 200, page
        with django_assert_max_num_queries(warm):
            response = client.get(urls[page])
        assert response.status_code == 200, page


@pytest.mark.parametrize("size", [10, 300])
def test_an_editors_pages_run_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, size
):
    _plan, measures = make_plan_with_measures(size)
    editor = make_user()
    make_person(user=editor)
    measures[0].goal.committee.editors.add(editor)
    log_in_with_two_factor(client, editor)
    _assert_bounds(client, _urls(measures), EDITOR_QUERY_BOUNDS, django_assert_max_num_queries)


@pytest.mark.parametrize("size", [10, 300])
def test_the_secretariats_revision_board_runs_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, size
):
    _plan, measures = make_plan_with_measures(size, committees=6)
    log_in_with_two_factor(client, make_user(secretariat=True))
    _assert_bounds(client, _urls(measures), SECRETARIAT_QUERY_BOUNDS, django_assert_max_num_queries)


def test_a_session_is_read_from_the_cache_not_the_database(
    client, db, django_assert_max_num_queries
):
    """Without the cache-backed session the dashboard would run one query more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _plan, measures = make_plan_with_measures(3)
    editor = make_user()
    measures[0].goal.committee.editors.add(editor)
    log_in_with_two_factor(client, editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/plan/mine/").status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
