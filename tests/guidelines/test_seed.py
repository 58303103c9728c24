import datetime

import pytest
from django.core.management import call_command

from guidelines.models import Guideline, GuidelineStatus


@pytest.fixture
def seeded(db):
    call_command("loaddata", "guidelines_seed", verbosity=0)


def test_the_seed_holds_the_plans_three_shared_guidelines_and_the_chapter(seeded):
    titles = set(Guideline.objects.values_list("title", flat=True))
    assert titles == {
        "Retningsline Langtidsmekanisk ventilasjon (LTMV) frå 2022",
        "Retningsliner om bruk av kommunalt følgjepersonell til pasientar som er til "
        "behandling i Helse Møre og Romsdal HF",
        "Møteplass Møre og Romsdal 2022",
        "6. Medisinsk og helsefaglig veiledning og samhandling",
    }
    assert Guideline.objects.in_force().count() == 4


def test_loading_the_seed_twice_changes_nothing(seeded):
    call_command("loaddata", "guidelines_seed", verbosity=0)
    assert Guideline.objects.count() == 4
    assert all(g.versions.count() == 1 for g in Guideline.objects.all())


def test_the_named_guidelines_say_their_text_is_held_elsewhere_and_name_the_source(seeded):
    ltmv = Guideline.objects.get(pk=1)
    escort = Guideline.objects.get(pk=2)
    assert ltmv.full_text_elsewhere
    assert ltmv.source_title.startswith("Sak 22-22 vedlegg 1")
    assert "Fullteksten til retningslina ligg ikkje i portalen" in ltmv.body_html
    assert "Loggskjema retningsline kommunalt følgepersonell" in escort.body_text
    # The plan gives no addresses (its links were lost in conversion): none are invented.
    assert not Guideline.objects.exclude(source_url="").exists()
    assert not Guideline.objects.exclude(adopted_on=None).exists()


def test_the_chapter_has_its_full_text_sections_bullets_and_date(seeded):
    chapter = Guideline.objects.get(pk=4)
    assert chapter.last_updated_on == datetime.date(2020, 4, 28)
    assert [entry["name"] for entry in chapter.toc] == [
        "Medisinsk- og helsefaglig veiledning og samarbeid",
        "Samhandling mellom kommuner og spesialisthelsetjenesten",
    ]
    assert chapter.body_html.count("<li>") == 12
    assert "øyeblikkelig hjelp døgnopphold" in chapter.body_text
    assert chapter.status == GuidelineStatus.IN_FORCE


def test_the_seeded_chapter_is_found_by_a_body_word(seeded, client):
    html = client.get("/guidelines/", {"q": "omsorgsboliger"}).content.decode()
    assert "6. Medisinsk og helsefaglig veiledning og samhandling" in html
    assert "<mark>omsorgsboliger</mark>" in html


def test_load_real_plan_loads_the_guidelines_after_the_plan():
    from actionplan.management.commands.load_real_plan import REAL_DATA_FIXTURES

    assert REAL_DATA_FIXTURES.index("guidelines_seed") > REAL_DATA_FIXTURES.index("plan_2023_2026")


def test_load_real_plan_brings_the_guidelines_with_rendered_text(db):
    call_command("load_real_plan", verbosity=0)
    chapter = Guideline.objects.get(pk=4)
    assert chapter.body_html.startswith('<h2 id="sec-medisinsk-og-helsefaglig')
    assert len(chapter.toc) == 2
    call_command("load_real_plan", verbosity=0)
    assert Guideline.objects.count() == 4


def test_seeded_versions_say_their_publication_date_is_unknown(seeded, client):
    html = client.get("/guidelines/retningsline-langtidsmekanisk-ventilasjon-ltmv/versions/")
    assert "Imported from the source document" in html.content.decode()
