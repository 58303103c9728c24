"""Setting a status in place (htmx) and without JavaScript, and every way it is refused."""

import pytest
from django.urls import reverse

from actionplan.models import MeasureStatus
from actionplan.services import measure_status_set
from tests.factories import make_revision_year, make_status

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(measure, year=2024):
    return reverse("actionplan:status_update", args=[measure.pk, year])


def _post(client, measure, year=2024, htmx=False, **data):
    payload = {"status": "done", "note": "", "version": 0, **data}
    return client.post(_url(measure, year), payload, **(HTMX if htmx else {}))


def test_htmx_save_returns_the_updated_cell(world, alice_client):
    response = _post(alice_client, world.measure_a, htmx=True, note="Ferdig i mars")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="status-{world.measure_a.pk}-2024"' in html
    assert "Carried out" in html
    assert "Ferdig i mars" in html
    assert "Saved." in html
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).status == "done"


def test_no_js_save_redirects_back_with_a_message(world, alice_client):
    next_url = "/plan/some-committee-page/"
    response = _post(alice_client, world.measure_a, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == next_url
    page = alice_client.get(_url(world.measure_a))
    assert "Status for 2024 saved: Carried out." in page.content.decode()
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).status == "done"


def test_next_to_another_site_is_ignored(world, alice_client):
    response = _post(alice_client, world.measure_a, next="https://evil.example/")
    assert response["Location"] == world.measure_a.get_absolute_url()


def test_htmx_get_returns_the_form_and_no_js_get_a_page(world, alice_client):
    make_status(world.measure_a, 2024, "in_progress", note="I gang")
    fragment = alice_client.get(_url(world.measure_a), **HTMX).content.decode()
    assert fragment.lstrip().startswith("<form")
    assert 'value="in_progress" selected' in fragment
    assert "I gang" in fragment
    page = alice_client.get(_url(world.measure_a)).content.decode()
    assert "<html" in page
    assert "<h1>" in page


def test_cell_is_readable_by_anyone_without_edit_link(world, client):
    make_status(world.measure_a, 2024, "done")
    html = client.get(reverse("actionplan:status_cell", args=[world.measure_a.pk, 2024])).content
    assert b"Carried out" in html
    assert b"status-edit-link" not in html


def test_editor_cannot_update_other_committee(world, alice_client):
    response = _post(alice_client, world.measure_b)
    assert response.status_code == 403
    assert not MeasureStatus.objects.exists()


def test_user_without_rights_gets_403(world, charlie_client):
    assert _post(charlie_client, world.measure_a).status_code == 403
    assert not MeasureStatus.objects.exists()


def test_anonymous_is_sent_to_log_in(world, client):
    response = _post(client, world.measure_a)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not MeasureStatus.objects.exists()


def test_secretariat_may_update_any_committee(world, sara_client):
    assert _post(sara_client, world.measure_b, htmx=True).status_code == 200
    assert MeasureStatus.objects.get(measure=world.measure_b).status == "done"


@pytest.mark.parametrize("htmx", [True, False])
def test_stale_save_is_refused_with_409_showing_their_change(world, alice_client, sara, htmx):
    measure_status_set(
        measure=world.measure_a, year=2024, status="in_progress", by=sara, expected_version=0
    )
    measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="done",
        note="Sara sin",
        by=sara,
        expected_version=1,
    )
    response = _post(
        alice_client, world.measure_a, htmx=htmx, status="not_done", note="Alice sin", version=1
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "someone else saved first" in html
    assert "Sara Sekretær" in html
    assert "Sara sin" in html
    assert "Alice sin" in html
    assert 'name="version" value="2"' in html  # rebased: a deliberate second save may go
    row = MeasureStatus.objects.get(measure=world.measure_a, year=2024)
    assert (row.status, row.note, row.version) == ("done", "Sara sin", 2)


def test_resubmitting_after_reading_the_conflict_saves(world, alice_client, sara):
    measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=sara, expected_version=0
    )
    _post(alice_client, world.measure_a, status="not_done", version=0)
    assert _post(alice_client, world.measure_a, status="not_done", version=1).status_code == 302
    assert MeasureStatus.objects.get(measure=world.measure_a).status == "not_done"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "finished"}, "Select a valid choice"),
        ({"note": "x" * 501}, "at most 500 characters"),
        ({"version": "abc"}, "damaged version number"),
        ({"version": "-1"}, "damaged version number"),
        ({"version": ""}, "sent no version number"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_saved(world, alice_client, data, message):
    response = _post(alice_client, world.measure_a, htmx=True, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MeasureStatus.objects.exists()


def test_year_outside_the_plan_is_400(world, alice_client):
    response = _post(alice_client, world.measure_a, year=2031)
    assert response.status_code == 400
    assert not MeasureStatus.objects.exists()


def test_locked_year_refuses_editor_with_403(world, alice_client, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    response = _post(alice_client, world.measure_a, htmx=True)
    assert response.status_code == 403
    assert "2024 is locked" in response.content.decode()
    assert not MeasureStatus.objects.exists()


def test_locked_year_hides_the_edit_link_from_editors(world, alice_client, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    html = alice_client.get(reverse("actionplan:status_cell", args=[world.measure_a.pk, 2024]))
    assert b"status-edit-link" not in html.content


def test_secretariat_corrects_locked_year_only_with_reason(world, sara_client, sara):
    make_revision_year(world.plan, 2024, locked=True, by=sara)
    refused = _post(sara_client, world.measure_a, htmx=True)
    assert refused.status_code == 400
    assert "Give a reason" in refused.content.decode()
    assert not MeasureStatus.objects.exists()
    form = sara_client.get(_url(world.measure_a), **HTMX).content.decode()
    assert 'name="reason"' in form
    assert (
        _post(sara_client, world.measure_a, htmx=True, reason="Retta etter SSU").status_code == 200
    )
    assert MeasureStatus.history.get().history_change_reason == "Retta etter SSU"


def test_cancel_keeps_the_page_to_return_to(world, alice_client):
    cell = reverse("actionplan:status_cell", args=[world.measure_a.pk, 2024])
    html = alice_client.get(f"{cell}?next=/plan/committees/utval-a/", **HTMX).content.decode()
    assert "?next=/plan/committees/utval-a/" in html


def test_status_form_names_the_measure_it_edits(world, alice_client):
    html = alice_client.get(_url(world.measure_a), **HTMX).content.decode()
    legend = html.split("<legend>", 1)[1].split("</legend>", 1)[0]
    assert "Status for 2024" in legend
    # Visible, not only to screen readers: on a phone card the row's text may be out of sight.
    named = '<span class="status-form__measure"><span class="visually-hidden"> – </span>'
    assert named + world.measure_a.text in legend
