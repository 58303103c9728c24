import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from guidelines.models import GuidelineStatus, ReviewReminder
from guidelines.reminders import send_due_review_reminders
from guidelines.tasks import send_review_reminders
from tests.factories import make_guideline, make_user

TODAY = datetime.date(2026, 11, 22)
REVIEW_DUE = reverse("guidelines:review_due")


@pytest.fixture
def overdue_a(guideline_a):
    guideline_a.next_review_on = TODAY - datetime.timedelta(days=3)
    guideline_a.save()
    return guideline_a


def test_the_list_shows_guidelines_past_their_review_date(client, secretariat, db):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_guideline("Forfallen", next_review_on=yesterday)
    make_guideline("Ikkje forfallen", next_review_on=timezone.localdate())
    make_guideline("Trekt tilbake", next_review_on=yesterday, status=GuidelineStatus.WITHDRAWN)
    make_guideline("Utan dato")
    client.force_login(secretariat)
    response = client.get(REVIEW_DUE)
    assert [g.title for g in response.context["guidelines"]] == ["Forfallen"]


def test_an_editor_sees_only_her_committees_overdue_guidelines(
    client, alice, committee_a, committee_b
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    make_guideline("Vår", committee=committee_a, next_review_on=yesterday)
    make_guideline("Andre sin", committee=committee_b, next_review_on=yesterday)
    client.force_login(alice)
    assert [g.title for g in client.get(REVIEW_DUE).context["guidelines"]] == ["Vår"]


def test_readers_without_rights_cannot_see_the_review_list(client, charlie):
    client.force_login(charlie)
    assert client.get(REVIEW_DUE).status_code == 403
    client.logout()
    assert client.get(REVIEW_DUE).status_code == 302


def test_the_owning_committees_editors_are_emailed(alice, committee_a, overdue_a, secretariat):
    appointed = make_user("berit", email="berit@example.org")
    committee_a.editors.add(appointed)
    make_user("noemail")  # no address: cannot be reminded
    assert send_due_review_reminders(TODAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["alice@example.org", "berit@example.org"]
    assert overdue_a.title in message.subject
    assert f"/guidelines/{overdue_a.slug}/" in message.body
    assert ReviewReminder.objects.get().sent_on == TODAY


def test_the_secretariat_is_emailed_when_no_owner_has_an_address(db):
    make_user("sara2", secretariat=True, email="sekretariat@example.org")
    make_guideline("Utan eigar", next_review_on=TODAY - datetime.timedelta(days=1))
    send_due_review_reminders(TODAY)
    assert mail.outbox[0].to == ["sekretariat@example.org"]


def test_the_task_sends_only_once_per_day(alice, overdue_a, settings):
    settings.GUIDELINE_REVIEW_REMINDER_INTERVAL_DAYS = 1
    assert send_due_review_reminders(TODAY) == 1
    assert send_due_review_reminders(TODAY) == 0
    assert len(mail.outbox) == 1
    assert send_due_review_reminders(TODAY + datetime.timedelta(days=1)) == 1
    assert len(mail.outbox) == 2


def test_reminders_repeat_only_after_the_interval(alice, overdue_a, settings):
    settings.GUIDELINE_REVIEW_REMINDER_INTERVAL_DAYS = 7
    send_due_review_reminders(TODAY)
    assert send_due_review_reminders(TODAY + datetime.timedelta(days=6)) == 0
    assert send_due_review_reminders(TODAY + datetime.timedelta(days=7)) == 1


def test_a_failed_send_is_not_recorded_and_is_retried(alice, overdue_a, monkeypatch):
    import guidelines.reminders

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(guidelines.reminders, "send_mail", broken)
    with pytest.raises(ConnectionRefusedError):
        send_due_review_reminders(TODAY)
    assert not ReviewReminder.objects.exists()
    monkeypatch.undo()
    assert send_due_review_reminders(TODAY) == 1


def test_the_beat_task_runs_the_reminders(alice, guideline_a):
    guideline_a.next_review_on = timezone.localdate() - datetime.timedelta(days=1)
    guideline_a.save()
    assert send_review_reminders.delay().get() == 1
    assert send_review_reminders.delay().get() == 0
    assert len(mail.outbox) == 1


def test_the_reminder_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["guideline-review-reminders"]
    assert entry["task"] == send_review_reminders.name
