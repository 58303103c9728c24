"""The public pages run a fixed number of SQL queries however many measures the plan has."""

import pytest

from tests.factories import make_plan_with_measures, make_user

# One bound per page, the same for 10 and 500 measures (issue 9 allows at most 12). The
# overview, the plan table and the committee page are counted on a cold cache (the first
# request after a change): their rendering plus one query for the content version
# (actionplan/caching.py). Committee and measure pages each run one more for their action
# points (meetings app).
QUERY_BOUNDS = {
    "overview": 5,
    "overview_other_year": 4,
    "committee": 10,
    "table": 9,
    "table_filtered": 11,
    "table_search": 9,
    "csv": 6,
    "measure": 5,  # + linked action points, + measures carried over into a later plan
}
# The same pages once their fragment is cached: plan, open revision year, content version,
# plus validating the chosen committee and priority group on a filtered table; the committee
# page reads its committee and open action points instead of the revision year.
WARM_QUERY_BOUNDS = {
    "overview": 3,
    "committee": 4,
    "overview_other_year": 2,
    "table": 3,
    "table_filtered": 5,
    "table_search": 3,
}


def _urls(measures):
    committee = measures[0].goal.committee
    return {
        "overview": "/",
        "overview_other_year": "/plan/?year=2024",
        "committee": committee.get_absolute_url(),
        "table": "/plan/table/",
        "table_filtered": f"/plan/table/?committee={committee.slug}&status=done&year=2023"
        "&q=Tiltak&priority_group=barn-og-unge&sort=-status_2024",
        "table_search": "/plan/table/?q=Tiltak",
        "csv": "/plan/table.csv?status=in_progress&year=2024",
        "measure": measures[-1].get_absolute_url(),
    }


@pytest.mark.parametrize("size", [10, 500])
def test_public_pages_run_a_constant_number_of_queries(
    client, db, django_assert_max_num_queries, size
):
    # One plan per size, every page against it: building 500 measures is the slow part.
    _plan, measures = make_plan_with_measures(size)
    for page, url in _urls(measures).items():
        with django_assert_max_num_queries(QUERY_BOUNDS[page]):
            response = client.get(url)
        assert response.status_code == 200, page


@pytest.mark.parametrize("size", [10, 500])
def test_cached_pages_run_fewer_queries_once_warm(client, db, django_assert_max_num_queries, size):
    _plan, measures = make_plan_with_measures(size)
    urls = _urls(measures)
    for page, bound in WARM_QUERY_BOUNDS.items():
        client.get(urls[page])
        with django_assert_max_num_queries(bound):
            response = client.get(urls[page])
        assert response.status_code == 200, page


# The revision board (secretariat): the session comes from the cache (helsefellesskap/sessions.py),
# then the user with its secretariat membership (one query,
# helsefellesskap/auth_backend.py), whether the user has an authenticator app (the board is an
# edit page: helsefellesskap/twofactor.py), then the plan, its revision years (read once), the
# content version, and on a cold cache the progress (3) and coverage (3) tables, which are cached
# on the plan's content; whatever the data, gaps or not.
REVISION_BOARD_QUERIES = 11
REVISION_BOARD_WARM_QUERIES = 5


@pytest.mark.parametrize(("size", "committees"), [(10, 3), (300, 12)])
def test_revision_board_runs_a_constant_number_of_queries(
    client, db, django_assert_num_queries, size, committees
):
    make_plan_with_measures(size, committees=committees)
    client.force_login(make_user(secretariat=True))
    with django_assert_num_queries(REVISION_BOARD_QUERIES):
        response = client.get("/plan/revision/")
    assert response.status_code == 200
    with django_assert_num_queries(REVISION_BOARD_WARM_QUERIES):
        assert client.get("/plan/revision/").status_code == 200
