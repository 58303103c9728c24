"""reverse_numbers: the URL reverse() gives, for any whole numbers, without walking the resolver
once per row."""

import pytest
from django.urls import reverse, set_script_prefix
from django.utils import translation

from helsefellesskap.row_urls import reverse_numbers

NUMBERS = [(1, 2024), (18642, 8642), (918273645, 2026), (864286421, 918273645), (7, 0)]


@pytest.mark.parametrize(("pk", "year"), NUMBERS)
def test_it_gives_what_reverse_gives(pk, year):
    assert reverse_numbers("actionplan:status_update", pk, year) == reverse(
        "actionplan:status_update", args=[pk, year]
    )
    assert reverse_numbers("actionplan:measure", pk) == reverse("actionplan:measure", args=[pk])


def test_it_follows_the_script_prefix_and_language():
    try:
        set_script_prefix("/portal/")
        assert reverse_numbers("actionplan:measure", 5) == "/portal/plan/measures/5/"
    finally:
        set_script_prefix("/")
    assert reverse_numbers("actionplan:measure", 5) == "/plan/measures/5/"
    for language in ("nn", "nb", "en"):
        with translation.override(language):
            assert reverse_numbers("actionplan:measure", 5) == reverse(
                "actionplan:measure", args=[5]
            )
