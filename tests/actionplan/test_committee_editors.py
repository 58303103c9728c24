"""The secretariat appoints and removes committee editors."""

from django.urls import reverse

from actionplan.people.models import PersonEvent
from actionplan.rights import can_edit_committee


def test_secretariat_appoints_an_editor(world, sara_client, sara, charlie):
    url = reverse("actionplan:committee_editors", args=["utval-b"])
    assert sara_client.get(url).status_code == 200
    assert sara_client.post(url, {"user": charlie.pk}).status_code == 302
    assert can_edit_committee(charlie, world.committee_b)
    # The same role change as on the people pages, kept in the person's history.
    event = PersonEvent.objects.get(user=charlie)
    assert (event.kind, event.role, event.committee, event.by) == (
        PersonEvent.Kind.ROLE_ADDED,
        "editor",
        world.committee_b,
        sara,
    )


def test_secretariat_removes_an_editor(world, sara_client, alice):
    url = reverse("actionplan:committee_editor_remove", args=["utval-a", alice.pk])
    assert sara_client.post(url).status_code == 302
    assert not world.committee_a.editors.filter(pk=alice.pk).exists()
    assert PersonEvent.objects.get(user=alice).kind == PersonEvent.Kind.ROLE_REMOVED


def test_editor_cannot_manage_editors(world, alice_client, charlie):
    url = reverse("actionplan:committee_editors", args=["utval-a"])
    assert alice_client.get(url).status_code == 403
    assert alice_client.post(url, {"user": charlie.pk}).status_code == 403
    remove = reverse("actionplan:committee_editor_remove", args=["utval-a", world.alice.pk])
    assert alice_client.post(remove).status_code == 403
    assert not world.committee_a.editors.filter(pk=charlie.pk).exists()
    assert world.committee_a.editors.filter(pk=world.alice.pk).exists()


def test_unknown_user_is_a_form_error(world, sara_client):
    url = reverse("actionplan:committee_editors", args=["utval-b"])
    response = sara_client.post(url, {"user": 987654})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_secretariat_links_the_leader_to_a_user_who_then_may_edit(world, sara_client, charlie):
    from tests.factories import make_person

    world.committee_b.leader = make_person("Leiar B")
    world.committee_b.save()
    url = reverse("actionplan:committee_person_link", args=["utval-b", "leader"])
    assert sara_client.post(url, {"leader-user": charlie.pk}).status_code == 302
    assert can_edit_committee(charlie, world.committee_b)
    assert sara_client.post(url, {"leader-user": ""}).status_code == 302  # unlink
    world.committee_b.leader.refresh_from_db()
    assert world.committee_b.leader.user is None


def test_a_user_linked_to_another_person_cannot_be_linked_again(world, sara_client, alice):
    from tests.factories import make_person

    world.committee_b.deputy = make_person("Nestleiar B")
    world.committee_b.save()
    url = reverse("actionplan:committee_person_link", args=["utval-b", "deputy"])
    sara_client.post(url, {"deputy-user": alice.pk})  # Alice is already "Alice Aasen"
    world.committee_b.deputy.refresh_from_db()
    assert world.committee_b.deputy.user is None


def test_editor_cannot_link_people(world, alice_client, charlie):
    from tests.factories import make_person

    world.committee_a.leader = make_person("Leiar A")
    world.committee_a.save()
    url = reverse("actionplan:committee_person_link", args=["utval-a", "leader"])
    assert alice_client.post(url, {"leader-user": charlie.pk}).status_code == 403
    world.committee_a.leader.refresh_from_db()
    assert world.committee_a.leader.user is None


def test_unknown_role_is_404(world, sara_client):
    url = reverse("actionplan:committee_person_link", args=["utval-b", "secretary"])
    assert sara_client.post(url, {}).status_code == 404
