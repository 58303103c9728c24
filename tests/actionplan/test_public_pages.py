"""The public pages render the plan for anyone, without logging in."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from actionplan.models import Committee, Measure, Plan
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_person,
    make_plan,
    make_priority_groups,
    make_status,
    make_subgoal,
)

REAL_PLAN = Path(settings.BASE_DIR) / "fixtures" / "plan_2023_2026.json"


@pytest.fixture
def rehab(db):
    """A committee shaped like the document: a goal with a direct measure and a sub-goal."""
    plan = make_plan(motto="Saman om helse")
    committee = make_committee(
        "Rehabilitering",
        short_name="Rehabilitering",
        slug="rehabilitering",
        leader=make_person("Eirin Liadal"),
        deputy=make_person("Runa Bakke"),
        secretary=make_person("Siri Sekretær"),
        leader_title="Leder",
    )
    goal = make_goal(plan, committee, "Gode samarbeidsformer", order=1)
    direct = make_measure(
        goal,
        "Etablere samarbeidsmøte",
        responsible="Kommunane",
        measurement="Tal møte",
        notes="Sjå delavtale",
        order=1,
    )
    subgoal = make_subgoal(goal, "Tydeleg informasjon", order=1)
    under_sub = make_measure(
        goal,
        "Lage tydeleg heimeside",
        subgoal=subgoal,
        order=2,
        priority_groups=[make_priority_groups()[0]],
    )
    make_status(direct, 2023, "done")
    make_status(direct, 2024, "in_progress", note="2024/25")
    make_status(under_sub, 2024, "not_done")
    return plan, committee, direct, under_sub


def _html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_overview_shows_the_plan_and_every_committee_with_its_people_and_counts(client, rehab):
    plan, committee, _direct, _under = rehab
    html = _html(client.get("/plan/?year=2024"))
    assert plan.title in html
    assert "Saman om helse" in html
    assert "Plan period 2023–2026" in html
    assert committee.get_absolute_url() in html
    assert "Eirin Liadal" in html
    assert "Runa Bakke" in html
    assert "1 main goal," in html
    assert "2 measures" in html
    # The 2024 distribution: one in progress, one not done, nothing done or missing.
    assert "Being planned / in progress: <strong>1</strong>" in html
    assert "Not carried out: <strong>1</strong>" in html
    assert "Carried out: <strong>0</strong>" in html
    assert "Not reported: <strong>0</strong>" in html
    assert "<svg" in html
    assert "<title" in html


def test_overview_year_switcher_changes_the_distribution(client, rehab):
    html = _html(client.get("/plan/?year=2023"))
    assert "Carried out: <strong>1</strong>" in html
    assert "Not reported: <strong>1</strong>" in html
    assert '<option value="2023" selected>' in html


def test_overview_ignores_a_year_outside_the_plan(client, rehab):
    plan = rehab[0]
    html = _html(client.get("/plan/?year=1999"))
    assert f'<option value="{plan.default_year()}" selected>' in html
    html = _html(client.get("/plan/?year=abc"))
    assert f'<option value="{plan.default_year()}" selected>' in html


def test_home_is_the_overview(client, rehab):
    assert "Rehabilitering" in _html(client.get("/"))


def test_overview_without_a_plan_says_so(client, db):
    assert "No plan has been loaded yet." in _html(client.get("/"))


def test_committee_page_shows_people_goals_subgoals_and_measures_in_document_order(client, rehab):
    _plan, _committee, direct, under_sub = rehab
    html = _html(client.get("/plan/committees/rehabilitering/"))
    assert "Leder" in html
    assert "Eirin Liadal" in html
    assert "Runa Bakke" in html
    assert "Siri Sekretær" in html
    positions = [
        html.index(text)
        for text in (
            "Gode samarbeidsformer",
            "Etablere samarbeidsmøte",
            "Tydeleg informasjon",
            "Lage tydeleg heimeside",
        )
    ]
    assert positions == sorted(positions)
    assert direct.get_absolute_url() in html
    assert under_sub.get_absolute_url() in html
    assert "Kommunane" in html
    assert "Tal møte" in html
    assert "Sjå delavtale" in html
    for year in (2022, 2023, 2024, 2025):  # earlier years fold behind "Show all years"
        assert f'<th scope="col" class="status-cell year-other">{year}</th>' in html
    assert '<th scope="col" class="status-cell">2026</th>' in html
    assert '<span class="status-note">2024/25</span>' in html
    assert "Barn og unge" in html  # the priority group of the second measure


def test_committee_page_shows_a_badge_with_text_for_every_year(client, rehab):
    html = _html(client.get("/plan/committees/rehabilitering/"))
    # 2 measures x 5 years, and the legend's 4.
    assert html.count('<span class="status__label">') == 2 * 5 + 4
    assert html.count("status--done") == 1 + 1
    assert html.count("status--not_reported") == 7 + 1


def test_committee_page_has_a_status_per_year_chart(client, rehab):
    html = _html(client.get("/plan/committees/rehabilitering/"))
    assert "Status per year for Rehabilitering</title>" in html
    assert "2024: Carried out: 0, Being planned / in progress: 1, Not carried out: 1" in html


def test_committee_page_leaves_out_retired_measures(client, rehab):
    _plan, committee, direct, _under = rehab
    make_measure(direct.goal, "Gamalt tiltak", retired=True)
    assert "Gamalt tiltak" not in _html(client.get(committee.get_absolute_url()))


def test_unknown_committee_is_404(client, rehab):
    assert client.get("/plan/committees/finst-ikkje/").status_code == 404


def test_measure_page_shows_its_chain_statuses_and_facts(client, rehab):
    _plan, committee, _direct, under_sub = rehab
    make_status(under_sub, 2023, "done", note="Årleg")
    html = _html(client.get(under_sub.get_absolute_url()))
    for text in (
        "Rehabilitering",
        "Gode samarbeidsformer",
        "Tydeleg informasjon",
        "Lage tydeleg heimeside",
    ):
        assert text in html
    assert committee.get_absolute_url() in html
    assert "Barn og unge" in html
    assert "Årleg" in html
    assert html.count('<th scope="row">') == 5  # one row per plan year
    assert "Retired measure." not in html


def test_retired_measure_is_still_reachable_but_clearly_marked(client, rehab):
    _plan, _committee, direct, _under = rehab
    Measure.objects.filter(pk=direct.pk).update(retired=True)
    html = _html(client.get(direct.get_absolute_url()))
    assert "Retired measure." in html
    assert "no longer part of the plan" in html


def test_measure_under_a_retired_goal_is_marked_retired(client, rehab):
    _plan, _committee, direct, _under = rehab
    direct.goal.retired = True
    direct.goal.save()
    assert "Retired measure." in _html(client.get(direct.get_absolute_url()))


def test_unknown_measure_is_404(client, db):
    assert client.get("/plan/measures/999999/").status_code == 404


def test_every_page_has_breadcrumbs_ending_in_the_current_page(client, rehab):
    _plan, committee, direct, _under = rehab
    pages = {
        "/plan/": "Home",  # the overview is the front page, the root of every trail
        committee.get_absolute_url(): "Rehabilitering",
        "/plan/table/": "Plan table",
        direct.get_absolute_url(): "Etablere samarbeidsmøte",
    }
    for url, current in pages.items():
        html = _html(client.get(url))
        crumbs = html[
            html.index('<nav class="breadcrumbs') : html.index(
                "</nav>", html.index('<nav class="breadcrumbs')
            )
        ]
        assert f'<span aria-current="page">{current}' in crumbs, url
    measure_html = _html(client.get(direct.get_absolute_url()))
    assert f'<a href="{committee.get_absolute_url()}">Rehabilitering</a>' in measure_html


def test_pages_link_their_stylesheet_and_have_no_inline_styles_or_scripts(client, rehab):
    _plan, committee, direct, _under = rehab
    for url in ("/plan/", committee.get_absolute_url(), "/plan/table/", direct.get_absolute_url()):
        html = _html(client.get(url))
        assert "css/actionplan.css" in html
        assert "style=" not in html
        assert "<script>" not in html


@pytest.mark.skipif(not REAL_PLAN.exists(), reason="the real plan fixture has not landed yet")
def test_every_public_page_renders_the_real_plan(client, db):
    call_command("load_real_plan", verbosity=0)
    plan = Plan.objects.current()
    assert plan.title in _html(client.get("/"))
    table = _html(client.get("/plan/table/"))
    assert "status__label" in table
    for committee in Committee.objects.in_plan(plan):
        assert committee.name in _html(client.get(committee.get_absolute_url()))
    for measure in Measure.objects.active().in_plan(plan)[::25]:
        assert measure.goal.text[:30] in _html(client.get(measure.get_absolute_url()))
    csv_text = client.get("/plan/table.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert len(rows) == 1 + Measure.objects.active().in_plan(plan).count()


def test_measure_page_offers_blocks_for_history_and_actions(client, rehab, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.template import engines

    plan, committee, direct, _under = rehab
    child = engines["django"].from_string(
        '{% extends "actionplan/measure_detail.html" %}'
        "{% block measure_history %}<p>HISTORY HERE</p>{% endblock %}"
        "{% block measure_actions %}<p>ACTIONS HERE</p>{% endblock %}"
    )
    context = {
        "plan": plan,
        "measure": direct,
        "committee": committee,
        "year_cells": direct.statuses_by_year(plan.years),
    }
    request = rf.get(direct.get_absolute_url())
    request.user = AnonymousUser()
    html = child.render(context, request)
    assert "HISTORY HERE" in html
    assert "ACTIONS HERE" in html
    assert html.index("Status per year") < html.index("HISTORY HERE")
