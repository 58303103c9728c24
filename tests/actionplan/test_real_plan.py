"""The real plan 2023–2026 as loaded from fixtures/ matches a reading of the document.

The reading below was made by hand from /work/shared/seeds/001_3c29c4a12e69959a.txt, row by
row (how split cells, duplicated rows and shifted columns were read: fixtures/README.md). It
is written down here independently of the YAML source, so a slip in either shows up.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from actionplan.models import (
    Committee,
    Goal,
    Measure,
    MeasureStatus,
    Person,
    Plan,
    PriorityGroup,
    SubGoal,
)
from actionplan.plan_fixture import build_plan_fixture
from tests.factories import make_priority_groups, make_user

# slug: (main goals, sub-goals, measures, leader, deputy) — in the document's order.
READING = {
    "barn-og-unge": (4, 7, 9, "Jenny Raftevoll Lyngstad", "Lene Solheim"),
    "behandlersamarbeid": (3, 3, 3, "Stian Endresen", "Mariann Gammelsæther"),
    "psykisk-helsevern-og-rus": (4, 0, 9, "Line Lingen", "Anders Høe"),
    "rehabilitering": (6, 16, 37, "Eirin Liadal", "Runa Bakke"),
    "voksenhabilitering": (1, 8, 9, "Hilde Husby", "Torill Myklebust Hjelseth"),
    "multisjuke-stormottakar-palliasjon": (7, 21, 22, "Tanja Alme", "Bardo Driller"),
    "kunnskapsoverforing-forskning-utdanning": (1, 12, 17, "Bodil Haugen Våge", None),
    "svangerskap-fodsel-barsel": (6, 1, 18, "Elin Hansen Ytterbø", "Elisabeth Herje Sogge"),
    "ikt-og-elektronisk-samarbeid": (1, 1, 6, "Odd Arne Maridal", "Ann Kristin Røyset"),
    "helsefremmende-og-forebyggende": (1, 3, 6, "Merete Kløvning", "Eli Bente Langva"),
    "helseberedskap": (7, 0, 8, "Hans Olav Ose", "Harald W Digernes"),
    "akuttmedisinsk-kjede": (5, 0, 7, "Erlend Bae", "Knut Erik Skogheim"),
}

MOTEPUNKT_HMN = "Se på muligheten for å etablere faste møtepunkt med de andre fagrådene i HMN."

# slug: (first measure, last measure) in the document's order, word for word.
FIRST_AND_LAST_MEASURE = {
    "barn-og-unge": (
        "Prosjekt «Barn og unges helseteneste i Møre og Romsdal»\n"
        "· Tydelig forventnings-avklaring\n"
        "· Prosjektet utvides med et forløp med rusrelaterte vansker\n"
        "· Etter hvert også for barn i pediatrien/habilitering",
        "Sende innspill til Faglig samarbeidsutvalg for IKT-løsninger og elektronisk samarbeid",
    ),
    "behandlersamarbeid": (
        "Møteplass Møre og Romsdal dokumentet: Vi skal lage et skriftlig dokument «Møteplass "
        "Møre og Romsdal dokumentet» som beskriver oppgavefordelingen mellom "
        "pasient/pårørende, fastlege, kommunehelsetjeneste og spesialisthelsetjeneste.",
        MOTEPUNKT_HMN,
    ),
    "psykisk-helsevern-og-rus": (
        "Utarbeide og gjennomføre questback undersøkelse som vert sendt til relevante leiarar "
        "og helsepersonell i kommunar og HF, samt brukarorganisasjonar",
        "I samarbeid med lærings- og mestringscenteret, dei fire LSU og relevante "
        "brukarorganisasjonar utvikle og gjennomføre fylkesdekkande og lokale kurstilbod",
    ),
    "rehabilitering": (
        "Lage tydeleg internettside/heimeside med samla kontaktinformasjon om tilvising "
        "/søknad på aktuelle tilbod om rehabilitering. «Lenke» seg opp mot kvarandre sine "
        "internettsider for rehabilitering og tilvising/søknad.",
        "Eingar skal vere pådrivar for at tenesteytarane i fellesskap kan lykkast i å sette "
        "pasient og brukar sitt heilskaplege behov i sentrum for tenesteytinga.",
    ),
    "voksenhabilitering": (
        "Henvendelse til NTNU, høyskolen i Molde og høyskolen i Volda vedr. behov for å øke "
        "antall studieplasser/tilbud om desentraliserte utdanningstilbud på Sunnmøre",
        "Revidering av handlingsplan med vedlegg og relevante veiledere 2. hvert år",
    ),
    "multisjuke-stormottakar-palliasjon": (
        "Det etableres en rutine i kommunene for å tilby forebyggende og helsefremmende 80 års "
        "besøk for mennesker som ikke er tilknyttet til kommunale helsetjenester",
        "Systematisk medisinsk avstandsoppfølging, videokonsultasjon og digitalt tilsyn",
    ),
    "kunnskapsoverforing-forskning-utdanning": (
        "Det finst eit Samarbeidsorganet i Møre og Romsdal – eit rådgjevande organ innan "
        "forskning utdanning og innovasjon, men er ikkje ein del av Helsefelleskap Møre og "
        "Romsdal. Utvalet har stilt spørsmål til kven som er medlemmar i organet. Organet har "
        "difor avgjort å utvide med medlemmar frå statsforvaltar og fylkeskommune. Utvalet "
        "ynskjer å gje innspel på mandat til organet i den hensikt å inkludere kommunal sektor "
        "meir.",
        "d) Samarbeider med Legeforeninga i fylket når det gjeld teljande kliniske emnekurs for "
        "fastlegar.\n\nPraksiskonsulentane underviser LiS 1 legar i HMR ved oppstart der.",
    ),
    "svangerskap-fodsel-barsel": (
        "Arbeide for implementering av aktuelle voldsforebyggende tiltak i svangerskaps-, "
        "fødsel og barselomsorgen i Møre og Romsdal, m.a.\n"
        "– «Stine Sofie Foreldrepakke»\n"
        "– «I trygge hender»\n"
        "– «Tidlig Inn»\n"
        "Legge til rette for/planlegge kompetanseutvikling innen temaet forebygging av vold på "
        "felles fagdager\n"
        "Utvikle samarbeidet om de mest sårbare familiene, m.a. Barneblikk",
        "Legge til rette for/planlegge kompetanseutvikling innen temaet flerkulturell "
        "forståelse på felles fagdager",
    ),
    "ikt-og-elektronisk-samarbeid": (
        "1. Innføring av Helseplattformen. Dette inkluderer forberedelser, innføring og "
        "videreutvikling, og har hovedprioritet. Samarbeidsutvalgets rolle er å tilrettelegge "
        "for og utvikle samhandling gjennom Helseplattformen.",
        "6. E-meldinger skal vedlikeholdes og videreutvikles etter behov.",
    ),
    "helsefremmende-og-forebyggende": (
        "Bedre synliggjøring av kurs og gruppebaserte lærings- og mestringstilbud: Etablere "
        "arbeidsgruppe på tvers av kommuner og helseforetak som utarbeider felles oversikt over "
        "lærings- og mestringstilbud og andre helsefremmende tilbud i kommuner og helseforetak",
        "Identifisere og tilrettelegge for kompetanseutvikling for helsepersonell: Gjennomføre "
        "GAPundersøkelse blant ansatte i spesialist- og kommunalhelsetjenesten Tema: "
        "prosedyrer, lovverk, nasjonale retningslinjer for pårørendearbeid. Formål: kartlegge "
        "nåværende praksis og kunnskap, identifisere forbedringsområder som legger grunnlag "
        "for undervisning og opplæring\n\n"
        "Arrangere fagdag med utgangspunkt i avdekt behov i GAPundersøkelsen",
    ),
    "helseberedskap": (
        "Gjennomgå relevante risiko- og sårbarhetsanalyser og beredskapsanalyser",
        "- Benytte fagutvalget som forum der man kan drøfte samordningsutfordringer.\n"
        "- Legge til rette for at partnere kan diskutere saker hvor det er behov for bedre "
        "samordning.\n"
        "- Dele informasjon om relevante mål og prosesser",
    ),
    "akuttmedisinsk-kjede": (
        "Elektronisk utveksling av opplysningar mellom AMK og LVS.",
        MOTEPUNKT_HMN,
    ),
}

# (measure text starts with, year column, note) — the only notes in the year cells.
YEAR_NOTES = {
    ("Etablere palliativ plan i fylket for personer med utviklingshemming?", 2024, "innen"),
    ("Praksiskonsulentordninga: Er etablert med 130% stilling", 2022, "2021"),
    ("a) b) Samarbeid med fagleg samarbeidsutval for behandlarar", 2022, "2023"),
    ("Utgreie om andre helsepersonellgrupper bør ha liknande ordning.", 2024, "2024/25"),
    ("d) Samarbeider med Legeforeninga i fylket", 2022, "Årleg"),
    (MOTEPUNKT_HMN, 2022, "?"),
}


@pytest.fixture
def real_plan(db):
    call_command("load_real_plan", verbosity=0)
    return Plan.objects.get()


def _measures(slug):
    return list(Measure.objects.filter(goal__committee__slug=slug).in_plan_order())


def test_plan_has_the_documents_title_motto_and_years(real_plan):
    assert real_plan.title == "Felles handlingsplan Helsefellesskap Møre og Romsdal 2023-2026"
    assert real_plan.motto == "Heilskaplege helsetenester med pasienten sjølv om aktiv deltakar"
    assert (real_plan.start_year, real_plan.end_year) == (2023, 2026)
    assert real_plan.years[:3] == [2022, 2023, 2024]
    assert real_plan.adopted_on is None  # the document gives no adoption date
    assert real_plan.introduction.startswith("Avtalen om innføring av helsefellesskap")
    assert "SSU har i sak 39/22 i møte 16.11.22 avgjort følgende:" in real_plan.introduction
    assert real_plan.mandate.split("\n\n")[0] == (
        "Arbeidsgruppa konstituerer seg sjølv med leiar og nestleiar."
    )
    assert len(real_plan.mandate.split("\n\n")) == 4


def test_every_committee_is_loaded_in_the_documents_order(real_plan):
    assert list(Committee.objects.values_list("slug", flat=True)) == list(READING)


def test_counts_per_committee_match_the_reading(real_plan):
    loaded = {
        c.slug: (c.n_goals, c.n_subgoals, c.n_measures)
        for c in Committee.objects.annotate(
            n_goals=Count("goals", distinct=True),
            n_subgoals=Count("goals__subgoals", distinct=True),
            n_measures=Count("goals__measures", distinct=True),
        )
    }
    assert loaded == {slug: row[:3] for slug, row in READING.items()}


def test_totals_match_the_reading(real_plan):
    assert Committee.objects.count() == 12
    assert Goal.objects.filter(plan=real_plan).count() == 46
    assert SubGoal.objects.count() == 72
    assert Measure.objects.in_plan(real_plan).active().count() == 151
    # 12 leaders and 11 deputies; Kunnskapsoverføring's leader is also its secretary.
    # (People from the other seed documents, e.g. meetings' contact persons, have keys >= 1000.)
    assert Person.objects.filter(pk__lt=1000).count() == 23


def test_leaders_and_deputies_are_the_documents(real_plan):
    loaded = {
        c.slug: (c.leader.name, c.deputy.name if c.deputy else None)
        for c in Committee.objects.select_related("leader", "deputy")
    }
    assert loaded == {slug: row[3:] for slug, row in READING.items()}


def test_acting_leader_is_also_secretary_with_the_documents_title(real_plan):
    committee = Committee.objects.get(slug="kunnskapsoverforing-forskning-utdanning")
    assert committee.leader_title == "Fungerande leiar og sekretær"
    assert committee.secretary == committee.leader
    assert committee.name == (
        "Fagleg samarbeidsutvalg for Kunnskapsoverføring, forskning og utdanning, "
        "samt praksiskonsulentordninga"
    )
    others = Committee.objects.exclude(pk=committee.pk)
    assert not others.exclude(leader_title="").exists()
    assert not others.filter(secretary__isnull=False).exists()


@pytest.mark.parametrize("slug", list(FIRST_AND_LAST_MEASURE))
def test_first_and_last_measure_are_the_documents_words(real_plan, slug):
    measures = _measures(slug)
    assert (measures[0].text, measures[-1].text) == FIRST_AND_LAST_MEASURE[slug]


def test_measures_are_ordered_within_each_goal(real_plan):
    for goal in Goal.objects.prefetch_related("measures"):
        orders = sorted(m.order for m in goal.measures.all())
        assert orders == list(range(1, len(orders) + 1)), goal


def test_no_goal_mixes_direct_measures_with_sub_goals(real_plan):
    # Keeps the document's order independent of how a database sorts a missing sub-goal.
    mixed = Goal.objects.filter(measures__subgoal__isnull=True, subgoals__isnull=False)
    assert not mixed.exists()


def test_no_status_is_invented(real_plan):
    assert MeasureStatus.objects.count() == len(YEAR_NOTES)
    assert not MeasureStatus.objects.exclude(status="").exists()


def test_year_cell_notes_are_kept_in_their_year_column(real_plan):
    loaded = {(s.measure.text, s.year, s.note) for s in MeasureStatus.objects.select_related()}
    assert {
        (next(t for t, *_ in loaded if t.startswith(start)), year, note)
        for start, year, note in YEAR_NOTES
    } == loaded


def test_only_the_barn_og_unge_committee_is_linked_to_a_priority_group(real_plan):
    linked = Measure.objects.filter(priority_groups__isnull=False).distinct()
    assert set(linked) == set(_measures("barn-og-unge"))
    for measure in linked.prefetch_related("priority_groups"):
        assert [g.slug for g in measure.priority_groups.all()] == ["barn-og-unge"]


def test_the_four_priority_groups_match_the_test_factories(real_plan):
    assert list(PriorityGroup.objects.values_list("slug", "name")) == [
        ("barn-og-unge", "Barn og unge"),
        ("psykisk-rus", "Personar med alvorlege psykiske lidingar og rusproblem"),
        ("skropelege-eldre", "Skrøpelege eldre"),
        ("kroniske-lidingar", "Personar med fleire kroniske lidingar"),
    ]
    make_priority_groups()
    assert PriorityGroup.objects.count() == 4


def test_duplicated_row_is_read_once(real_plan):
    behandler = [m.text for m in _measures("behandlersamarbeid")]
    assert behandler.count(MOTEPUNKT_HMN) == 1
    goal = Goal.objects.get(committee__slug="behandlersamarbeid", order=3)
    assert goal.text.endswith(
        "utnyttet helsepersonell og økonomiske ressurser på en best mulig måte."
    )


def test_shifted_rows_are_put_back_in_their_columns(real_plan):
    assert Goal.objects.filter(
        committee__slug="multisjuke-stormottakar-palliasjon",
        text="Kontinuerlig kompetanseutvikling",
    ).exists()
    assert SubGoal.objects.filter(
        goal__committee__slug="helsefremmende-og-forebyggende", text="Likeverdige tjenester"
    ).exists()
    shifted = SubGoal.objects.get(text__startswith="Uavhengig av bustad og diagnose")
    assert [m.text[:24] for m in shifted.measures.all()] == ["Informasjon om ulike til"]


def test_split_cells_are_joined(real_plan):
    goal = Goal.objects.get(committee__slug="behandlersamarbeid", order=1)
    assert "gjøres på rett tid av rett person på rett sted. Dette må gjøres slik" in goal.text
    assert SubGoal.objects.filter(
        text__endswith="for kommunene og for spesialisthelsetjenesten"
    ).exists()
    assert Measure.objects.filter(
        text="Kompetanseplaner, fagdager, fagsamlinger, videreføring til andre kolleger "
        "prosedyrebank, undervisning i utdanningsinstitusjoner"
    ).exists()


def test_no_conversion_artefacts_are_left(real_plan):
    texts = [
        *Goal.objects.values_list("text", flat=True),
        *SubGoal.objects.values_list("text", flat=True),
        *Measure.objects.values_list("text", flat=True),
        real_plan.motto,
        real_plan.introduction,
    ]
    for artefact in ("<p>", "<i>", "<ul", "<input", "««", "»»", "spesialisthelsetjenest en"):
        assert not [t for t in texts if artefact in t], artefact


def test_extra_columns_go_to_measurement_responsible_and_notes(real_plan):
    kurskatalog = Measure.objects.get(text__startswith="Opprette «Kurskatalog»")
    assert kurskatalog.measurement == (
        "Lærings- og mestringskurs er presentert på ett sted, med mulighet for å sortere etter "
        "geografisk plassering"
    )
    motepunkt = Measure.objects.get(text__startswith="Etablere et årlig møtepunkt")
    assert motepunkt.responsible.startswith("LMS kaller inn")
    assert motepunkt.measurement == "Årlig oversikt over deltagelse"
    assert "Påbegynt 2023" in motepunkt.notes.splitlines()
    with_measurement = Measure.objects.exclude(measurement="")
    assert set(with_measurement.values_list("goal__committee__slug", flat=True)) == {
        "helsefremmende-og-forebyggende"
    }
    assert with_measurement.count() == 6


def test_loaddata_twice_adds_no_duplicates(real_plan):
    counts = [m.objects.count() for m in (Person, Committee, Goal, SubGoal, Measure)]
    call_command("loaddata", "priority_groups", "plan_2023_2026", verbosity=0)
    call_command("loaddata", "priority_groups", "plan_2023_2026", verbosity=0)
    assert [m.objects.count() for m in (Person, Committee, Goal, SubGoal, Measure)] == counts
    assert MeasureStatus.objects.count() == len(YEAR_NOTES)
    assert Plan.objects.count() == 1
    assert PriorityGroup.objects.count() == 4


def test_loading_again_keeps_what_editors_changed(real_plan):
    measure = _measures("rehabilitering")[0]
    measure.text = "Endra i portalen"
    measure.save()
    leader = Committee.objects.get(slug="rehabilitering").leader
    leader.user = make_user("eirin")
    leader.save()

    call_command("load_real_plan", verbosity=0)

    measure.refresh_from_db()
    leader.refresh_from_db()
    assert measure.text == "Endra i portalen"
    assert leader.user.username == "eirin"
    assert Measure.objects.count() == 151


def test_reset_restores_the_documents_text(real_plan):
    measure = _measures("akuttmedisinsk-kjede")[0]
    measure.text = "Endra i portalen"
    measure.save()

    call_command("load_real_plan", reset=True, verbosity=0)

    measure.refresh_from_db()
    assert measure.text == "Elektronisk utveksling av opplysningar mellom AMK og LVS."
    assert Measure.objects.count() == 151


def test_loading_again_keeps_a_status_recorded_in_the_portal(real_plan):
    measure = Measure.objects.get(text__startswith="Praksiskonsulentordninga: Er etablert")
    MeasureStatus.objects.filter(measure=measure).delete()
    MeasureStatus.objects.create(measure=measure, year=2022, status="done", note="Gjort")

    call_command("load_real_plan", verbosity=0)

    assert list(measure.statuses.values_list("status", "note")) == [("done", "Gjort")]


def test_committed_fixture_is_built_from_the_yaml_source():
    call_command("build_plan_fixture", check=True, verbosity=0)


def test_builder_derives_keys_from_each_rows_place_in_its_committee():
    source = {
        "plan": {
            "title": "T",
            "motto": "",
            "start_year": 2023,
            "end_year": 2026,
            "first_status_year": 2022,
            "introduction": "",
            "mandate": "",
        },
        "committees": [
            {"slug": "a", "name": "A", "short_name": "A", "leader": "X", "goals": []},
            {
                "slug": "b",
                "name": "B",
                "short_name": "B",
                "leader": "X",
                "priority_groups": ["g"],
                "goals": [
                    {"goal": "G", "subgoals": [{"subgoal": "S", "measures": ["M1", "M2"]}]},
                    {"goal": "H", "measures": [{"text": "M3", "years": {2024: "2024/25"}}]},
                ],
            },
        ],
    }
    rows = build_plan_fixture(source, {"g": 7})
    keys = {(r["model"].split(".")[1], r["pk"]) for r in rows}
    assert {("goal", 201), ("goal", 202), ("subgoal", 2001)} <= keys
    assert {("measure", 2001), ("measure", 2002), ("measure", 2003)} <= keys
    assert ("measurestatus", 200324) in keys
    assert [r["pk"] for r in rows if r["model"] == "actionplan.person"] == [1]
    measures = [r["fields"] for r in rows if r["model"] == "actionplan.measure"]
    assert [m["priority_groups"] for m in measures] == [[7], [7], [7]]


def test_builder_rejects_a_note_outside_the_plans_years():
    source = {
        "plan": {"title": "T", "motto": "", "start_year": 2023, "end_year": 2026,
                 "first_status_year": 2022, "introduction": "", "mandate": ""},
        "committees": [{"slug": "a", "name": "A", "short_name": "A", "goals": [
            {"goal": "G", "measures": [{"text": "M", "years": {2019: "x"}}]},
        ]}],
    }  # fmt: skip
    with pytest.raises(ValueError, match="2019"):
        build_plan_fixture(source, {})


def test_fixture_files_are_valid_json_with_fixed_keys():
    for name in ("priority_groups", "plan_2023_2026"):
        rows = json.loads((Path(settings.BASE_DIR) / "fixtures" / f"{name}.json").read_text())
        assert all(isinstance(row["pk"], int) for row in rows)
        assert len({(row["model"], row["pk"]) for row in rows}) == len(rows)


def test_rows_added_after_loading_get_fresh_keys(real_plan):
    # The fixture's keys are explicit; the loader must move the database's sequences past them.
    highest = {m: m.objects.order_by("-pk").first().pk for m in (Goal, Measure, Person)}
    goal = Goal.objects.create(plan=real_plan, committee=Committee.objects.first(), text="Ny")
    measure = Measure.objects.create(goal=goal, text="Nytt tiltak")
    person = Person.objects.create(name="Ny person")
    assert goal.pk > highest[Goal]
    assert measure.pk > highest[Measure]
    assert person.pk > highest[Person]
