"""The overview and the plan table are cached, and never show content older than the last save."""

import pytest
from django.core.cache import cache
from django.utils import translation

from actionplan.caching import (
    bump_plan_content_version,
    cached_fragment,
    plan_content_version,
)
from actionplan.models import MeasureStatus
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_plan,
    make_priority_groups,
    make_status,
    make_subgoal,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def measure():
    plan = make_plan()
    goal = make_goal(plan, make_committee("Rehabilitering"), "Betre rehabilitering")
    measure = make_measure(goal, "Felles kartlegging", subgoal=make_subgoal(goal, "Delmål A"))
    make_status(measure, 2024, "in_progress")
    return measure


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _plan_totals(html: str) -> str:
    """The overview's counts for the whole plan (its first list of status counts)."""
    return html.split('<ul class="status-counts">', 1)[1].split("</ul>", 1)[0]


def test_overview_shows_a_status_saved_after_it_was_cached(client, measure):
    totals = _plan_totals(_page(client, "/?year=2024"))
    assert "Being planned / in progress: <strong>1</strong>" in totals
    status = measure.statuses.get(year=2024)
    status.status = "done"
    status.save()
    totals = _plan_totals(_page(client, "/?year=2024"))
    assert "Carried out: <strong>1</strong>" in totals
    assert "Being planned / in progress: <strong>0</strong>" in totals


def test_plan_table_shows_a_status_saved_after_it_was_cached(client, measure):
    assert "Being planned / in progress" in _page(client, "/plan/table/")
    MeasureStatus.objects.filter(measure=measure, year=2024).get().delete()
    make_status(measure, 2024, "done")
    html = _page(client, "/plan/table/")
    assert "Carried out" in html
    assert "Being planned / in progress</span>" not in html.split("<tbody>", 1)[1]


@pytest.mark.parametrize(
    "change",
    ["measure text", "goal text", "sub-goal text", "committee name", "priority group"],
)
def test_plan_table_shows_every_edit_of_what_it_shows(client, measure, change):
    _page(client, "/plan/table/")
    if change == "measure text":
        measure.text = "Nytt tiltak"
        measure.save()
    elif change == "goal text":
        measure.goal.text = "Nytt hovudmål"
        measure.goal.save()
    elif change == "sub-goal text":
        measure.subgoal.text = "Nytt delmål"
        measure.subgoal.save()
    elif change == "committee name":
        measure.goal.committee.short_name = "Nytt utval"
        measure.goal.committee.save()
    else:
        measure.priority_groups.add(make_priority_groups()[0])
    expected = {
        "measure text": "Nytt tiltak",
        "goal text": "Nytt hovudmål",
        "sub-goal text": "Nytt delmål",
        "committee name": "Nytt utval",
        "priority group": "priority-tag",
    }[change]
    assert expected in _page(client, "/plan/table/")


def test_a_retired_measure_leaves_the_cached_table(client, measure):
    assert "Felles kartlegging" in _page(client, "/plan/table/")
    measure.retired = True
    measure.save()
    assert "Felles kartlegging" not in _page(client, "/plan/table/")


def test_cached_table_is_served_without_rendering_the_rows_again(
    client, measure, django_assert_max_num_queries
):
    _page(client, "/plan/table/")
    with django_assert_max_num_queries(3):
        assert "Felles kartlegging" in _page(client, "/plan/table/")


def test_each_query_string_has_its_own_fragment(client, measure):
    other = make_measure(measure.goal, "Anna tiltak")
    assert "Anna tiltak" in _page(client, "/plan/table/")
    html = _page(client, "/plan/table/?q=kartlegging")
    assert "Felles kartlegging" in html
    assert "Anna tiltak" not in html
    assert other.get_absolute_url() not in html


def test_languages_do_not_share_a_fragment(measure):
    def render():
        return translation.get_language()

    with translation.override("en"):
        english = cached_fragment("test", 1, render=render)
    with translation.override("nn"):
        nynorsk = cached_fragment("test", 1, render=render)
    assert (english, nynorsk) == ("en", "nn")


def test_the_version_changes_on_every_bump_and_survives_an_empty_cache(measure):
    first = plan_content_version()
    assert plan_content_version() == first
    cache.clear()
    assert plan_content_version() == first
    bump_plan_content_version()
    assert plan_content_version() != first


def _chart(html: str) -> str:
    return html.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_committee_chart_shows_a_status_saved_after_it_was_cached(client, measure):
    url = measure.goal.committee.get_absolute_url()
    before = _chart(_page(client, url))
    status = measure.statuses.get(year=2024)
    status.status = "done"
    status.save()
    after = _chart(_page(client, url))
    cache.clear()
    assert after != before
    assert after == _chart(_page(client, url))
