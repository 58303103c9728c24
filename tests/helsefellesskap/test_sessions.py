"""Sessions read from the cache and kept in the database (helsefellesskap/sessions.py)."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache

from tests.factories import make_user

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"


def test_the_database_stays_the_record_and_an_evicted_copy_costs_only_a_query(client):
    user = make_user()
    client.force_login(user)
    assert Session.objects.count() == 1
    cache.clear()  # as if Redis evicted the copy
    response = client.get("/")
    assert response.wsgi_request.user == user


def test_log_out_ends_the_session_in_the_cache_too(client):
    client.force_login(make_user())
    key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    client.cookies["sessionid"] = key  # a copied cookie
    response = client.get("/")
    assert not response.wsgi_request.user.is_authenticated
    assert not Session.objects.filter(session_key=key).exists()


def test_with_the_cache_down_people_still_log_in_and_stay_logged_in(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
        }
    }
    user = make_user()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert client.post("/accounts/logout/").status_code in (200, 302)
