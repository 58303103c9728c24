import pytest
from django.urls import reverse

from guidelines.diff import text_diff
from tests.factories import make_guideline


def _publish(client, guideline, **changes):
    data = {
        "title": guideline.title,
        "summary": guideline.summary,
        "body": guideline.body,
        "change_note": "Oppdatert etter møte i utvalet.",
        **changes,
    }
    return client.post(reverse("guidelines:publish", args=[guideline.slug]), data)


def test_publishing_makes_the_next_numbered_version_current(client, alice, guideline_a):
    client.force_login(alice)
    response = _publish(client, guideline_a, body="# Føremål\n\nNy tekst.")
    assert response.status_code == 302
    guideline_a.refresh_from_db()
    latest = guideline_a.versions.first()
    assert latest.number == 2
    assert latest.published_by == alice
    assert latest.change_note == "Oppdatert etter møte i utvalet."
    assert "Ny tekst." in guideline_a.body_html


def test_a_change_note_is_required(client, alice, guideline_a):
    client.force_login(alice)
    response = _publish(client, guideline_a, body="Ny tekst.", change_note="")
    assert response.status_code == 200
    assert "change_note" in response.context["form"].errors
    assert guideline_a.versions.count() == 1


def test_publishing_unchanged_text_is_refused(client, alice, guideline_a):
    client.force_login(alice)
    response = _publish(client, guideline_a)
    assert response.status_code == 200
    assert "The text is unchanged" in response.content.decode()
    assert guideline_a.versions.count() == 1


def test_publishing_can_set_the_last_professionally_updated_date(client, alice, guideline_a):
    client.force_login(alice)
    _publish(client, guideline_a, body="Ny.", last_updated_on="2026-03-01")
    guideline_a.refresh_from_db()
    assert str(guideline_a.last_updated_on) == "2026-03-01"


def test_an_earlier_version_stays_readable(client, alice, guideline_a):
    client.force_login(alice)
    _publish(client, guideline_a, body="# Nytt\n\nHeilt ny tekst.")
    html = client.get(reverse("guidelines:version", args=[guideline_a.slug, 1])).content.decode()
    assert "Ring vakthavande" in html
    assert "Heilt ny tekst" not in html
    assert "This is an earlier text" in html


def test_the_version_history_lists_who_when_and_why(client, alice, guideline_a):
    client.force_login(alice)
    _publish(client, guideline_a, body="Ny.")
    html = client.get(reverse("guidelines:versions", args=[guideline_a.slug])).content.decode()
    assert "Version 2" in html
    assert "Version 1" in html
    assert "Oppdatert etter møte i utvalet." in html
    assert "Alice Aasen" in html


def test_the_diff_marks_removed_and_added_lines():
    hunks = text_diff("a\nb\nc\n", "a\nB\nc\nd\n")
    lines = [(line.kind, line.text) for hunk in hunks for line in hunk]
    assert lines == [
        ("same", "a"),
        ("removed", "b"),
        ("added", "B"),
        ("same", "c"),
        ("added", "d"),
    ]
    assert text_diff("same", "same") == []


def test_the_diff_keeps_only_context_around_changes():
    old = "\n".join(f"linje {i}" for i in range(30))
    new = old.replace("linje 2\n", "linje to\n").replace("linje 27", "linje tjuesju")
    hunks = text_diff(old, new)
    assert len(hunks) == 2
    assert all(len(hunk) < 10 for hunk in hunks)


def test_the_comparison_page_shows_changes_with_ins_del_and_text_markers(
    client, alice, guideline_a
):
    client.force_login(alice)
    _publish(client, guideline_a, title="Samarbeid før innlegging", body=guideline_a.body.replace(
        "Ring vakthavande", "Ring vakthavande lege"))  # fmt: skip
    url = reverse("guidelines:compare", args=[guideline_a.slug])
    html = client.get(url, {"a": 1, "b": 2}).content.decode()
    assert "Removed: </span>- Ring vakthavande</del>" in html
    assert "Added: </span>- Ring vakthavande lege</ins>" in html
    assert "Samarbeid før innlegging" in html
    assert "Oppdatert etter møte i utvalet." in html


def test_the_comparison_escapes_the_text(client, alice, guideline_a):
    client.force_login(alice)
    _publish(client, guideline_a, body="<script>alert(1)</script>")
    url = reverse("guidelines:compare", args=[guideline_a.slug])
    html = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_comparing_a_guideline_with_one_version_explains(client, db):
    guideline = make_guideline("Éin versjon")
    response = client.get(reverse("guidelines:compare", args=[guideline.slug]), follow=True)
    assert "only one version" in response.content.decode()


def test_comparing_unknown_versions_falls_back_to_the_latest_change(client, alice, guideline_a):
    client.force_login(alice)
    _publish(client, guideline_a, body="Ny.")
    url = reverse("guidelines:compare", args=[guideline_a.slug])
    response = client.get(url, {"a": 7, "b": "x"})
    assert response.status_code == 200
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)


@pytest.mark.parametrize("n_versions", [2, 20])
def test_the_version_history_query_count_does_not_grow(
    client, alice, guideline_a, n_versions, django_assert_max_num_queries
):
    for i in range(n_versions - 1):
        guideline_a.publish_version(
            title=guideline_a.title, summary="", body=f"Tekst {i}", change_note="", by=alice
        )
    with django_assert_max_num_queries(5):
        response = client.get(reverse("guidelines:versions", args=[guideline_a.slug]))
    assert len(response.context["versions"]) == n_versions
