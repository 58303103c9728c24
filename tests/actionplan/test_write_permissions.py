"""For every write view: the secretariat may; a committee's editor may on their own committee
and gets 403 on another's (even with a hand-made POST); Charlie gets 403; anonymous must log in."""

import pytest
from django.urls import reverse

from tests.actionplan.endpoints import ENDPOINTS

IDS = [e.name for e in ENDPOINTS]


def _state(world):
    """A fingerprint of everything a write could change."""
    from actionplan.models import Goal, Measure, MeasureStatus, Person, RevisionYear, SubGoal

    return (
        list(Goal.objects.values_list("pk", "text", "order", "retired", "version")),
        list(SubGoal.objects.values_list("pk", "text", "order", "retired", "version")),
        list(Measure.objects.values_list("pk", "text", "order", "retired", "version")),
        list(MeasureStatus.objects.values_list("pk", "status", "version")),
        list(RevisionYear.objects.values_list("year", "locked_at")),
        sorted(world.committee_a.editors.values_list("pk", flat=True)),
        sorted(world.committee_b.editors.values_list("pk", flat=True)),
        list(Person.objects.values_list("pk", "user")),
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_secretariat_may(endpoint, world, sara_client):
    url, data = endpoint.build(world, "b")
    before = _state(world)
    response = sara_client.post(url, data)
    assert response.status_code in (200, 302), response.content[:500]
    assert _state(world) != before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_editor_on_own_committee(endpoint, world, alice_client):
    url, data = endpoint.build(world, "a")
    before = _state(world)
    response = alice_client.post(url, data)
    if endpoint.allowed == "editor":
        assert response.status_code in (200, 302), response.content[:500]
        assert _state(world) != before
    else:
        assert response.status_code == 403
        assert _state(world) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_editor_cannot_write_to_other_committee(endpoint, world, alice_client):
    url, data = endpoint.build(world, "b")
    before = _state(world)
    assert alice_client.post(url, data).status_code == 403
    assert _state(world) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_user_without_rights_gets_403(endpoint, world, charlie_client):
    url, data = endpoint.build(world, "a")
    before = _state(world)
    assert charlie_client.post(url, data).status_code == 403
    assert _state(world) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_anonymous_is_sent_to_log_in(endpoint, world, client):
    url, data = endpoint.build(world, "a")
    before = _state(world)
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _state(world) == before
