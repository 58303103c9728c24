"""A guideline whose text lives in another document says so and offers no empty PDF."""

import pytest
from django.urls import reverse

from tests.factories import make_guideline


@pytest.mark.nynorsk
def test_the_library_says_the_full_text_is_held_elsewhere(client, db):
    make_guideline("LTMV", full_text_elsewhere=True)
    make_guideline("Covid-kapittel", full_text_elsewhere=False)
    html = client.get(reverse("guidelines:library")).content
    assert html.decode().count("Fullteksten ligg andre stader") == 1


def test_no_pdf_is_offered_when_the_full_text_is_held_elsewhere(client, db):
    elsewhere = make_guideline("LTMV", full_text_elsewhere=True)
    here = make_guideline("Covid-kapittel")
    pdf_link = lambda g: reverse("guidelines:pdf", args=[g.slug])  # noqa: E731
    assert pdf_link(elsewhere) not in client.get(elsewhere.get_absolute_url()).content.decode()
    assert pdf_link(here) in client.get(here.get_absolute_url()).content.decode()


@pytest.mark.nynorsk
def test_an_old_guideline_without_review_date_is_not_shown_as_current_without_warning(client, db):
    import datetime

    covid = make_guideline("Covid-kapittel", last_updated_on=datetime.date(2020, 4, 28))
    make_guideline("Ny", last_updated_on=datetime.date.today())
    assert "Ikkje gjennomgått på lenge" in client.get(covid.get_absolute_url()).content.decode()
    html = client.get(reverse("guidelines:library")).content.decode()
    assert html.count("Ikkje gjennomgått på lenge") == 1


@pytest.mark.nynorsk
def test_the_review_page_reminds_of_empty_source_addresses(client, secretariat, db):
    make_guideline("Utan adresse", full_text_elsewhere=True)
    make_guideline("Med adresse", full_text_elsewhere=True, source_url="https://example.org/kjelde")
    client.force_login(secretariat)
    html = client.get(reverse("guidelines:review_due")).content.decode()
    missing = html.split("Kjeldeadressa manglar", 1)[1]
    assert "Utan adresse" in missing
    assert "Med adresse" not in missing


def test_the_pdf_address_of_a_guideline_held_elsewhere_leads_to_its_page(client, db):
    elsewhere = make_guideline("LTMV", full_text_elsewhere=True)
    response = client.get(reverse("guidelines:pdf", args=[elsewhere.slug]))
    assert response.status_code == 302
    assert response.url == elsewhere.get_absolute_url()
