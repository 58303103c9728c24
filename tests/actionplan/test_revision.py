"""The annual revision: open a year, follow each committee's reporting, lock when adopted."""

import pytest
from django.urls import reverse

from actionplan.models import RevisionYear
from actionplan.progress import committee_progress
from actionplan.services import measure_status_set, plan_item_retire
from tests.factories import make_measure, make_plan_with_measures, make_revision_year, make_user


def test_secretariat_opens_a_revision_year_that_becomes_the_default(world, sara_client):
    response = sara_client.post(
        reverse("actionplan:revision_open"), {"year": 2025, "deadline": "2026-01-31"}
    )
    assert response.status_code == 302
    revision = RevisionYear.objects.get()
    assert (revision.year, str(revision.deadline), revision.locked_at) == (2025, "2026-01-31", None)
    assert world.plan.default_year() == 2025


def test_opening_a_year_outside_the_plan_or_twice_is_refused(world, sara_client, sara):
    make_revision_year(world.plan, 2025, by=sara)
    for year in (2025, 2031, "x"):
        response = sara_client.post(reverse("actionplan:revision_open"), {"year": year})
        assert response.status_code == 400
    assert RevisionYear.objects.count() == 1


def test_secretariat_locks_the_year(world, sara_client, sara):
    make_revision_year(world.plan, 2024, by=sara)
    response = sara_client.post(reverse("actionplan:revision_lock", args=[2024]))
    assert response.status_code == 302
    revision = RevisionYear.objects.get()
    assert revision.is_locked
    assert revision.locked_by == sara
    assert world.plan.is_year_locked(2024)


def test_editor_cannot_open_or_lock(world, alice_client, sara):
    make_revision_year(world.plan, 2024, by=sara)
    assert alice_client.post(reverse("actionplan:revision_open"), {"year": 2025}).status_code == 403
    assert alice_client.post(reverse("actionplan:revision_lock", args=[2024])).status_code == 403
    assert alice_client.get(reverse("actionplan:revision_board")).status_code == 403
    assert not RevisionYear.objects.get().is_locked


def test_board_shows_count_last_update_and_missing(world, sara_client, alice):
    make_measure(world.goal_a, "Manglar framleis", subgoal=world.subgoal_a, order=20)
    measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=alice, expected_version=0
    )
    html = sara_client.get(reverse("actionplan:revision_board") + "?year=2024").content.decode()
    assert "1 of 2" in html  # committee A
    assert "0 of 1" in html  # committee B
    assert "Alice Aasen" in html
    assert "Manglar framleis" in html


def test_progress_counts_only_active_measures_with_a_status(world, alice):
    measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=alice, expected_version=0
    )
    retired = make_measure(world.goal_a, "Pensjonert", subgoal=world.subgoal_a)
    plan_item_retire(item=retired, retired=True, by=alice)
    rows = {p.committee.pk: p for p in committee_progress(world.plan, 2024)}
    a = rows[world.committee_a.pk]
    assert (a.total, a.reported, a.missing, a.last_updated_by) == (1, 1, [], alice)
    assert [m.text for m in rows[world.committee_b.pk].missing] == ["Tiltak B"]


def test_board_query_count_is_constant(db, client, django_assert_max_num_queries):
    sara = make_user("sara2", secretariat=True)
    client.force_login(sara)
    plan, _ = make_plan_with_measures(6, committees=2, years=(2024,))
    url = reverse("actionplan:revision_board") + "?year=2024"
    # 14 for the board itself, 5 for the priority-group coverage section.
    with django_assert_max_num_queries(19):
        assert client.get(url).status_code == 200
    make_plan_with_measures(120, committees=8, plan=plan, years=(2024,))
    with django_assert_max_num_queries(19):
        assert client.get(url).status_code == 200


def test_editor_dashboard_shows_only_own_committees_with_progress(world, alice_client, sara):
    make_revision_year(world.plan, 2024, by=sara)
    html = alice_client.get(reverse("actionplan:dashboard")).content.decode()
    assert "The revision of 2024 is open." in html
    assert "0 of 1" in html
    assert reverse("actionplan:report_year", args=["utval-a", 2024]) in html
    assert "utval-b" not in html


def test_leader_linked_to_a_user_is_an_editor(world, client):
    from tests.factories import make_person

    leader = make_user("leiar")
    world.committee_b.leader = make_person("Leiar B", user=leader)
    world.committee_b.save()
    client.force_login(leader)
    assert (
        client.get(reverse("actionplan:committee_plan_edit", args=["utval-b"])).status_code == 200
    )
    assert (
        client.get(reverse("actionplan:committee_plan_edit", args=["utval-a"])).status_code == 403
    )


@pytest.mark.nynorsk
def test_the_button_that_opens_a_year_says_so_as_a_verb(client, secretariat):
    """The word "Open" is both an action point's state and this button: nynorsk tells them
    apart ("Open", "Opne")."""
    make_plan_with_measures(2)
    client.force_login(secretariat)
    html = client.get(reverse("actionplan:revision_board")).content.decode()
    assert '<button type="submit">Opne</button>' in html


def test_locking_asks_first_and_says_how_many_measures_have_no_status(world, sara_client, sara):
    make_revision_year(world.plan, 2024, by=sara)
    measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=sara, expected_version=0
    )
    board = sara_client.get(reverse("actionplan:revision_board") + "?year=2024").content.decode()
    lock_url = reverse("actionplan:revision_lock", args=[2024])
    # The board links to the confirmation page; it holds no form that locks on one click.
    assert f'href="{lock_url}"' in board
    assert f'action="{lock_url}"' not in board

    response = sara_client.get(lock_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 measure has no status for 2024" in html  # committee B's measure
    assert not RevisionYear.objects.get().is_locked


def test_a_locked_year_is_unlocked_only_with_a_reason_kept_in_its_history(world, sara_client, sara):
    make_revision_year(world.plan, 2024, by=sara)
    sara_client.post(reverse("actionplan:revision_lock", args=[2024]))
    unlock = reverse("actionplan:revision_unlock", args=[2024])

    for reason in ("", "   "):
        response = sara_client.post(unlock, {"reason": reason})
        assert response.status_code == 400
        assert "Give a reason" in response.content.decode() or "required" in (
            response.content.decode()
        )
    assert RevisionYear.objects.get().is_locked

    response = sara_client.post(unlock, {"reason": "SSU bad om retting av 2024"})
    assert response.status_code == 302
    revision = RevisionYear.objects.get()
    assert not revision.is_locked
    assert [e["kind"] for e in revision.events()] == ["opened", "locked", "unlocked"]
    assert revision.events()[-1]["reason"] == "SSU bad om retting av 2024"
    assert revision.events()[-1]["who"] == sara
    board = sara_client.get(reverse("actionplan:revision_board") + "?year=2024").content.decode()
    assert "SSU bad om retting av 2024" in board
    # Editors can report the year again.
    assert not world.plan.is_year_locked(2024)


def test_editor_cannot_see_the_lock_or_unlock_pages(world, alice_client, sara):
    revision = make_revision_year(world.plan, 2024, by=sara)
    assert alice_client.get(reverse("actionplan:revision_lock", args=[2024])).status_code == 403
    revision.lock(by=sara)
    unlock = reverse("actionplan:revision_unlock", args=[2024])
    assert alice_client.get(unlock).status_code == 403
    assert alice_client.post(unlock, {"reason": "Eg vil"}).status_code == 403
    assert RevisionYear.objects.get().is_locked


def test_editor_dashboard_shows_one_next_step_per_committee_as_a_button(
    world, alice_client, sara, alice
):
    from datetime import date

    make_revision_year(world.plan, 2024, by=sara, deadline=date(2025, 1, 31))
    html = alice_client.get(reverse("actionplan:dashboard")).content.decode()
    steps = html.split('id="next-steps-heading"', 1)[1].split("</section>", 1)[0]
    report_url = reverse("actionplan:report_year", args=["utval-a", 2024])
    assert steps.count('class="ds-button"') == 1  # alice edits one committee
    text = " ".join(steps.split(f'href="{report_url}">', 1)[1].split("<", 1)[0].split())
    assert text == "Report status 2024 (deadline Jan. 31, 2025, 0 of 1 done)"
    # Once every measure has a status, the step is to check the reporting.
    measure_status_set(
        measure=world.measure_a, year=2024, status="done", by=alice, expected_version=0
    )
    html = alice_client.get(reverse("actionplan:dashboard")).content.decode()
    assert "Check the reporting for 2024 (1 of 1 done)" in html


def test_the_revision_pages_answer_404_before_any_plan_is_loaded(db, client, sara):
    from actionplan.models import Plan

    Plan.objects.all().delete()
    client.force_login(sara)
    assert client.get(reverse("actionplan:revision_board")).status_code == 404
    assert client.post(reverse("actionplan:revision_open"), {"year": 2025}).status_code == 404
