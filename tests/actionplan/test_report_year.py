"""The committee's "report the year" page: every measure saved in one submit, or none."""

from django.urls import reverse

from actionplan.models import MeasureStatus
from actionplan.services import measure_status_set
from tests.factories import make_measure, make_revision_year, make_status


def _url(committee, year=2024):
    return reverse("actionplan:report_year", args=[committee.slug, year])


def _rows(client, committee, year=2024):
    """The form's own initial data, as a browser would post it back unchanged."""
    formset = client.get(_url(committee, year)).context["formset"]
    data = {
        "rows-TOTAL_FORMS": formset.total_form_count(),
        "rows-INITIAL_FORMS": formset.initial_form_count(),
    }
    for i, form in enumerate(formset.forms):
        for name, value in form.initial.items():
            data[f"rows-{i}-{name}"] = value
    return data


def test_page_lists_measures_and_which_have_no_status(world, alice_client):
    second = make_measure(world.goal_a, "Tiltak A2", subgoal=world.subgoal_a, order=20)
    make_status(world.measure_a, 2024, "done")
    html = alice_client.get(_url(world.committee_a)).content.decode()
    assert "Tiltak A" in html
    assert "Tiltak A2" in html
    assert "Tiltak B" not in html
    assert "1 measure has no status for 2024" in html
    assert f'href="#row-{second.pk}"' in html


def test_one_submit_saves_every_changed_row(world, alice_client, alice):
    second = make_measure(world.goal_a, "Tiltak A2", subgoal=world.subgoal_a, order=20)
    data = _rows(alice_client, world.committee_a)
    data.update({"rows-0-status": "done", "rows-0-note": "Ferdig", "rows-1-status": "in_progress"})
    response = alice_client.post(_url(world.committee_a), data)
    assert response.status_code == 302
    saved = {s.measure_id: (s.status, s.note, s.updated_by) for s in MeasureStatus.objects.all()}
    assert saved == {
        world.measure_a.pk: ("done", "Ferdig", alice),
        second.pk: ("in_progress", "", alice),
    }


def test_unchanged_rows_are_not_saved_again(world, alice_client):
    make_status(world.measure_a, 2024, "done", note="Som før")
    response = alice_client.post(_url(world.committee_a), _rows(alice_client, world.committee_a))
    assert response.status_code == 302
    assert MeasureStatus.objects.get().version == 1


def test_one_stale_row_rolls_back_the_whole_report(world, alice_client, sara):
    second = make_measure(world.goal_a, "Tiltak A2", subgoal=world.subgoal_a, order=20)
    make_status(world.measure_a, 2024, "in_progress")
    data = _rows(alice_client, world.committee_a)
    # Sara saves the first measure while Alice has the page open.
    measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="not_done",
        note="Sara",
        by=sara,
        expected_version=1,
    )
    data.update({"rows-0-status": "done", "rows-1-status": "done"})
    response = alice_client.post(_url(world.committee_a), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved" in html
    assert "Sara" in html
    assert not MeasureStatus.objects.filter(measure=second).exists()
    assert MeasureStatus.objects.get(measure=world.measure_a).status == "not_done"
    # Alice's entries are kept, now on the saved version, so resubmitting goes through.
    resubmit = dict(response.context["formset"].data.items())
    assert alice_client.post(_url(world.committee_a), resubmit).status_code == 302
    assert MeasureStatus.objects.get(measure=second).status == "done"


def test_one_bad_row_rolls_back_the_whole_report(world, alice_client):
    make_measure(world.goal_a, "Tiltak A2", subgoal=world.subgoal_a, order=20)
    data = _rows(alice_client, world.committee_a)
    data.update({"rows-0-status": "done", "rows-1-status": "done", "rows-1-note": "x" * 501})
    response = alice_client.post(_url(world.committee_a), data)
    assert response.status_code == 400
    assert not MeasureStatus.objects.exists()


def test_measure_of_another_committee_in_the_form_is_refused(world, alice_client):
    data = _rows(alice_client, world.committee_a)
    data.update({"rows-0-measure": world.measure_b.pk, "rows-0-status": "done"})
    response = alice_client.post(_url(world.committee_a), data)
    assert response.status_code == 400
    assert "does not match the committee" in response.content.decode()
    assert not MeasureStatus.objects.exists()


def test_editor_cannot_report_for_other_committee(world, alice_client):
    data = {"rows-TOTAL_FORMS": 1, "rows-INITIAL_FORMS": 1, "rows-0-measure": world.measure_b.pk}
    data.update({"rows-0-version": 0, "rows-0-status": "done"})
    assert alice_client.post(_url(world.committee_b), data).status_code == 403
    assert not MeasureStatus.objects.exists()


def test_locked_year_is_read_only_for_editors(world, alice_client, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    response = alice_client.post(
        _url(world.committee_a),
        {
            "rows-TOTAL_FORMS": 1,
            "rows-INITIAL_FORMS": 1,
            "rows-0-measure": world.measure_a.pk,
            "rows-0-version": 0,
            "rows-0-status": "done",
        },
    )
    assert response.status_code == 403
    assert not MeasureStatus.objects.exists()


def test_secretariat_corrects_locked_year_with_reason(world, sara_client, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    data = _rows(sara_client, world.committee_a)
    data["rows-0-status"] = "done"
    assert sara_client.post(_url(world.committee_a), data).status_code == 400
    assert not MeasureStatus.objects.exists()
    data["reason"] = "Retting"
    assert sara_client.post(_url(world.committee_a), data).status_code == 302
    assert MeasureStatus.history.get().history_change_reason == "Retting"


def test_year_outside_plan_is_400(world, alice_client):
    assert alice_client.get(_url(world.committee_a, 2040)).status_code == 400


def test_missing_management_form_is_a_clear_400(world, alice_client):
    response = alice_client.post(_url(world.committee_a), {"rows-0-status": "done"})
    assert response.status_code == 400
    assert not MeasureStatus.objects.exists()


def test_report_page_query_count_does_not_grow(world, alice_client, django_assert_max_num_queries):
    url = _url(world.committee_a)
    with django_assert_max_num_queries(12):
        alice_client.get(url)
    for i in range(60):
        measure = make_measure(world.goal_a, f"Tiltak {i}", subgoal=world.subgoal_a)
        if i % 2:
            make_status(measure, 2024, "done")
    with django_assert_max_num_queries(12):
        response = alice_client.get(url)
    assert "31 measures have no status for 2024" in response.content.decode()


def test_report_page_shows_last_years_status_beside_each_measure(world, alice_client, alice):
    measure_status_set(
        measure=world.measure_a, year=2023, status="in_progress", by=alice, expected_version=0
    )
    url = reverse("actionplan:report_year", args=[world.committee_a.slug, 2024])
    html = alice_client.get(url).content.decode()
    assert '<th scope="col">Status 2023</th><th scope="col">Status 2024</th>' in html
    row = html.split(f'id="row-{world.measure_a.pk}"', 1)[1].split("</tr>", 1)[0]
    cell = '<td class="report-table__previous" data-label="2023">'
    previous = row.split(cell, 1)[1].split("</td>", 1)[0]
    assert "Being planned / in progress" in previous
