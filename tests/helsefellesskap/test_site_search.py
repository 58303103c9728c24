"""The site search: one box over measures, goals, guidelines and meetings (issue 16, item 4)."""

import ast
import pathlib

import pytest
from django.core.management import call_command
from django.urls import reverse

from helsefellesskap import site_search
from helsefellesskap.models import SearchSynonym
from helsefellesskap.search_words import ensure_installed
from tests.factories import (
    make_committee,
    make_goal,
    make_guideline,
    make_measure,
    make_meeting,
    make_plan,
    make_subgoal,
)

SEED_GUIDELINE = "6. Medisinsk og helsefaglig veiledning og samhandling"
CORE = pathlib.Path(__file__).resolve().parents[2] / "helsefellesskap"


@pytest.fixture(autouse=True)
def synonyms(db):
    """The migration's word groups, also after a transactional test emptied the tables."""
    ensure_installed(SearchSynonym)


@pytest.fixture
def world(db):
    plan = make_plan()
    committee = make_committee("Fagleg samarbeidsutval for eldre")
    goal = make_goal(plan, committee, "Trygge overgangar mellom sjukehus og kommune")
    subgoal = make_subgoal(goal, "Betre legemiddelsamstemming")
    measure = make_measure(goal, "Felles prosedyre for utskriving til sjukeheim", subgoal=subgoal)
    guideline = make_guideline(
        "Samhandling om ernæring", body="Ernæringsplan følgjer pasienten.", status="in_force"
    )
    meeting = make_meeting("Dialogmøte om ernæring", purpose="Ernæring i heimetenesta")
    return {"plan": plan, "goal": goal, "measure": measure, "guideline": guideline, "m": meeting}


def _kinds(client, text):
    response = client.get(reverse("site_search"), {"q": text})
    assert response.status_code == 200
    return response, {g.provider.key: [h.title for h in g.hits] for g in response.context["groups"]}


def test_every_app_registers_its_kind_in_order(db):
    keys = [p.key for p in site_search.providers()]
    assert keys == ["measures", "goals", "guidelines", "meetings"]


def test_exact_words_find_each_kind_grouped(client, world):
    response, kinds = _kinds(client, "utskriving")
    assert kinds == {"measures": ["Felles prosedyre for utskriving til sjukeheim"]}
    response, kinds = _kinds(client, "ernæring")
    assert set(kinds) == {"guidelines", "meetings"}
    html = response.content.decode()
    assert html.index('id="search-guidelines"') < html.index('id="search-meetings"')
    _, kinds = _kinds(client, "legemiddelsamstemming")
    assert kinds == {"goals": ["Betre legemiddelsamstemming"]}


def test_the_header_box_goes_to_the_site_search(client, world):
    html = client.get("/").content.decode()
    assert f'action="{reverse("site_search")}"' in html


def test_a_bokmal_word_finds_the_nynorsk_measure_on_any_database(client, world):
    _, kinds = _kinds(client, "sykehjem")
    assert kinds == {"measures": ["Felles prosedyre for utskriving til sjukeheim"]}


def test_no_hits_suggest_the_nearest_words(client, world):
    response, kinds = _kinds(client, "utskrivinng")
    assert kinds == {}
    assert "utskriving" in response.context["suggestions"]
    assert "Nothing found" in response.content.decode()


def test_private_meetings_stay_hidden_from_visitors(client, world):
    committee = make_committee()
    make_meeting("Internt møte om ernæring", is_public=False, committee=committee)
    _, kinds = _kinds(client, "ernæring")
    assert kinds["meetings"] == ["Dialogmøte om ernæring"]


def test_empty_long_and_odd_queries_answer_politely(client, world):
    for text in ["", "   ", "'\"<script>", "-", "x" * 5000, "og"]:
        response = client.get(reverse("site_search"), {"q": text})
        assert response.status_code == 200


def test_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for i in range(15):
        make_measure(world["goal"], f"Utskriving nummer {i}")
        make_meeting(f"Utskriving møte {i}")
    with django_assert_max_num_queries(25):
        _, kinds = _kinds(client, "utskriving")
    assert len(kinds["measures"]) == 16


def test_the_core_imports_no_app():
    apps = {"actionplan", "meetings", "guidelines"}
    for name in ("site_search.py", "search_views.py", "models.py"):
        tree = ast.parse((CORE / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in apps, (name, node.module)
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & apps, name


@pytest.mark.postgres
@pytest.mark.parametrize("word", ["sjukeheim", "rettleiing", "sykehjemmet", "Sjukeheimane"])
def test_the_seed_guideline_is_found_by_nynorsk_and_inflected_words(client, db, word):
    call_command("loaddata", "guidelines_seed", verbosity=0)
    _, kinds = _kinds(client, word)
    assert SEED_GUIDELINE in kinds["guidelines"]


@pytest.mark.postgres
def test_near_misses_suggest_words_by_trigram_similarity(client, db):
    call_command("loaddata", "guidelines_seed", verbosity=0)
    response, kinds = _kinds(client, "sjukeheimm")
    assert kinds == {}
    assert response.context["suggestions"][0] == "sjukeheim"


@pytest.mark.postgres
def test_the_guideline_library_understands_the_same_variants(client, db):
    call_command("loaddata", "guidelines_seed", verbosity=0)
    response = client.get(reverse("guidelines:library"), {"q": "sjukeheim"})
    assert SEED_GUIDELINE in response.content.decode()
