"""The secretariat appoints and removes committee editors."""

from django.urls import reverse

from helsefellesskap.roles import can_edit_committee


def test_secretariat_appoints_an_editor(world, sara_client, charlie):
    url = reverse("actionplan:committee_editors", args=["utval-b"])
    assert sara_client.get(url).status_code == 200
    assert sara_client.post(url, {"user": charlie.pk}).status_code == 302
    assert can_edit_committee(charlie, world.committee_b)


def test_secretariat_removes_an_editor(world, sara_client, alice):
    url = reverse("actionplan:committee_editor_remove", args=["utval-a", alice.pk])
    assert sara_client.post(url).status_code == 302
    assert not world.committee_a.editors.filter(pk=alice.pk).exists()


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
