import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from guidelines.models import GuidelineStatus
from tests.factories import make_committee, make_guideline, make_priority_groups

LIBRARY = reverse("guidelines:library")


def _titles(response):
    return [g.title for g in response.context["page"]]


def test_the_library_lists_guidelines_with_status_and_last_updated(client, db):
    import datetime

    make_guideline("LTMV", last_updated_on=datetime.date(2022, 3, 1))
    html = client.get(LIBRARY).content.decode()
    assert "LTMV" in html
    assert "In force" in html  # status in words, not only colour
    assert "March 1, 2022" in html  # the date format of the language (nn: 1. mars 2022)


def test_filter_by_committee(client, committee_a, committee_b):
    make_guideline("Frå A", committee=committee_a)
    make_guideline("Frå B", committee=committee_b)
    assert _titles(client.get(LIBRARY, {"committee": committee_a.pk})) == ["Frå A"]


def test_filter_by_priority_group(client, db):
    children, _, frail, _ = make_priority_groups()
    make_guideline("For barn", priority_groups=[children])
    make_guideline("For eldre", priority_groups=[frail])
    assert _titles(client.get(LIBRARY, {"priority_group": frail.pk})) == ["For eldre"]


def test_filter_by_status(client, db):
    make_guideline("Gjeldande")
    make_guideline("Trekt tilbake", status=GuidelineStatus.WITHDRAWN)
    assert _titles(client.get(LIBRARY, {"status": "withdrawn"})) == ["Trekt tilbake"]


def test_search_and_filters_combine(client, committee_a, committee_b):
    make_guideline("Ventilasjon A", committee=committee_a)
    make_guideline("Ventilasjon B", committee=committee_b)
    make_guideline("Anna A", committee=committee_a)
    response = client.get(LIBRARY, {"q": "ventilasjon", "committee": committee_a.pk})
    assert _titles(response) == ["Ventilasjon A"]


def test_an_unknown_filter_value_is_a_message_not_an_error(client, db):
    make_guideline("Gjeldande")
    response = client.get(LIBRARY, {"status": "nonsense", "committee": "999"})
    assert response.status_code == 200
    assert response.context["filter"].errors


def test_the_library_is_paginated_and_keeps_the_filters(client, db):
    for i in range(25):
        make_guideline(f"Retningsline {i:02}")
    first = client.get(LIBRARY, {"status": "in_force"})
    assert len(first.context["page"]) == 20
    assert "status=in_force&amp;page=2" in first.content.decode()
    second = client.get(LIBRARY, {"status": "in_force", "page": 2})
    assert len(second.context["page"]) == 5


def _make_library(n):
    groups = make_priority_groups()
    committees = [make_committee() for _ in range(3)]
    for i in range(n):
        make_guideline(
            f"Retningsline om ventilasjon {i}",
            summary="Samandrag",
            body="Tekst om ventilasjon.",
            committee=committees[i % 3],
            priority_groups=groups[: 1 + i % 4],
        )


@pytest.mark.parametrize("n", [3, 40])
def test_library_query_count_does_not_grow_with_the_guidelines(
    client, db, n, django_assert_max_num_queries
):
    _make_library(n)
    with django_assert_max_num_queries(8):
        client.get(LIBRARY)
    with django_assert_max_num_queries(8):
        client.get(LIBRARY, {"q": "ventilasjon", "status": "in_force"})


def test_the_header_search_form_sends_the_words_to_the_library(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    html = render_to_string("guidelines/_search_form.html", request=request)
    assert f'action="{LIBRARY}"' in html
    assert 'name="q"' in html
    assert '<label for="guideline-search-header"' in html


@pytest.mark.nynorsk
def test_dates_use_the_one_norwegian_format(client, db):
    import datetime

    make_guideline("Rutine", status="in_force", last_updated_on=datetime.date(2026, 12, 6))
    assert "6. desember 2026" in client.get(LIBRARY).content.decode()
