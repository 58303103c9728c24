"""Action points agreed in meetings, shown where the plan is read: on measures and committees."""

import datetime

import pytest

from tests.factories import (
    make_action_point,
    make_committee,
    make_goal,
    make_measure,
    make_meeting,
    make_person,
    make_plan,
)


@pytest.fixture
def committee(db):
    return make_committee("Fagrådet for rehabilitering", slug="rehabilitering")


@pytest.fixture
def measure(committee):
    return make_measure(make_goal(make_plan(), committee), "Felles rutinar for overføring")


def test_measure_page_shows_its_linked_action_points(client, measure):
    meeting = make_meeting("LSU Molde", date=datetime.date(2026, 3, 2))
    make_action_point(
        meeting,
        "Lage sjekkliste for utskriving",
        measure=measure,
        contact_person=make_person("Kari Kontakt"),
    )
    make_action_point(meeting, "Eit anna aksjonspunkt")  # not linked to the measure
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Lage sjekkliste for utskriving" in page
    assert "Kari Kontakt" in page
    assert meeting.get_absolute_url() in page  # the meeting it was agreed in
    assert "Eit anna aksjonspunkt" not in page


def test_measure_page_hides_action_points_of_non_public_meetings(client, measure, sara):
    closed = make_meeting("Internt møte", is_public=False)
    make_action_point(closed, "Internt aksjonspunkt", measure=measure)
    assert "Internt aksjonspunkt" not in client.get(measure.get_absolute_url()).content.decode()
    client.force_login(sara)
    assert "Internt aksjonspunkt" in client.get(measure.get_absolute_url()).content.decode()


def test_committee_page_shows_open_action_points_not_done_ones(client, committee, measure):
    meeting = make_meeting("Møte i fagrådet", committee=committee)
    make_action_point(meeting, "Framleis ope", status="open")
    make_action_point(meeting, "Under arbeid no", status="in_progress")
    make_action_point(meeting, "Alt gjort", status="done")
    make_action_point(meeting, "Lagt vekk", status="dropped")
    make_action_point(make_meeting("Anna møte"), "Eit anna utval sitt", status="open")
    page = client.get(committee.get_absolute_url()).content.decode()
    assert "Open action points" in page or "Opne aksjonspunkt" in page
    assert "Framleis ope" in page
    assert "Under arbeid no" in page
    assert "Alt gjort" not in page
    assert "Lagt vekk" not in page
    assert "Eit anna utval sitt" not in page


def test_committee_page_links_to_its_calendar_feed(client, committee, measure):
    page = client.get(committee.get_absolute_url()).content.decode()
    assert "/meetings/committee/rehabilitering/calendar.ics" in page


@pytest.mark.parametrize("n", [2, 40])
def test_action_points_keep_plan_pages_query_counts_constant(
    client, committee, measure, n, django_assert_max_num_queries
):
    from tests.actionplan.test_query_counts import QUERY_BOUNDS

    meeting = make_meeting("Møte i fagrådet", committee=committee)
    for i in range(n):
        make_action_point(meeting, f"Punkt {i}", measure=measure, contact_person=make_person())
    for page, url in [
        ("measure", measure.get_absolute_url()),
        ("committee", committee.get_absolute_url()),
    ]:
        with django_assert_max_num_queries(QUERY_BOUNDS[page]):
            response = client.get(url)
        assert f"Punkt {n - 1}" in response.content.decode(), page
