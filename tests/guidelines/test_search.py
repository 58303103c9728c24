import pytest
from django.db import connection
from django.urls import reverse

from guidelines.models import Guideline
from tests.factories import make_guideline

LIBRARY = reverse("guidelines:library")


@pytest.fixture
def escort_guideline(db):
    return make_guideline(
        "Kommunalt følgjepersonell",
        summary="Bruk av følgjepersonell.",
        body="# Ansvar\n\nKommunen sender følgjepersonell når pasienten treng tilsyn under "
        "transporten. Loggskjemaet skal fyllast ut av den som følgjer.",
    )


def test_a_word_from_the_body_finds_the_guideline_with_a_highlighted_snippet(
    client, escort_guideline
):
    make_guideline("Ei anna retningsline", body="Heilt anna innhald.")
    response = client.get(LIBRARY, {"q": "transporten"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kommunalt følgjepersonell" in html
    assert "Ei anna retningsline" not in html
    assert "<mark>transporten</mark>" in html


def test_the_snippet_escapes_the_guideline_text(client, db):
    make_guideline("Skjema", body="Bruk `<b>`-taggen aldri; bruk &lt;skjema&gt; i transporten.")
    html = client.get(LIBRARY, {"q": "transporten"}).content.decode()
    assert "<mark>transporten</mark>" in html
    assert "<b>-taggen" not in html


def test_a_search_with_no_match_says_so(client, escort_guideline):
    html = client.get(LIBRARY, {"q": "kvantefysikk"}).content.decode()
    assert "Kommunalt følgjepersonell" not in html
    assert "No guidelines match" in html


def test_a_search_for_markup_is_shown_escaped(client, escort_guideline):
    html = client.get(LIBRARY, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html


@pytest.mark.postgres
def test_full_text_search_finds_a_body_word_in_another_inflection_on_postgres(
    client, escort_guideline
):
    # Norwegian stemming: «pasientane» and «pasienten» share a stem.
    response = client.get(LIBRARY, {"q": "pasientane"})
    html = response.content.decode()
    assert "Kommunalt følgjepersonell" in html
    assert "<mark>pasienten</mark>" in html


@pytest.mark.postgres
def test_a_title_match_ranks_above_a_body_match_on_postgres(db):
    body_match = make_guideline("Samarbeid", body="Rutinar for ventilasjon i heimen.")
    title_match = make_guideline("Ventilasjon i heimen", body="Rutinar for samarbeid.")
    results = list(Guideline.objects.search("ventilasjon"))
    assert results == [title_match, body_match]
    assert results[0].rank > results[1].rank


@pytest.mark.postgres
def test_the_search_uses_the_gin_index_on_postgres(db, escort_guideline):
    queryset = Guideline.objects.search("transporten")
    with connection.cursor() as cursor:
        # Few rows make a sequential scan cheapest; forbid it to see the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "guidelines_guideline_search_gin" in plan


def test_substring_search_ranks_a_title_match_first_on_sqlite(db):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite fallback")
    body_match = make_guideline("Samarbeid", body="Rutinar for ventilasjon i heimen.")
    title_match = make_guideline("Ventilasjon i heimen", body="Rutinar for samarbeid.")
    assert list(Guideline.objects.search("ventilasjon")) == [title_match, body_match]


def test_the_search_vector_follows_edits(db, escort_guideline):
    escort_guideline.publish_version(
        title=escort_guideline.title,
        summary="",
        body="Ny tekst om ambulanse.",
        change_note="Omskrive",
        by=None,
    )
    assert list(Guideline.objects.search("ambulanse")) == [escort_guideline]
    assert list(Guideline.objects.search("transporten")) == []
