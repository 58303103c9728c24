import pytest

from tests.factories import make_committee, make_user


@pytest.fixture
def alice(db):
    """Alice: editor of committee A."""
    return make_user("alice")


@pytest.fixture
def committee_a(alice):
    return make_committee("Utval A", slug="utval-a", editors=[alice])


@pytest.fixture
def committee_b(db):
    return make_committee("Utval B", slug="utval-b")


@pytest.fixture
def charlie(db):
    """Charlie: logged in, no rights."""
    return make_user("charlie")
