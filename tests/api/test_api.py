"""The open-data API (/api/v1/): what it shows, what it never shows, pages, conditional answers,
CORS and the rate limit."""

import datetime

import pytest
from django.urls import reverse

from actionplan.caching import PLAN_CONTENT
from helsefellesskap.content_versions import bump_content_version
from tests.factories import (
    make_action_point,
    make_guideline,
    make_meeting,
    make_person,
    make_plan_with_measures,
    make_series,
)


@pytest.fixture
def world(db):
    plan, measures = make_plan_with_measures(12, committees=2, years=(2023, 2024))
    committee = measures[0].goal.committee
    committee.leader = make_person("Lea Leiar", email="lea@example.no", title="Kommuneoverlege")
    committee.save()
    series = make_series("Samarbeidsmøte", committee=committee)
    public = make_meeting("Ope møte", committee=committee, series=series, minutes="Referat.")
    private = make_meeting("Internt møte", committee=committee, is_public=False)
    make_action_point(public, text="Ope punkt", committee=committee)
    make_action_point(private, text="Løyndomsfullt punkt", committee=committee)
    guideline = make_guideline("Utskriving", body="# Føremål\n\nTekst.", committee=committee)
    guideline.publish_version(
        title="Utskriving", summary="", body="Ny tekst.", change_note="Ny kontaktliste", by=None
    )
    return plan, measures, committee, public, private, guideline


def api(client, name, *args, **query):
    return client.get(reverse(f"api:{name}", args=args), query)


def test_measures_list_their_yearly_statuses_and_links(client, world):
    _plan, _measures, *_ = world
    body = api(client, "measures", page_size=5).json()
    assert body["count"] == 12
    assert len(body["items"]) == 5
    assert body["next"] == "http://testserver/api/v1/measures?page_size=5&page=2"
    assert body["previous"] is None
    first = body["items"][0]
    assert [s["status"] for s in first["statuses"]] == ["done", "in_progress"]
    assert first["statuses"][0]["status_label"] == "Carried out"
    assert client.get(first["url"]).json()["id"] == first["id"]
    assert client.get(first["committee"]["url"]).status_code == 200


def test_measures_filter_like_the_plan_table(client, world):
    _plan, measures, committee, *_ = world
    mine = api(client, "measures", committee=committee.slug, page_size=200).json()
    expected = [m.pk for m in measures if m.goal.committee_id == committee.pk]
    assert sorted(item["id"] for item in mine["items"]) == sorted(expected)
    done = api(client, "measures", status="done", year=2023).json()
    assert done["count"] == 12
    assert api(client, "measures", status="done", year=2024).json()["count"] == 0
    assert api(client, "measures", status="not_reported", year=2025).json()["count"] == 12


def test_an_unknown_filter_value_is_a_400_with_the_reason(client, world):
    response = api(client, "measures", committee="no-such-committee")
    assert response.status_code == 400
    assert "committee" in response.json()["errors"]


def test_committees_name_leader_without_email(client, world):
    _plan, _measures, committee, *_ = world
    response = api(client, "committee", committee.slug)
    assert response.json()["leader"] == {
        "name": "Lea Leiar",
        "title": "Kommuneoverlege",
        "organisation": "",
    }
    assert b"lea@example.no" not in response.content
    assert b"@" not in api(client, "committees").content


@pytest.mark.parametrize("persona", ["anonymous", "secretariat"])
def test_a_meeting_that_is_not_public_is_never_in_the_api(client, world, persona, sara):
    *_, public, private, _guideline = world
    if persona == "secretariat":
        client.force_login(sara)
    listed = api(client, "meetings").json()
    assert [m["id"] for m in listed["items"]] == [public.pk]
    assert api(client, "meeting", private.pk).status_code == 404
    points = api(client, "action_points").content.decode()
    assert "Ope punkt" in points
    assert "Løyndomsfullt" not in points


def test_guidelines_carry_their_versions_and_change_notes(client, world):
    *_, guideline = world
    body = api(client, "guideline", guideline.slug).json()
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["versions"][0]["change_note"] == "Ny kontaktliste"
    version = client.get(body["versions"][1]["url"]).json()
    assert version["number"] == 1
    assert "Føremål" in version["body"]


def test_etag_round_trip(client, world):
    first = api(client, "measures")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(reverse("api:measures"), HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(reverse("api:measures"), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Another page, or a change of the plan, is another answer.
    assert api(client, "measures", page=2)["ETag"] != etag
    bump_content_version(PLAN_CONTENT)
    again = client.get(reverse("api:measures"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_a_status_change_changes_the_etag(client, world):
    _plan, measures, *_ = world
    etag = api(client, "measure", measures[0].pk)["ETag"]
    status = measures[0].statuses.get(year=2024)
    status.note = "Ny merknad"
    status.save()
    response = client.get(reverse("api:measure", args=[measures[0].pk]), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Ny merknad" in response.content.decode()


def test_cors_lets_other_sites_read(client, world):
    response = client.get(reverse("api:measures"), HTTP_ORIGIN="https://kommune.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        reverse("api:measures"),
        HTTP_ORIGIN="https://kommune.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]


def test_writes_are_refused(client, world):
    assert client.post(reverse("api:measures"), {}).status_code == 405


def test_anonymous_callers_are_rate_limited_per_address(client, world, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert api(client, "priority_groups").status_code == 200
    refused = api(client, "priority_groups")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= settings.API_RATE_WINDOW
    # Another address is counted on its own.
    other = client.get(reverse("api:priority_groups"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_rate_limit_window_ends(settings, db):
    from helsefellesskap.api_throttle import count_request

    settings.API_RATE_WINDOW = 60
    start = 1_000_040.0  # 20 s into a window (1_000_020 is a multiple of 60)
    assert count_request("10.1.1.1", now=start) == (1, 40)
    assert count_request("10.1.1.1", now=start + 1) == (2, 39)
    assert count_request("10.1.1.1", now=start + 40) == (1, 60)


@pytest.mark.parametrize("page_size", [5, 100])
def test_query_count_does_not_grow_with_the_page(
    client, world, page_size, django_assert_max_num_queries
):
    # Content version, plan, filter's committee check none, count, rows, statuses, groups.
    with django_assert_max_num_queries(7):
        assert api(client, "measures", page_size=page_size).status_code == 200


@pytest.mark.parametrize(
    "name", ["plans", "committees", "goals", "subgoals", "meetings", "action_points", "guidelines"]
)
def test_lists_take_a_fixed_number_of_queries(client, world, name, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert api(client, name, page_size=200).status_code == 200


def test_the_schema_and_documentation_page(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/measures" in schema["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    # Swagger UI from our own static files, under the portal's CSP (no CDN, no inline code).
    assert b"cdn" not in docs.content.lower()


def test_a_page_past_the_last_is_empty(client, world):
    body = api(client, "measures", page=99).json()
    assert body["items"] == []
    assert body["next"] is None


def test_dates_are_iso(client, world):
    *_, public, _private, _g = world
    public.date = datetime.date(2026, 3, 2)
    public.save()
    assert api(client, "meeting", public.pk).json()["date"] == "2026-03-02"


# --- The measures list for anonymous callers: kept whole in the page cache.


def test_anonymous_callers_get_the_measure_list_from_the_page_cache(
    client, world, django_assert_max_num_queries
):
    _plan, measures, committee, *_ = world
    first = api(client, "measures", page_size=5, committee=committee.slug)
    url = reverse("api:measures")
    # The same list again, its parameters in another order: only the content version is read.
    with django_assert_max_num_queries(1):
        again = client.get(f"{url}?committee={committee.slug}&page_size=5")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    with django_assert_max_num_queries(1):
        unchanged = client.get(
            f"{url}?committee={committee.slug}&page_size=5", HTTP_IF_NONE_MATCH=first["ETag"]
        )
    assert unchanged.status_code == 304
    assert unchanged["ETag"] == first["ETag"]
    # A change of the plan is in the very next answer.
    shown = next(m for m in measures if m.pk == first.json()["items"][0]["id"])
    status = shown.statuses.get(year=2024)
    status.note = "Ny merknad frå leiaren"
    status.save()
    changed = client.get(
        f"{url}?committee={committee.slug}&page_size=5", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert changed.status_code == 200
    notes = [s["note"] for item in changed.json()["items"] for s in item["statuses"]]
    assert "Ny merknad frå leiaren" in notes


def test_answers_from_the_page_cache_count_against_the_rate_limit(client, world, settings):
    settings.API_RATE_LIMIT = 3
    for _ in range(3):
        assert api(client, "measures").status_code == 200
    assert api(client, "measures").status_code == 429


def test_a_session_cookie_without_a_user_is_still_counted(client, world, settings):
    settings.API_RATE_LIMIT = 2
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    for _ in range(2):
        assert api(client, "measures").status_code == 200
    assert api(client, "measures").status_code == 429


def test_signed_in_callers_are_not_counted(alice_client, world, settings):
    settings.API_RATE_LIMIT = 2
    for _ in range(4):
        assert api(alice_client, "measures").status_code == 200


def test_the_measure_list_says_what_each_measure_says_alone(client, world):
    from actionplan.api import MeasureOut
    from helsefellesskap.api import Page

    # The list builds its body itself (no second validation): it must be what its schema
    # gives, and each item what the measure's own endpoint answers.
    body = api(client, "measures", page_size=200).json()
    Page[MeasureOut].model_validate(body)
    assert body["count"] == 12
    for item in body["items"][:4]:
        assert api(client, "measure", item["id"]).json() == item
