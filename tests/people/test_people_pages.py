"""The people pages: the secretariat's list and person page, a committee's members for its
own people (read only), deactivating, and Min profil."""

import pytest
from django.contrib.auth import get_user_model

from actionplan.people.models import PersonEvent
from helsefellesskap.models import OIDCIdentity
from tests.factories import make_person, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def text(response) -> str:
    return response.content.decode()


def test_the_people_list_shows_roles_last_sign_in_and_state(
    sara_client, alice, bob, charlie, committee_a
):
    committee_a.leader = make_person("Leiar Lund", user=charlie)
    committee_a.save()
    User.objects.filter(pk=bob.pk).update(is_active=False)
    page = text(sara_client.get("/people/"))
    assert "Alice Aasen" in page
    assert "Editor: <a" in page
    assert "Leader: <a" in page
    assert "Deactivated" in page
    assert "Never" in page  # nobody but Sara has signed in here
    assert "Secretariat" in page


def test_the_people_list_takes_the_same_queries_for_many_people(
    sara_client, alice, committee_a, django_assert_max_num_queries
):
    for n in range(30):
        user = make_user(f"user{n}", first_name=f"P{n}")
        committee_a.editors.add(user)
        make_person(f"Person {n}", user=user)
    with django_assert_max_num_queries(12):
        response = sara_client.get("/people/")
    assert "P29" in text(response)


@pytest.mark.parametrize("persona", ["alice_client", "bob_client", "charlie_client"])
def test_only_the_secretariat_sees_people(persona, request, alice):
    client = request.getfixturevalue(persona)
    assert client.get("/people/").status_code == 403
    assert client.get(f"/people/{alice.pk}/").status_code == 403
    assert client.get("/people/invite/").status_code == 403


def test_the_person_page_shows_roles_sign_ins_and_history(sara_client, alice, committee_a):
    OIDCIdentity.objects.create(
        user=alice, issuer="https://login.example", subject="s", provider="entra"
    )
    sara_client.post(
        f"/people/{alice.pk}/roles/add/", {"role": "deputy", "committee": committee_a.pk}
    )
    page = text(sara_client.get(f"/people/{alice.pk}/"))
    assert "Deputy: <a" in page
    assert "Signs in with entra" in page
    assert "Role given (Deputy, Utval A) – Sara Sekretær" in page


def test_a_leader_sees_the_committees_members_read_only(alice_client, alice, bob, committee_a):
    committee_a.leader = make_person("Leiar Lund", email="leiar@example.no")
    committee_a.save()
    response = alice_client.get("/people/committees/utval-a/")
    page = text(response)
    assert response.status_code == 200
    assert "Members of Utval A" in page
    assert "Leiar Lund" in page
    assert "No user account" in page
    assert "Alice Aasen" in page
    assert "Bob Berg" not in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert alice_client.post("/people/committees/utval-a/").status_code == 405


def test_members_of_another_committee_are_not_shown(
    alice_client, bob_client, charlie_client, committee_b, bob
):
    assert alice_client.get("/people/committees/utval-b/").status_code == 403
    assert charlie_client.get("/people/committees/utval-b/").status_code == 403
    assert bob_client.get("/people/committees/utval-b/").status_code == 200


def test_the_secretariat_deactivates_and_reactivates_an_account(
    sara_client, alice, alice_client, committee_a
):
    assert alice_client.get("/people/me/").status_code == 200
    response = sara_client.post(f"/people/{alice.pk}/deactivate/")
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    # Signed out on her next request; roles and history stay.
    assert alice_client.get("/people/me/").status_code == 302
    assert committee_a.editors.filter(pk=alice.pk).exists()
    assert "Deactivated" in text(sara_client.get(f"/people/{alice.pk}/"))
    assert sara_client.post(f"/people/{alice.pk}/reactivate/").status_code == 302
    alice.refresh_from_db()
    assert alice.is_active
    kinds = list(PersonEvent.objects.filter(user=alice).values_list("kind", flat=True))
    assert kinds == ["reactivated", "deactivated"]


def test_deactivating_twice_or_oneself_changes_nothing(sara_client, sara, alice):
    sara_client.post(f"/people/{alice.pk}/deactivate/")
    response = sara_client.post(f"/people/{alice.pk}/deactivate/")
    assert response.status_code == 409
    assert "already deactivated" in text(response)
    response = sara_client.post(f"/people/{sara.pk}/deactivate/")
    assert response.status_code == 409
    assert "your own account" in text(response)
    sara.refresh_from_db()
    assert sara.is_active
    assert PersonEvent.objects.count() == 1


@pytest.mark.parametrize("persona", ["alice_client", "bob_client", "charlie_client"])
def test_only_the_secretariat_deactivates(persona, request, alice, charlie):
    client = request.getfixturevalue(persona)
    assert client.post(f"/people/{charlie.pk}/deactivate/").status_code == 403
    assert client.post(f"/people/{alice.pk}/reactivate/").status_code == 403
    charlie.refresh_from_db()
    assert charlie.is_active


def test_min_profil_changes_name_e_mail_and_language(alice_client, alice, committee_a):
    page = text(alice_client.get("/people/me/"))
    assert "My profile" in page
    assert "Editor: <a" in page
    assert "/people/committees/utval-a/" in page
    body = {
        "first_name": "Alice",
        "last_name": "Aasen-Berg",
        "email": "alice@kommune.no",
        "language": "nb",
    }
    response = alice_client.post("/people/me/", body)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.last_name == "Aasen-Berg"
    assert alice.email == "alice@kommune.no"
    assert alice.person.language == "nb"
    event = PersonEvent.objects.get(user=alice)
    assert event.detail == "last_name, email, language"


def test_min_profil_refuses_an_e_mail_of_another_account(alice_client, alice, bob):
    body = {"first_name": "Alice", "last_name": "A", "email": "BOB@example.org", "language": "nn"}
    response = alice_client.post("/people/me/", body)
    assert response.status_code == 400
    assert "Another account has this e-mail address." in text(response)
    alice.refresh_from_db()
    assert alice.email == "alice@example.org"
    assert alice.last_name == "Aasen"


def test_min_profil_refuses_bad_input(alice_client, alice):
    body = {"first_name": "", "email": "not an address", "language": "de"}
    response = alice_client.post("/people/me/", body)
    assert response.status_code == 400
    assert "Enter a valid email address." in text(response)
    assert "Select a valid choice." in text(response)
    alice.refresh_from_db()
    assert alice.first_name == "Alice"
    assert not PersonEvent.objects.exists()


def test_min_profil_for_someone_without_a_person_yet(charlie_client, charlie):
    body = {
        "first_name": "Charlie",
        "last_name": "C",
        "email": "charlie@example.org",
        "language": "en",
    }
    assert charlie_client.post("/people/me/", body).status_code == 302
    charlie.refresh_from_db()
    assert charlie.person.language == "en"
    assert "No role: may only read" in text(charlie_client.get("/people/me/"))


def test_min_profil_needs_a_log_in(client):
    response = client.get("/people/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_other_apps_add_sections_to_min_profil(alice_client, monkeypatch, settings, tmp_path):
    from helsefellesskap import profile_sections

    (tmp_path / "section.html").write_text("<section><h2>Varsel</h2>{{ section.count }}</section>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    monkeypatch.setattr(profile_sections, "_sections", [])
    profile_sections.register_section("section.html", lambda request: {"count": "3 følgde"})
    profile_sections.register_section("section.html", lambda request: None)
    page = text(alice_client.get("/people/me/"))
    assert page.count("<h2>Varsel</h2>") == 1
    assert "3 følgde" in page
