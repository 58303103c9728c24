import pytest
from django.urls import reverse

from guidelines.models import Guideline
from guidelines.rights import can_edit_guideline
from tests.factories import make_guideline

EDIT_PAGES = ["guidelines:edit", "guidelines:publish", "guidelines:attachments"]


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, guideline_a, page):
    response = client.get(reverse(page, args=[guideline_a.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_editor_cannot_edit_another_committees_guideline(client, alice, committee_b, page):
    other = make_guideline("Beredskap", committee=committee_b)
    client.force_login(alice)
    assert client.get(reverse(page, args=[other.slug])).status_code == 403
    assert client.post(reverse(page, args=[other.slug]), {"title": "Kapra"}).status_code == 403
    other.refresh_from_db()
    assert other.title == "Beredskap"


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_a_user_without_rights_gets_403(client, charlie, guideline_a, page):
    client.force_login(charlie)
    assert client.get(reverse(page, args=[guideline_a.slug])).status_code == 403


@pytest.mark.parametrize("page", EDIT_PAGES)
def test_editor_may_edit_her_committees_guideline(client, alice, guideline_a, page):
    client.force_login(alice)
    assert client.get(reverse(page, args=[guideline_a.slug])).status_code == 200


def test_secretariat_may_edit_any_guideline(secretariat, committee_b):
    assert can_edit_guideline(secretariat, make_guideline(committee=committee_b))
    assert can_edit_guideline(secretariat, make_guideline(committee=None))


def test_a_guideline_without_committee_is_the_secretariats_alone(alice, db):
    assert not can_edit_guideline(alice, make_guideline(committee=None))


def test_reading_needs_no_login(client, guideline_a):
    assert client.get(guideline_a.get_absolute_url()).status_code == 200


def test_the_edit_links_show_only_to_those_who_may_edit(client, alice, charlie, guideline_a):
    publish_url = reverse("guidelines:publish", args=[guideline_a.slug])
    client.force_login(charlie)
    assert publish_url not in client.get(guideline_a.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert publish_url in client.get(guideline_a.get_absolute_url()).content.decode()


def test_charlie_cannot_create_a_guideline(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("guidelines:create")).status_code == 403


def test_editor_creates_a_guideline_for_her_committee_as_version_1(client, alice, committee_a):
    client.force_login(alice)
    response = client.post(
        reverse("guidelines:create"),
        {"title": "Ny rutine", "summary": "", "body": "# Del\n\nTekst", "committee": committee_a.pk,
         "status": "in_force", "source": "own"},
    )  # fmt: skip
    guideline = Guideline.objects.get(title="Ny rutine")
    assert response.status_code == 302
    assert guideline.committee == committee_a
    assert guideline.slug == "ny-rutine"
    version = guideline.versions.get()
    assert (version.number, version.published_by) == (1, alice)


def test_editor_cannot_create_a_guideline_for_another_committee(client, alice, committee_b):
    client.force_login(alice)
    response = client.post(
        reverse("guidelines:create"),
        {"title": "Kapra", "body": "x", "committee": committee_b.pk, "status": "in_force"},
    )
    assert response.status_code == 200
    assert "committee" in response.context["form"].errors
    assert not Guideline.objects.filter(title="Kapra").exists()


def test_editor_updates_status_and_review_date(client, alice, guideline_a):
    client.force_login(alice)
    response = client.post(
        reverse("guidelines:edit", args=[guideline_a.slug]),
        {"committee": guideline_a.committee_id, "status": "under_revision",
         "next_review_on": "2027-01-31", "source": "national",
         "source_url": "https://www.helsedirektoratet.no/x"},
    )  # fmt: skip
    assert response.status_code == 302
    guideline_a.refresh_from_db()
    assert guideline_a.status == "under_revision"
    assert str(guideline_a.next_review_on) == "2027-01-31"
    assert guideline_a.history.count() >= 2  # the change is kept in history


def test_a_review_date_before_adoption_is_refused(client, alice, guideline_a):
    client.force_login(alice)
    response = client.post(
        reverse("guidelines:edit", args=[guideline_a.slug]),
        {"committee": guideline_a.committee_id, "status": "in_force",
         "adopted_on": "2024-05-01", "next_review_on": "2023-01-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "next_review_on" in response.context["form"].errors
    guideline_a.refresh_from_db()
    assert guideline_a.adopted_on is None
