"""The defects an adversarial probe found, replayed: each is refused or survived.

An editor of committee A cannot point an action point at committee B or B's measures; a line
break in a one-line field cannot take a calendar feed down; a foreign Host gets 400, not 500;
whoever has an authenticator app edits nothing on the password alone, and the password alone
neither changes itself nor enrols a phone for an account that must have one.
"""

import datetime

import pytest
from icalendar import Calendar

from helsefellesskap.text import one_line
from meetings.models import ActionPoint, Meeting, MeetingSeries
from tests.factories import (
    make_alice,
    make_bob,
    make_committee,
    make_goal,
    make_measure,
    make_meeting,
    make_plan,
    make_sara,
    make_series,
)


@pytest.fixture
def world(db):
    alice = make_alice()
    a = make_committee("Utval A", slug="utval-a", editors=[alice])
    b = make_committee("Utval B", slug="utval-b")
    plan = make_plan()
    return {
        "alice": alice,
        "a": a,
        "b": b,
        "measure_a": make_measure(make_goal(plan, a)),
        "measure_b": make_measure(make_goal(plan, b)),
        "meeting": make_meeting("Møte i A", committee=a, date=datetime.date(2026, 5, 4)),
    }


def _new_point(client, world, **fields):
    body = {"text": "Følg opp", "status": "open", **fields}
    return client.post(f"/meetings/{world['meeting'].pk}/action-points/new/", body)


def test_an_editor_cannot_put_an_action_point_on_another_committee(client, world):
    client.force_login(world["alice"])
    response = _new_point(client, world, committee=world["b"].pk)
    assert response.status_code == 200  # the form says the choice is not allowed
    assert "committee" in response.context["form"].errors
    assert not ActionPoint.objects.exists()


def test_an_editor_cannot_tie_an_action_point_to_another_committees_measure(client, world):
    client.force_login(world["alice"])
    response = _new_point(client, world, committee=world["a"].pk, measure=world["measure_b"].pk)
    assert "measure" in response.context["form"].errors
    assert not ActionPoint.objects.exists()


def test_the_action_point_form_offers_only_the_editors_own_committees(client, world):
    client.force_login(world["alice"])
    form = client.get(f"/meetings/{world['meeting'].pk}/action-points/new/").context["form"]
    assert list(form.fields["committee"].queryset) == [world["a"]]
    assert list(form.fields["measure"].queryset) == [world["measure_a"]]


def test_an_editor_still_adds_points_to_their_own_committee(client, world):
    client.force_login(world["alice"])
    response = _new_point(client, world, committee=world["a"].pk, measure=world["measure_a"].pk)
    assert response.status_code == 302
    point = ActionPoint.objects.get()
    assert (point.committee, point.measure) == (world["a"], world["measure_a"])


def test_the_secretariat_may_point_at_any_committee(client, world, secretariat):
    client.force_login(secretariat)
    response = _new_point(client, world, committee=world["b"].pk, measure=world["measure_b"].pk)
    assert response.status_code == 302
    assert ActionPoint.objects.get().committee == world["b"]


@pytest.mark.parametrize("value", ["A\r\nB", "A\nB", "A\rB", "A\tB", "A\x0bB", "A\u2028B"])
def test_one_line_collapses_every_line_break_and_control_character(value):
    assert one_line(value) == "A B"


def test_a_line_break_posted_into_a_one_line_field_is_collapsed(world, secretariat):
    from meetings.forms import ActionPointForm

    form = ActionPointForm(
        {"topic": "Tema\r\nX-INJECTED:1", "text": "Linje 1\nLinje 2", "status": "open"},
        user=secretariat,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["topic"] == "Tema X-INJECTED:1"
    # A multi-line field keeps its lines.
    assert form.cleaned_data["text"] == "Linje 1\nLinje 2"


def test_a_line_break_already_stored_in_a_title_does_not_take_the_feeds_down(client, db):
    series = make_series("Serie\r\nX-WR-CALNAME:evil", weekdays=[0])
    meeting = make_meeting("Møte\nBEGIN:VEVENT", date=datetime.date(2026, 5, 4))
    MeetingSeries.objects.filter(pk=series.pk).update(name="Serie\r\nX-WR-CALNAME:evil")
    Meeting.objects.filter(pk=meeting.pk).update(title="Møte\nBEGIN:VEVENT")
    for url in (
        f"/meetings/series/{series.pk}/calendar.ics",
        f"/meetings/{meeting.pk}/meeting.ics",
        "/meetings/calendar.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        calendar = Calendar.from_ical(response.content)
        for event in calendar.walk("VEVENT"):
            assert "\n" not in str(event["SUMMARY"])
        assert b"\r\nX-WR-CALNAME:evil" not in response.content
        assert b"\nBEGIN:VEVENT\r\nBEGIN" not in response.content


@pytest.mark.parametrize("debug", [False, True])
def test_a_foreign_host_header_gets_400_not_500(client, settings, debug):
    settings.DEBUG = debug
    settings.ALLOWED_HOSTS = ["helsefellesskap.example"]
    client.raise_request_exception = False
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400


def test_the_400_page_renders_for_a_request_without_a_user(rf):
    from actionplan.context_processors import portal

    request = rf.get("/")
    assert not hasattr(request, "user")
    context = portal(request)
    assert context["user_is_secretariat"] is False
    assert context["user_is_editor"] is False


# --- Defect 4: the second factor on edit pages whatever TWO_FACTOR_ENFORCED says


@pytest.mark.parametrize("enforced", [False, True])
def test_an_editor_with_an_app_edits_nothing_on_the_password(client, world, settings, enforced):
    from actionplan.models import MeasureStatus
    from tests.factories import make_totp_device

    settings.TWO_FACTOR_ENFORCED = enforced
    make_totp_device(world["alice"])
    client.force_login(world["alice"])
    measure = world["measure_a"]

    page = client.get(f"/plan/measures/{measure.pk}/edit/")
    write = client.post(
        f"/plan/measures/{measure.pk}/status/2024/", {"status": "done", "note": "", "version": 0}
    )

    for response in (page, write):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/two-factor/verify/?next=")
    assert not MeasureStatus.objects.exists()


@pytest.mark.parametrize("enforced", [False, True])
def test_the_secretariat_with_an_app_neither_appoints_nor_locks_on_the_password(
    client, world, settings, enforced
):
    from actionplan.models import RevisionYear
    from tests.factories import make_revision_year, make_totp_device

    settings.TWO_FACTOR_ENFORCED = enforced
    sara = make_sara()
    make_revision_year(world["measure_a"].goal.plan, 2024, by=sara)
    make_totp_device(sara)
    client.force_login(sara)
    bob = make_bob()

    client.post("/plan/committees/utval-b/editors/", {"user": bob.pk})
    client.post("/plan/revision/2024/lock/")

    assert not world["b"].editors.exists()
    assert not RevisionYear.objects.get(year=2024).is_locked


# --- Defect 5: password change and first enrolment need more than the password


def test_the_password_is_not_changed_on_the_password_alone(client, world):
    from tests.factories import PASSWORD, make_totp_device

    make_totp_device(world["alice"])
    client.force_login(world["alice"])
    new = "ny-og-lang-passordfrase-42"

    client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    world["alice"].refresh_from_db()
    assert not world["alice"].check_password(new)


@pytest.mark.parametrize("enforced", [False, True])
def test_a_secretariat_account_not_enrolled_cannot_enrol_a_phone_on_the_password(
    client, db, settings, enforced
):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.TWO_FACTOR_ENFORCED = enforced
    sara = make_sara()
    client.force_login(sara)

    client.get("/accounts/two-factor/set-up/")
    device = TOTPDevice.objects.filter(user=sara).first()
    code = f"{totp(device.bin_key):06d}" if device else "123456"
    response = client.post("/accounts/two-factor/set-up/", {"token": code})

    assert response.status_code == 403
    assert not TOTPDevice.objects.filter(user=sara, confirmed=True).exists()
