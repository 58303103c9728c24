"""The overview and the plan table are cached, and never show content older than the last save.

Anonymous visitors are served the whole page from the cache (helsefellesskap/page_cache.py);
each test first makes sure its page is such a copy, so an edit must reach past both caches."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from actionplan.caching import PLAN_CONTENT, bump_plan_content_version, plan_content_version
from actionplan.models import MeasureStatus
from helsefellesskap.content_versions import cached_fragment
from tests.factories import (
    make_committee,
    make_editor_world,
    make_goal,
    make_measure,
    make_plan,
    make_priority_groups,
    make_sara,
    make_status,
    make_subgoal,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def measure():
    plan = make_plan()
    goal = make_goal(plan, make_committee("Rehabilitering"), "Betre rehabilitering")
    measure = make_measure(goal, "Felles kartlegging", subgoal=make_subgoal(goal, "Delmål A"))
    make_status(measure, 2024, "in_progress")
    return measure


def _page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _cached_page(client, url):
    """The page, asked for until it comes as a stored copy (no view, no template)."""
    _page(client, url)
    response = client.get(url)
    assert response.status_code == 200
    assert response.templates == [], f"{url} was rendered again, not served from the cache"
    return response.content.decode()


def _plan_totals(html: str) -> str:
    """The overview's counts for the whole plan (its first list of status counts)."""
    return html.split('<ul class="status-counts">', 1)[1].split("</ul>", 1)[0]


def test_overview_shows_a_status_saved_after_it_was_cached(client, measure):
    totals = _plan_totals(_cached_page(client, "/?year=2024"))
    assert "Being planned / in progress: <strong>1</strong>" in totals
    status = measure.statuses.get(year=2024)
    status.status = "done"
    status.save()
    totals = _plan_totals(_page(client, "/?year=2024"))
    assert "Carried out: <strong>1</strong>" in totals
    assert "Being planned / in progress: <strong>0</strong>" in totals


def test_plan_table_shows_a_status_saved_after_it_was_cached(client, measure):
    assert "Being planned / in progress" in _cached_page(client, "/plan/table/")
    MeasureStatus.objects.filter(measure=measure, year=2024).get().delete()
    make_status(measure, 2024, "done")
    html = _page(client, "/plan/table/")
    assert "Carried out" in html
    assert "Being planned / in progress</span>" not in html.split("<tbody", 1)[1]


@pytest.mark.parametrize(
    "change",
    ["measure text", "goal text", "sub-goal text", "committee name", "priority group"],
)
def test_plan_table_shows_every_edit_of_what_it_shows(client, measure, change):
    _cached_page(client, "/plan/table/")
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
    assert "Felles kartlegging" in _cached_page(client, "/plan/table/")
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
        english = cached_fragment("test", 1, render=render, contents=(PLAN_CONTENT,))
    with translation.override("nn"):
        nynorsk = cached_fragment("test", 1, render=render, contents=(PLAN_CONTENT,))
    assert (english, nynorsk) == ("en", "nn")


def test_the_version_changes_on_every_bump_and_survives_an_empty_cache(measure):
    first = plan_content_version()
    assert plan_content_version() == first
    cache.clear()
    assert plan_content_version() == first
    bump_plan_content_version()
    assert plan_content_version() != first


def _chart(html: str) -> str:
    figure = html.split('class="status-figure"', 1)[1]
    return figure.split("<svg", 1)[1].split("</svg>", 1)[0]


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


@pytest.mark.parametrize(
    "url", ["/", "/plan/", "/plan/table/", "/plan/table/?q=kartlegging&page=1"]
)
def test_a_repeat_anonymous_visit_renders_nothing_and_reads_one_version(
    client, measure, url, django_assert_max_num_queries
):
    first = _page(client, url)
    with django_assert_max_num_queries(1):
        response = client.get(url)
    assert response.templates == []
    assert response.content.decode() == first


def test_a_status_saved_through_the_editing_page_shows_to_the_next_anonymous_visitor():
    world = make_editor_world()
    make_status(world.measure_a, 2024, "in_progress")
    anonymous, alice = Client(), Client()
    alice.force_login(world.alice)
    assert "Being planned / in progress: <strong>1</strong>" in _plan_totals(
        _cached_page(anonymous, "/?year=2024")
    )
    response = alice.post(
        f"/plan/measures/{world.measure_a.pk}/status/2024/",
        {"status": "done", "note": "", "version": 1},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Carried out: <strong>1</strong>" in _plan_totals(_page(anonymous, "/?year=2024"))


def test_languages_do_not_share_a_copy(client, measure):
    for _ in range(2):
        assert '<html lang="nb"' in _page(client, "/plan/table/?page=1", HTTP_ACCEPT_LANGUAGE="nb")
        assert '<html lang="en"' in _page(client, "/plan/table/?page=1", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "nn"
    assert '<html lang="nn"' in _page(client, "/plan/table/?page=1", HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("url", ["/", "/plan/table/"])
def test_a_logged_in_user_never_gets_nor_seeds_the_anonymous_copy(client, measure, url):
    user = make_sara()
    logged_in = Client()
    logged_in.force_login(user)
    # Logged in first: nothing stored for the anonymous visitor that follows.
    assert "Log out" in _page(logged_in, url)
    assert client.get(url).templates
    # The anonymous copy is stored now; the logged-in user still gets their own page.
    html = _cached_page(client, url)
    assert "Log out" not in html
    response = logged_in.get(url)
    assert response.templates
    assert "Log out" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/plan/table/"])
def test_the_anonymous_copy_holds_nothing_per_visitor(client, measure, url):
    response = client.get(url)
    assert not response.cookies
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "nonce" not in html
