"""The Atom feeds parse with feedparser, carry the change, and are linked from their pages."""

import feedparser
from django.urls import reverse

from actionplan.services import measure_status_set
from tests.factories import (
    make_committee,
    make_goal,
    make_guideline,
    make_measure,
    make_meeting,
    make_plan,
)


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_guideline_feed_carries_new_versions_with_their_change_note(client, db):
    guideline = make_guideline("Utskriving", body="Tekst.")
    guideline.publish_version(
        title="Utskriving", summary="", body="Ny.", change_note="Ny kontaktliste", by=None
    )
    feed = parsed(client, reverse("guidelines:changes_feed"))
    assert feed.entries[0].title == "Utskriving, version 2"
    assert feed.entries[0].summary == "Ny kontaktliste"
    assert feed.entries[0].link.endswith(reverse("guidelines:version", args=[guideline.slug, 2]))
    library = client.get(reverse("guidelines:library")).content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in library
    assert reverse("guidelines:changes_feed") in library


def test_status_feeds_carry_the_change_for_the_plan_and_the_committee(client, db):
    plan = make_plan()
    mine, other = make_committee("Utval A"), make_committee("Utval B")
    measure = make_measure(make_goal(plan, mine), "Felles koordinator")
    make_measure(make_goal(plan, other), "Anna tiltak")
    measure_status_set(
        measure=measure, year=2024, status="done", note="Tilsett", by=None, expected_version=0
    )
    whole = parsed(client, reverse("actionplan:status_feed"))
    assert [e.title for e in whole.entries] == ["2024: Carried out – Felles koordinator"]
    assert whole.entries[0].summary == "Tilsett"
    assert (
        parsed(client, reverse("actionplan:committee_status_feed", args=[other.slug])).entries == []
    )
    page = client.get(mine.get_absolute_url()).content.decode()
    assert reverse("actionplan:committee_status_feed", args=[mine.slug]) in page
    assert (
        reverse("actionplan:status_feed")
        in client.get(reverse("actionplan:overview")).content.decode()
    )


def test_minutes_feed_has_public_minutes_only(client, db):
    make_meeting("Ope møte", minutes="Vi vart samde.")
    make_meeting("Internt møte", minutes="Løyndom.", is_public=False)
    make_meeting("Utan referat")
    feed = parsed(client, reverse("meetings:minutes_feed"))
    assert [e.title for e in feed.entries] == ["Ope møte"]
    assert "Vi vart samde." in feed.entries[0].summary
    assert (
        reverse("meetings:minutes_feed")
        in client.get(reverse("meetings:meeting_list")).content.decode()
    )
