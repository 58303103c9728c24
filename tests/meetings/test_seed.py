import datetime

import pytest
from django.core.management import call_command

from actionplan.models import Person
from meetings.models import OSLO, ActionPoint, Meeting, MeetingSeries


@pytest.fixture
def seed(db):
    # As `make run` loads it: the plan first (the meetings refer to two of its people).
    call_command("load_real_plan", verbosity=0)


def test_seed_000_meeting_structure_is_loaded_as_series(seed):
    schedule = {
        (s.name, tuple(s.weekdays), s.start_time.strftime("%H:%M"), s.end_time.strftime("%H:%M"))
        for s in MeetingSeries.objects.all()
    }
    assert schedule == {
        ("Møter med kommunene (fylkes- og foretaksovergripende)", (0,), "12:30", "13:30"),
        ("Lokalt samarbeidsmøte Volda", (2,), "10:00", "11:00"),
        ("Lokalt samarbeidsmøte Kristiansund", (2,), "12:30", "13:30"),
        ("Lokalt samarbeidsmøte Ålesund", (2,), "15:30", "16:30"),
        ("Lokalt samarbeidsmøte Molde", (1,), "08:00", "08:45"),
        ("Møter mellom praksiskonsulentene", (2,), "12:00", "12:30"),
    }
    # Valid from the seed's date; the seed gives no end.
    assert set(MeetingSeries.objects.values_list("valid_from", "valid_until")) == {
        (datetime.date(2020, 3, 16), None)
    }


def test_county_wide_series_computes_mondays_at_1230_oslo(seed):
    series = MeetingSeries.objects.get(forum="county")
    series.schedule_confirmed = True  # as an organiser would, once it is confirmed
    (first,) = series.next_occurrences(1, today=datetime.date(2026, 11, 18))
    assert first.start == datetime.datetime(2026, 11, 23, 12, 30, tzinfo=OSLO)


def test_seed_000_meeting_has_purpose_agenda_presenters_and_action_points(seed):
    meeting = Meeting.objects.get(date=datetime.date(2020, 3, 16))
    assert meeting.start_time is None  # the seed gives no time of day
    assert meeting.purpose.startswith("Status og erfaringsutveksling mellom HMR og kommunene")
    presenters = {item.title: item.presenter_name for item in meeting.agenda_items.all()}
    assert presenters["Velkommen, praktisk info og agenda"] == "Lena"
    assert presenters["Palliativ plan"] == "Tanja Alme"
    assert presenters["Rehabilitering - fysio/ergo"] == "Stian Endresen"
    assert meeting.agenda_items.count() == 9
    points = meeting.action_points.select_related("contact_person")
    assert points.count() == 14
    contacts = {p.contact_person.name for p in points if p.contact_person}
    assert contacts == {"Stian Endresen", "Lars Erik Sjømæling"}
    psyk = points.get(topic="Psyk/Rus – non compliente pasienter")
    assert psyk.follow_up == "Løftet til HDIR"
    # The seed gives no status, due date or person beyond these: none is invented.
    assert set(points.values_list("status", flat=True)) == {""}
    assert set(points.values_list("due_date", flat=True)) == {None}


def test_dialogue_meeting_of_seed_004_has_questions_and_summaries(seed):
    meeting = Meeting.objects.get(title="Dialogmøte Mo i Rana – bord 4")
    assert meeting.date is None
    items = list(meeting.agenda_items.all())
    assert len(items) == 6
    assert all(item.question and item.summary for item in items)
    assert items[0].summary.startswith("Det mangler dialog/kompetanseutveksling på pasientnivå")


def test_discussion_paper_of_seed_003_has_questions_and_lsu_molde_measures(seed):
    meeting = Meeting.objects.get(title__startswith="Innledning til drøfting")
    assert meeting.date is None
    questions = [i.question for i in meeting.agenda_items.all() if i.question]
    assert questions[0].startswith("Hvordan kan Helsefelleskap Møre og Romsdal bidra")
    measures = meeting.action_points.select_related("contact_person")
    assert [(p.order, p.contact_person.name) for p in measures] == [
        (1, "Tone Male Vestad"),
        (2, "Tanja Thalén"),
        (4, "Jan Morten Dale"),
        (5, "Trude Gudbrandsen Solenes"),
        (6, "Jan Morten Dale"),
    ]


def test_loading_the_seed_twice_adds_nothing(seed):
    counts = (Meeting.objects.count(), ActionPoint.objects.count(), Person.objects.count())
    call_command("loaddata", "meetings_seed", verbosity=0)
    assert (Meeting.objects.count(), ActionPoint.objects.count(), Person.objects.count()) == counts


def test_seed_adds_no_second_person_of_the_same_name(seed):
    names = list(Person.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    # The contact person and presenters already in the plan are the plan's people.
    meeting = Meeting.objects.get(date=datetime.date(2020, 3, 16))
    palliative = meeting.agenda_items.get(title="Palliativ plan")
    assert palliative.presenter.leads.exists()
    stian = meeting.action_points.get(topic="Oppgaveoverføring/omfordeling").contact_person
    assert stian.name == "Stian Endresen"
    assert stian.leads.exists()
    # People the plan does not name get keys of their own, clear of the plan's.
    assert Person.objects.filter(name="Lars Erik Sjømæling").get().pk >= 1000


def test_seed_meeting_page_shows_agenda_and_action_points(client, seed):
    meeting = Meeting.objects.get(date=datetime.date(2020, 3, 16))
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Nasjonal veileder og prioriteringer" in html
    assert "Lars Erik Sjømæling" in html
    assert "Status not given" in html


def test_every_slide_of_seed_003_is_on_the_agenda_in_order(seed):
    meeting = Meeting.objects.get(title__startswith="Innledning til drøfting")
    titles = [item.title for item in meeting.agenda_items.all()]
    assert titles == [
        "Innledning til drøfting",
        "I PÅSKA GIKK DET BRA!",
        "Vi har redusert antall senger de siste 12 årene",
        "Reduksjon i antall senger gjelder",
        "Når får vi utfordringene?",
        "Vi eier utfordringene sammen og må sammen løse utfordringene",
        "VG nyhetserie om Heimhentingsklare",
        "Hver av oss må «endre oss»",
        "Hvorfor Helsefelleskap?",
        "Gode tiltak som er i gang - LSU Molde",
        "Hvilke pasienter er det som sitter på sykehuset og på korttidsavdelingen på sykehjemmet?",
        "Påstander fra PKO-leder",
        "Hvordan kan Helsefelleskap Møre og Romsdal bidra til at problematikken rundt "
        "utskrivingsklare pasienter løses?",
        "Hvilke tiltak kan settes inn din tjeneste i pressede perioder og under "
        "infeksjonsperioder?",
        "Alle har et ansvar for å finne annen løsning enn innleggelse",
    ]
    reduced = meeting.agenda_items.get(title__startswith="Vi har redusert")
    assert "4) Reduserte økonomiske rammer" in reduced.description
    assert "(e-konsultasjoner)" in reduced.description


@pytest.mark.nynorsk
def test_the_2020_structure_is_not_confirmed_and_not_on_the_calendars(seed, client):
    # "Foreløpig oversikt … periode og møteform/hyppighet vurderes i tråd med utvikling av
    # pandemien": nobody confirmed these, so they give no dates in 2026.
    assert not MeetingSeries.objects.filter(schedule_confirmed=True).exists()
    series = MeetingSeries.objects.get(forum="county")
    assert series.next_occurrences(5, today=datetime.date(2026, 12, 7)) == []
    upcoming = client.get("/meetings/").content.decode()
    assert "Møter med kommunene" not in upcoming
    page = client.get(series.get_absolute_url()).content.decode()
    assert "Ikkje stadfesta" in page
    feed = client.get(f"/meetings/series/{series.pk}/calendar.ics").content.decode()
    assert "RRULE" not in feed
