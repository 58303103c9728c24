import pytest

from tests.factories import make_guideline


@pytest.fixture
def guideline_a(committee_a):
    return make_guideline(
        "Samarbeid om innlegging",
        summary="Når kommunen og sjukehuset skal rådføre seg.",
        body="# Føremål\n\nAvklare ansvar før innlegging.\n\n# Tiltak\n\n- Ring vakthavande\n",
        committee=committee_a,
    )
