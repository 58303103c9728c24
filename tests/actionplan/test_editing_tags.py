"""The template tags other pages include: editable status cells, measure actions, links."""

from django.template import Context, Template
from django.test import Client, RequestFactory

from actionplan.models import Measure
from actionplan.services import plan_item_retire
from tests.factories import make_measure, make_status


def _render(source, user, **context):
    request = RequestFactory().get("/plan/committees/utval-a/")
    request.user = user
    template = Template("{% load actionplan_editing %}" + source)
    return template.render(Context({"request": request, **context}))


def test_editor_gets_an_htmx_edit_link_that_also_works_without_js(world, alice):
    make_status(world.measure_a, 2024, "done", note="Ferdig")
    html = _render("{% editable_status_cell measure 2024 %}", alice, measure=world.measure_a)
    url = f"/plan/measures/{world.measure_a.pk}/status/2024/?next=/plan/committees/utval-a/"
    assert f'href="{url}"' in html
    assert f'hx-get="{url}"' in html
    assert "Carried out" in html
    assert "Ferdig" in html


def test_reader_and_other_committees_editor_get_no_edit_link(world, alice, charlie):
    for user, measure in [(charlie, world.measure_a), (alice, world.measure_b)]:
        html = _render("{% editable_status_cell measure 2024 %}", user, measure=measure)
        assert "status-edit-link" not in html


def test_many_cells_cost_no_query_per_cell(world, alice, django_assert_max_num_queries):
    for i in range(20):
        make_status(make_measure(world.goal_a, f"T{i}", subgoal=world.subgoal_a), 2024, "done")
    measures = list(Measure.objects.filter(goal=world.goal_a).with_chain())
    source = (
        "{% for m in measures %}{% for y in years %}"
        "{% editable_status_cell m y %}{% endfor %}{% endfor %}"
    )
    _render(source, alice, measures=measures[:1], years=world.plan.years, plan=world.plan)
    with django_assert_max_num_queries(1):
        html = _render(source, alice, measures=measures, years=world.plan.years, plan=world.plan)
    assert html.count("status-edit-link") == len(measures) * len(world.plan.years)


def test_measure_actions_only_for_editors(world, alice, charlie):
    source = "{% measure_actions measure %}"
    assert "Update the status" in _render(source, alice, measure=world.measure_a)
    assert "Update the status" not in _render(source, charlie, measure=world.measure_a)


def test_committee_links_for_editor_and_secretariat(world, alice, sara):
    source = "{% committee_editing_links committee %}"
    editor = _render(source, alice, committee=world.committee_a, plan=world.plan)
    assert "/plan/committees/utval-a/report/" in editor
    assert "/plan/committees/utval-a/editors/" not in editor
    assert "/plan/committees/utval-a/editors/" in _render(
        source, sara, committee=world.committee_a, plan=world.plan
    )
    assert _render(source, alice, committee=world.committee_b, plan=world.plan).strip() == ""


def test_committee_page_cells_are_editable_for_its_editor_only(world, alice_client):
    client = Client()  # anonymous
    url = world.committee_a.get_absolute_url()
    edit = f"/plan/measures/{world.measure_a.pk}/status/2024/"
    assert edit in alice_client.get(url).content.decode()
    assert edit not in client.get(url).content.decode()
    assert "/plan/committees/utval-a/report/" in alice_client.get(url).content.decode()


def test_committee_page_for_editor_runs_constant_queries(
    world, alice_client, django_assert_max_num_queries
):
    url = world.committee_a.get_absolute_url()
    alice_client.get(url)
    # 14 for the page, 1 for the committee's open action points, 1 for the plan's content
    # version that keys the cached status chart (caching.py); the chart's aggregate runs again
    # once the new statuses changed that version.
    with django_assert_max_num_queries(16):
        alice_client.get(url)
    for i in range(40):
        make_status(make_measure(world.goal_a, f"T{i}", subgoal=world.subgoal_a), 2024, "done")
    with django_assert_max_num_queries(16):
        response = alice_client.get(url)
    assert response.content.decode().count("status-edit-link") == 41 * len(world.plan.years)


def test_measure_page_shows_history_to_logged_in_users_only(world, alice_client):
    client = Client()  # anonymous
    url = world.measure_a.get_absolute_url()
    assert "History" in alice_client.get(url).content.decode()
    assert "added the measure" in alice_client.get(url).content.decode()
    assert "added the measure" not in client.get(url).content.decode()
    assert "Update the status" in alice_client.get(url).content.decode()


def test_retired_measure_page_offers_no_status_controls(world, alice_client, alice):
    plan_item_retire(item=world.measure_a, retired=True, by=alice)
    html = alice_client.get(world.measure_a.get_absolute_url()).content.decode()
    assert "Update the status" not in html


def test_status_cells_build_the_reversed_edit_url_for_any_measure_and_year(world, alice):
    from types import SimpleNamespace

    from django.urls import reverse

    from actionplan.partials import StatusCells

    request = RequestFactory().get("/plan/committees/utval-a/")
    request.user = alice
    cells = StatusCells(request=request, plan=world.plan)
    # Numbers that hold the stand-ins StatusCells reverses with, or parts of them.
    for pk, year in [(1, 2024), (18642, 8642), (918273645, 2026), (86428642, 1)]:
        measure = SimpleNamespace(pk=pk)
        assert cells.edit_url(measure, year) == reverse("actionplan:status_update", args=[pk, year])


def test_the_saved_fragment_names_the_measure_and_keeps_the_focus(world, alice):
    from actionplan.partials import StatusCells

    world.measure_a.text = 'Tiltak <b>"A"</b> & meir'
    request = RequestFactory().get("/plan/committees/utval-a/?a=1&b=2")
    request.user = alice
    html = StatusCells(request=request, plan=world.plan).cell(world.measure_a, 2024, saved=True)
    assert html.startswith(f'<div id="status-{world.measure_a.pk}-2024" class="status-edit-cell">')
    assert '<span class="status-saved" role="status">Saved.</span>' in html
    assert " autofocus>Update 2024<" in html
    assert "?next=/plan/committees/utval-a/%3Fa%3D1%26b%3D2" in html
    # The measure's text is escaped, never markup.
    assert "Tiltak &lt;b&gt;&quot;A&quot;&lt;/b&gt; &amp; meir" in html
