"""The anonymous page cache (helsefellesskap/page_cache.py): who is served a stored copy, and
which responses are never stored."""

import zlib
from unittest import mock

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.helsefellesskap import urls_page_cache as pages

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.helsefellesskap.urls_page_cache")]


@pytest.fixture(autouse=True)
def _fresh_pages():
    pages.STATE["version"] = "1"
    pages.RENDERS.clear()


def _get(client, url, **extra):
    response = client.get(url, **extra)
    return response, len(pages.RENDERS)


def test_a_repeat_visit_is_served_without_the_view_and_with_every_header(client):
    first, _ = _get(client, "/cached/?page=2")
    second, renders = _get(client, "/cached/?page=2")
    assert renders == 1
    assert second.content == first.content
    # Set by middleware inside the cache (stored), and outside it (added to every answer).
    for header in ("Content-Language", "X-Frame-Options", "Vary", "Content-Security-Policy"):
        assert second[header] == first[header], header
    assert second["X-Request-ID"] != first["X-Request-ID"]
    assert not second.cookies


def test_each_query_string_and_state_has_its_own_copy(client):
    _get(client, "/cached/?page=1")
    other, renders = _get(client, "/cached/?page=2")
    assert renders == 2
    assert b"page=2" in other.content
    pages.STATE["version"] = "2"
    _, renders = _get(client, "/cached/?page=1")
    assert renders == 3


def test_head_is_answered_from_the_copy(client):
    _get(client, "/cached/")
    response = client.head("/cached/")
    assert response.status_code == 200
    assert len(pages.RENDERS) == 1


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_per_visitor_state_neither_reads_nor_seeds_the_copy(client, cookie):
    client.cookies[cookie] = "anything"
    _get(client, "/cached/")
    _, renders = _get(client, "/cached/")
    assert renders == 2
    del client.cookies[cookie]
    _, renders = _get(client, "/cached/")
    assert renders == 3


@pytest.mark.parametrize(
    "url", ["/sets-cookie/", "/varies/", "/not-found/", "/never-cache/", "/not-opted-in/"]
)
def test_responses_that_are_not_for_everyone_are_not_stored(client, url):
    _get(client, url)
    _, renders = _get(client, url)
    assert renders == 2


def test_posts_and_htmx_requests_pass_through(client):
    _get(client, "/cached/")
    client.post("/cached/")
    _get(client, "/cached/", HTTP_HX_REQUEST="true")
    assert len(pages.RENDERS) == 3


def test_with_the_cache_down_the_page_is_still_served(client):
    broken = mock.patch(
        "helsefellesskap.page_cache.cache.get", side_effect=RedisConnectionError("down")
    )
    with broken, mock.patch("helsefellesskap.page_cache.cache.set", side_effect=OSError):
        first, _ = _get(client, "/cached/")
        second, renders = _get(client, "/cached/")
    assert (first.status_code, second.status_code, renders) == (200, 200, 2)


def test_the_same_query_in_another_order_or_with_empty_values_shares_one_copy(client):
    _get(client, "/cached/?page=2&year=2024")
    for same in ("/cached/?year=2024&page=2", "/cached/?q=&page=2&year=2024"):
        _, renders = _get(client, same)
        assert renders == 1, same


@pytest.mark.parametrize(
    "query",
    ["utm_source=spam", "page=2&cachebuster=1", f"q={'x' * 41}"],
    ids=["unknown parameter", "unknown beside a known one", "free text too long to share"],
)
def test_a_query_the_page_does_not_name_is_answered_but_never_stored(client, query):
    first, _ = _get(client, f"/cached/?{query}")
    second, renders = _get(client, f"/cached/?{query}")
    assert (first.status_code, second.status_code, renders) == (200, 200, 2)


def test_a_copy_over_the_size_limit_is_not_stored(client, settings):
    settings.PAGE_CACHE_MAX_ENTRY_BYTES = 10
    _get(client, "/cached/")
    _, renders = _get(client, "/cached/")
    assert renders == 2


def test_copies_are_stored_compressed(client):
    from django.core.cache import cache

    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        first, _ = _get(client, "/cached/?page=3")
    (key, (status, headers, body), _timeout), _ = stored.call_args
    assert key.startswith("anonymous-page:")
    assert status == 200
    assert headers["Content-Type"] == first["Content-Type"]
    assert zlib.decompress(body) == first.content
