"""Shared fixtures of the action plan tests.

Personas for the editing tests: Sara (secretariat), Alice (editor of committee A),
Charlie (logged in, no rights), and the plan they work on."""

import pytest

from tests.factories import make_editor_world, make_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing is deliberately slow in production; these tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    """Committee A (Alice edits it) and B."""
    return make_editor_world()


@pytest.fixture
def alice(world):
    return world.alice


@pytest.fixture
def charlie(db):
    return make_user("charlie", first_name="Charlie")


def _client_for(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice, client):
    client.force_login(alice)
    return client


@pytest.fixture
def sara_client(sara, client_class):
    return _client_for(client_class, sara)


@pytest.fixture
def charlie_client(charlie, client_class):
    return _client_for(client_class, charlie)


@pytest.fixture
def client_class():
    from django.test import Client

    return Client
