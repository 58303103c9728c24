"""Giving and removing roles on the people pages: only the secretariat, written where the
committee pages read who leads what, never overwriting a role someone else holds, and each
change in the history."""

import pytest
from django.contrib.auth.models import Group

from actionplan.models import Committee, Person
from actionplan.people.models import PersonEvent
from actionplan.rights import can_edit_committee_id
from helsefellesskap.auth_backend import PortalModelBackend
from helsefellesskap.secretariat import SECRETARIAT_GROUP
from tests.factories import make_goal, make_person, make_plan, make_user

pytestmark = pytest.mark.django_db


def add(client, user, role, committee=None):
    body = {"role": role, "committee": committee.pk if committee else ""}
    return client.post(f"/people/{user.pk}/roles/add/", body)


def remove(client, user, role, committee=None):
    body = {"role": role, "committee": committee.pk if committee else ""}
    return client.post(f"/people/{user.pk}/roles/remove/", body)


def page(response) -> str:
    return response.content.decode()


def rights_on_next_request(user, committee) -> bool:
    """What the user may do on their next page: loaded as every request loads them."""
    return can_edit_committee_id(PortalModelBackend().get_user(user.pk), committee.pk)


def test_the_secretariat_makes_charlie_leader_and_the_committee_page_shows_him(
    sara_client, charlie, committee_a, client
):
    make_goal(make_plan(), committee_a)
    charlie.first_name, charlie.last_name = "Charlie", "Carlsen"
    charlie.save()
    assert not rights_on_next_request(charlie, committee_a)
    # The page is cached for visitors: it must show the new leader at once all the same.
    assert "Charlie Carlsen" not in page(client.get(committee_a.get_absolute_url()))
    response = add(sara_client, charlie, "leader", committee_a)
    assert response.status_code == 302
    committee_a.refresh_from_db()
    assert committee_a.leader.user == charlie
    assert committee_a.leader.name == "Charlie Carlsen"
    assert rights_on_next_request(charlie, committee_a)
    assert "Charlie Carlsen" in page(client.get(committee_a.get_absolute_url()))
    event = PersonEvent.objects.get(user=charlie)
    assert (event.kind, event.role, event.committee, event.by.username) == (
        "role_added",
        "leader",
        committee_a,
        "sara",
    )
    # The committee's own history has the change too, with who made it.
    record = committee_a.history.first()
    assert record.leader_id == committee_a.leader_id
    assert record.history_user.username == "sara"


def test_giving_the_leader_role_links_the_plans_person_of_the_same_name(sara_client, committee_a):
    kari_in_plan = make_person("Kari Nordmann", title="Kommuneoverlege")
    committee_a.leader = kari_in_plan
    committee_a.save()
    kari = make_user("kari", first_name="Kari", last_name="Nordmann", email="kari@example.no")
    assert add(sara_client, kari, "leader", committee_a).status_code == 302
    committee_a.refresh_from_db()
    # The plan's person stays (name and title as loaded), now with Kari's account.
    assert committee_a.leader_id == kari_in_plan.pk
    assert committee_a.leader.user == kari
    assert committee_a.leader.title == "Kommuneoverlege"
    assert Person.objects.filter(name="Kari Nordmann").count() == 1
    assert rights_on_next_request(kari, committee_a)


def test_a_leader_role_held_by_someone_else_is_never_overwritten(sara_client, charlie, committee_a):
    """Two secretaries giving the same role at once: the second is refused, nothing changes."""
    ola = make_person("Ola Leiar")
    committee_a.leader = ola
    committee_a.save()
    before = committee_a.history.count()
    response = add(sara_client, charlie, "leader", committee_a)
    assert response.status_code == 409
    assert "already has Ola Leiar as Leader" in page(response)
    assert "Nothing was changed" in page(response)
    committee_a.refresh_from_db()
    assert committee_a.leader == ola
    assert committee_a.history.count() == before
    assert not PersonEvent.objects.exists()


def test_a_stale_remove_changes_nothing(sara_client, charlie, committee_a):
    """The page showed Charlie as deputy; meanwhile another secretary removed him and gave the
    role to Ola. Removing Charlie's role now must not remove Ola's."""
    add(sara_client, charlie, "deputy", committee_a)
    ola = make_person("Ola Nestleiar", user=make_user("ola"))
    Committee.objects.filter(pk=committee_a.pk).update(deputy=ola)
    response = remove(sara_client, charlie, "deputy", committee_a)
    assert response.status_code == 409
    assert "does not have the role Deputy" in page(response)
    committee_a.refresh_from_db()
    assert committee_a.deputy == ola


def test_the_secretariat_removes_a_role(sara_client, alice, committee_a):
    assert rights_on_next_request(alice, committee_a)
    response = remove(sara_client, alice, "editor", committee_a)
    assert response.status_code == 302
    assert not committee_a.editors.filter(pk=alice.pk).exists()
    assert not rights_on_next_request(alice, committee_a)
    assert PersonEvent.objects.get(user=alice).kind == "role_removed"


@pytest.mark.parametrize("role", ["leader", "deputy", "secretary", "editor"])
def test_each_committee_role_may_edit_the_committee(role, sara_client, charlie, committee_a):
    add(sara_client, charlie, role, committee_a)
    assert rights_on_next_request(charlie, committee_a)
    remove(sara_client, charlie, role, committee_a)
    assert not rights_on_next_request(charlie, committee_a)


def test_the_secretariat_role(sara_client, charlie, sara):
    assert add(sara_client, charlie, "secretariat").status_code == 302
    assert charlie.groups.filter(name=SECRETARIAT_GROUP).exists()
    assert remove(sara_client, charlie, "secretariat").status_code == 302
    assert not charlie.groups.filter(name=SECRETARIAT_GROUP).exists()
    # Nobody takes the secretariat role from themselves (and locks the portal out).
    response = remove(sara_client, sara, "secretariat")
    assert response.status_code == 409
    assert "from yourself" in page(response)
    assert sara.groups.filter(name=SECRETARIAT_GROUP).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"role": "leader", "committee": ""}, "Choose the committee for this role."),
        ({"role": "boss", "committee": ""}, "Select a valid choice."),
        ({"role": "editor", "committee": "99999"}, "Select a valid choice."),
    ],
)
def test_bad_input_changes_nothing_and_says_why(body, message, sara_client, charlie, committee_a):
    response = sara_client.post(f"/people/{charlie.pk}/roles/add/", body)
    assert response.status_code == 400
    assert message in page(response)
    assert not PersonEvent.objects.exists()
    assert not Committee.objects.filter(editors=charlie).exists()


def test_the_secretariat_role_with_a_committee_is_refused(sara_client, charlie, committee_a):
    response = add(sara_client, charlie, "secretariat", committee_a)
    assert response.status_code == 400
    assert "belongs to no committee" in page(response)
    assert not Group.objects.filter(user=charlie).exists()


def test_giving_a_role_twice_is_refused(sara_client, alice, committee_a):
    response = add(sara_client, alice, "editor", committee_a)
    assert response.status_code == 409
    assert "already has the role Editor" in page(response)


@pytest.mark.parametrize("persona", ["alice_client", "bob_client", "charlie_client"])
def test_only_the_secretariat_gives_and_removes_roles(
    persona, request, charlie, alice, committee_a
):
    client = request.getfixturevalue(persona)
    assert add(client, charlie, "editor", committee_a).status_code == 403
    assert remove(client, alice, "editor", committee_a).status_code == 403
    assert add(client, charlie, "secretariat").status_code == 403
    assert not committee_a.editors.filter(pk=charlie.pk).exists()
    assert committee_a.editors.filter(pk=alice.pk).exists()
    assert not PersonEvent.objects.exists()
