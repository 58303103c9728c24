import pytest

from tests.factories import make_committee, make_guideline, make_person, make_user


@pytest.fixture
def committee_a(db):
    return make_committee("Fagleg samarbeidsutval for rehabilitering", slug="rehabilitering")


@pytest.fixture
def committee_b(db):
    return make_committee("Fagleg samarbeidsutval for helseberedskap", slug="helseberedskap")


@pytest.fixture
def alice(committee_a):
    """Alice leads committee A: she edits its guidelines, no others."""
    user = make_user("alice", email="alice@example.org")
    committee_a.leader = make_person("Alice Aas", user=user)
    committee_a.save()
    return user


@pytest.fixture
def charlie(db):
    """Charlie has an account and no edit rights."""
    return make_user("charlie", email="charlie@example.org")


@pytest.fixture
def guideline_a(committee_a):
    return make_guideline(
        "Samarbeid om innlegging",
        summary="Når kommunen og sjukehuset skal rådføre seg.",
        body="# Føremål\n\nAvklare ansvar før innlegging.\n\n# Tiltak\n\n- Ring vakthavande\n",
        committee=committee_a,
    )
