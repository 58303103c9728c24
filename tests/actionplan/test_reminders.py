"""Revision reminders: who gets what, on which day, never twice, in their language."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from actionplan.models import SentReminder
from actionplan.reminders import send_revision_reminders
from tests.factories import (
    make_alice,
    make_bob,
    make_committee,
    make_goal,
    make_measure,
    make_person,
    make_plan,
    make_revision_year,
    make_status,
    make_user,
    person_of,
)

DEADLINE = datetime.date(2026, 3, 15)
BEFORE_FIRST = datetime.date(2026, 2, 28)
FIRST_DAY = datetime.date(2026, 3, 1)  # deadline - 14
LAST_DAY = datetime.date(2026, 3, 13)  # deadline - 2


@pytest.fixture(autouse=True)
def _schedule(settings):
    settings.REMINDER_FIRST_DAYS_BEFORE = 14
    settings.REMINDER_LAST_DAYS_BEFORE = 2
    settings.PORTAL_URL = "https://portal.example"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def cycle(db):
    """Committee A (leader Alice, nn; appointed editor Bob, en) has two measures without a
    status for 2026; committee B (leader Ben) is complete; a retired measure is ignored."""
    plan = make_plan()
    alice = make_alice()
    bob = make_bob()
    ben = make_user("ben", email="ben@example.no")
    bob_person = person_of(bob)
    bob_person.language = "en"
    bob_person.save()
    alice_person = person_of(alice)
    alice_person.language = "nn"
    alice_person.save()
    committee_a = make_committee(
        "Utval for rehabilitering",
        short_name="Rehabilitering",
        leader=alice_person,
        editors=[bob],
    )
    committee_b = make_committee("Utval B", leader=make_person("Ben Bø", user=ben))
    goal_a = make_goal(plan, committee_a)
    unreported = make_measure(goal_a, "Felles rutine for utskriving")
    note_only = make_measure(goal_a, "Kompetansepakke for kommunane")
    make_status(note_only, 2026, "", note="Vi kjem tilbake til dette")
    reported = make_measure(goal_a, "Tiltak med status")
    make_status(reported, 2026, "in_progress")
    make_measure(goal_a, "Utgått tiltak", retired=True)
    done_b = make_measure(make_goal(plan, committee_b), "Ferdig tiltak")
    make_status(done_b, 2026, "done")
    revision = make_revision_year(plan, 2026, deadline=DEADLINE)
    return {
        "plan": plan,
        "revision": revision,
        "alice": alice,
        "bob": bob,
        "ben": ben,
        "a": committee_a,
        "b": committee_b,
        "unreported": unreported,
        "note_only": note_only,
        "reported": reported,
    }


def _mail_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_nothing_is_sent_before_the_first_reminder_day(cycle):
    assert send_revision_reminders(today=BEFORE_FIRST) == 0
    assert mail.outbox == []


def test_first_reminder_goes_to_each_editor_of_an_incomplete_committee(cycle):
    assert send_revision_reminders(today=FIRST_DAY) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]
    rows = SentReminder.objects.order_by("user__username")
    assert [(r.user.username, r.kind, r.measures_count, r.sent_on) for r in rows] == [
        ("alice", "first", 2, FIRST_DAY),
        ("bob", "first", 2, FIRST_DAY),
    ]


def test_complete_committee_gets_no_reminder(cycle):
    send_revision_reminders(today=FIRST_DAY)
    send_revision_reminders(today=LAST_DAY)
    assert _mail_to("ben@example.no") == []
    assert not SentReminder.objects.filter(committee=cycle["b"]).exists()


def test_rerun_on_the_same_day_sends_nothing_twice(cycle):
    send_revision_reminders(today=FIRST_DAY)
    assert send_revision_reminders(today=FIRST_DAY) == 0
    assert len(mail.outbox) == 2


def test_first_reminder_is_not_repeated_on_the_following_days(cycle):
    send_revision_reminders(today=FIRST_DAY)
    assert send_revision_reminders(today=FIRST_DAY + datetime.timedelta(days=1)) == 0
    assert len(mail.outbox) == 2


def test_missed_first_reminder_is_sent_on_the_first_run_after_its_day(cycle):
    later = datetime.date(2026, 3, 5)
    assert send_revision_reminders(today=later) == 2
    assert set(SentReminder.objects.values_list("kind", flat=True)) == {"first"}


def test_last_reminder_is_sent_on_its_day_after_the_first(cycle):
    send_revision_reminders(today=FIRST_DAY)
    assert send_revision_reminders(today=LAST_DAY) == 2
    kinds = SentReminder.objects.filter(user=cycle["alice"]).values_list("kind", flat=True)
    assert sorted(kinds) == ["first", "last"]
    assert mail.outbox[-1].subject.startswith(("Last reminder", "Siste påminning"))


def test_only_the_last_reminder_when_the_first_run_is_after_the_last_day(cycle):
    send_revision_reminders(today=LAST_DAY)
    assert set(SentReminder.objects.values_list("kind", flat=True)) == {"last"}
    assert len(mail.outbox) == 2


def test_nothing_after_the_deadline_or_in_a_locked_year(cycle):
    assert send_revision_reminders(today=DEADLINE + datetime.timedelta(days=1)) == 0
    revision = cycle["revision"]
    revision.locked_at = datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC)
    revision.save()
    assert send_revision_reminders(today=LAST_DAY) == 0
    assert mail.outbox == []


def test_nothing_without_a_deadline(cycle):
    cycle["revision"].deadline = None
    cycle["revision"].save()
    assert send_revision_reminders(today=LAST_DAY) == 0


def test_committee_completed_after_the_first_reminder_gets_no_last_one(cycle):
    send_revision_reminders(today=FIRST_DAY)
    make_status(cycle["unreported"], 2026, "done")
    cycle["note_only"].statuses.filter(year=2026).update(status="not_done")
    assert send_revision_reminders(today=LAST_DAY) == 0


def test_email_lists_only_measures_without_a_status(cycle):
    send_revision_reminders(today=FIRST_DAY)
    body = _mail_to("bob@example.org")[0].body
    assert "Felles rutine for utskriving" in body
    assert "Kompetansepakke for kommunane" in body  # a note alone is not a status
    assert "Tiltak med status" not in body
    assert "Utgått tiltak" not in body
    assert f"https://portal.example/plan/measures/{cycle['unreported'].pk}/" in body
    assert "https://portal.example" + reverse("actionplan:my_reminders") in body


def test_email_is_in_nynorsk_for_a_nynorsk_reader(cycle):
    send_revision_reminders(today=FIRST_DAY)
    message = _mail_to("alice@example.org")[0]
    assert message.subject == "Påminning: status for 2026, Rehabilitering"
    assert "Hei Alice Aasen," in message.body
    assert "Desse 2 tiltaka til Utval for rehabilitering har enno ingen status for 2026:" in (
        message.body
    )
    assert "15. mars 2026" in message.body


def test_email_is_in_english_for_an_english_reader(cycle):
    send_revision_reminders(today=LAST_DAY)
    message = _mail_to("bob@example.org")[0]
    assert message.subject == "Last reminder: statuses for 2026, Rehabilitering"
    assert "Hello Bob Berg," in message.body
    assert "This is the last reminder" in message.body
    assert "These 2 measures of Utval for rehabilitering have no status for 2026 yet:" in (
        message.body
    )


def test_editor_without_email_or_inactive_is_skipped(cycle):
    cycle["bob"].email = ""
    cycle["bob"].save()
    cycle["alice"].is_active = False
    cycle["alice"].save()
    assert send_revision_reminders(today=FIRST_DAY) == 0


def test_failed_send_records_nothing_and_is_retried_next_run(cycle, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("server down")

    monkeypatch.setattr("actionplan.reminders.send_mail", refuse)
    assert send_revision_reminders(today=FIRST_DAY) == 0
    assert not SentReminder.objects.exists()
    monkeypatch.undo()
    assert send_revision_reminders(today=FIRST_DAY + datetime.timedelta(days=1)) == 2


def test_database_refuses_a_second_reminder_of_the_same_kind(cycle):
    send_revision_reminders(today=FIRST_DAY)
    row = SentReminder.objects.first()
    with pytest.raises(IntegrityError):
        SentReminder.objects.create(
            revision_year=row.revision_year,
            committee=row.committee,
            user=row.user,
            kind=row.kind,
            sent_on=LAST_DAY,
            email=row.email,
            measures_count=1,
        )


def test_beat_task_sends_todays_reminders(cycle):
    from django.utils import timezone

    from actionplan.tasks import send_revision_reminders as task

    cycle["revision"].deadline = timezone.localdate() + datetime.timedelta(days=2)
    cycle["revision"].save()
    assert task.delay().get() == 2


def test_beat_schedule_keeps_the_guideline_reminders_too(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks >= {
        "guidelines.tasks.send_review_reminders",
        "actionplan.tasks.send_revision_reminders",
    }


# --- The pages


def test_person_sees_the_reminders_they_were_sent(cycle, client):
    send_revision_reminders(today=FIRST_DAY)
    client.force_login(cycle["alice"])
    response = client.get(reverse("actionplan:my_reminders"))
    assert response.status_code == 200
    reminders = list(response.context["reminders"])
    assert [(r.user, r.kind) for r in reminders] == [(cycle["alice"], "first")]
    assert "alice@example.org" in response.content.decode()
    assert "bob@example.org" not in response.content.decode()


def test_my_reminders_needs_login(client, db):
    response = client.get(reverse("actionplan:my_reminders"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_secretariat_sets_the_deadline(cycle, client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("actionplan:revision_deadline"), {"deadline": "2026-04-01"})
    assert response.status_code == 302
    cycle["revision"].refresh_from_db()
    assert cycle["revision"].deadline == datetime.date(2026, 4, 1)


def test_after_the_deadline_is_saved_a_next_off_the_site_is_not_followed(
    cycle, client, secretariat
):
    client.force_login(secretariat)
    data = {"deadline": "2026-04-01", "next": "https://evil.example/phish"}
    response = client.post(reverse("actionplan:revision_deadline"), data)
    assert response["Location"] == reverse("actionplan:revision_deadline")


def test_bad_deadline_is_refused_with_a_message(cycle, client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("actionplan:revision_deadline"), {"deadline": "2031-01-01"})
    assert response.status_code == 400
    assert "The deadline must fall in 2026" in response.content.decode()
    cycle["revision"].refresh_from_db()
    assert cycle["revision"].deadline == DEADLINE


def test_editor_cannot_set_the_deadline(cycle, client):
    client.force_login(cycle["alice"])
    response = client.post(reverse("actionplan:revision_deadline"), {"deadline": "2026-04-01"})
    assert response.status_code == 403
    cycle["revision"].refresh_from_db()
    assert cycle["revision"].deadline == DEADLINE


def test_deadline_form_and_reminders_tags_render_for_the_board(cycle, rf):
    from django.template import engines

    send_revision_reminders(today=FIRST_DAY)
    request = rf.get("/plan/revision/")
    request.user = cycle["alice"]
    html = (
        engines["django"]
        .from_string(
            "{% load actionplan_cycle %}{% revision_deadline_form revision %}{% my_reminders %}"
        )
        .render({"revision": cycle["revision"]}, request)
    )
    assert 'action="/plan/revision/deadline/"' in html
    assert 'value="2026-03-15"' in html
    assert "alice@example.org" in html


@pytest.mark.parametrize("committees", [1, 30])
def test_my_reminders_page_runs_a_fixed_number_of_queries(
    db, client, django_assert_max_num_queries, committees
):
    plan = make_plan()
    alice = make_alice()
    for _ in range(committees):
        committee = make_committee(editors=[alice])
        make_measure(make_goal(plan, committee))
    make_revision_year(plan, 2026, deadline=DEADLINE)
    send_revision_reminders(today=FIRST_DAY)
    client.force_login(alice)
    # Session, user, the page's own list, and what base.html asks (measured: 5 at both sizes).
    with django_assert_max_num_queries(5):
        response = client.get(reverse("actionplan:my_reminders"))
    assert len(response.context["reminders"]) == committees
