"""The accessibility statement and the privacy page, and the pruning the privacy page promises."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from helsefellesskap.privacy import prune_personal_records

pytestmark = [pytest.mark.django_db, pytest.mark.nynorsk]


def test_every_page_links_to_the_accessibility_statement_and_privacy(client):
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accessibility")}"' in body
    assert f'href="{reverse("privacy")}"' in body


def test_the_accessibility_statement_has_what_uustatus_asks_for(client):
    response = client.get(reverse("accessibility"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Tilgjengelegheitserklæring</h1>" in body
    # The standard, the date of review, the known gaps, how it was tested, feedback, complaints.
    assert "WCAG 2.1" in body
    assert "7. desember 2026" in body
    assert "Kva som ikkje er tilgjengeleg" in body
    assert "axe-core" in body
    assert "Sei frå om ei barriere" in body
    assert 'href="https://www.uutilsynet.no/"' in body


def test_the_contact_address_is_shown_when_it_is_configured(client, settings):
    settings.CONTACT_EMAIL = "sekretariat@example.no"
    for name in ("accessibility", "privacy"):
        assert 'href="mailto:sekretariat@example.no"' in client.get(reverse(name)).content.decode()


def test_the_privacy_page_states_the_periods_the_settings_decide(client, settings):
    settings.SESSION_COOKIE_AGE = 4 * 60 * 60
    settings.LOGIN_RECORD_RETENTION_DAYS = 30
    body = client.get(reverse("privacy")).content.decode()
    assert "<h1>Personvern</h1>" in body
    assert "Høgst 4 timar" in body
    assert "30 dagar, deretter sletta automatisk." in body
    assert "aldri sletta" in body


def _login_record(model, age_days, **extra):
    record = model.objects.create(
        username="kari",
        ip_address="10.0.0.1",
        user_agent="x",
        http_accept="*/*",
        path_info="/accounts/login/",
        **extra,
    )
    model.objects.filter(pk=record.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(days=age_days)
    )
    return record


def test_pruning_forgets_old_login_records_and_expired_sessions_only(settings):
    settings.LOGIN_RECORD_RETENTION_DAYS = 90
    old_log, new_log = _login_record(AccessLog, 91), _login_record(AccessLog, 10)
    old_failure = _login_record(AccessFailureLog, 200)
    old_attempt = _login_record(
        AccessAttempt, 95, get_data="", post_data="", failures_since_start=1
    )
    expired, current = SessionStore(), SessionStore()
    expired.set_expiry(-60)
    expired.create()
    current.create()

    deleted = prune_personal_records()

    assert deleted == {
        "log-ins": 1,
        "failed log-ins": 1,
        "lock-out counters": 1,
        "sessions": 1,
        "stopped visitor digests": 0,
    }
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new_log.pk]
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    assert not AccessAttempt.objects.filter(pk=old_attempt.pk).exists()
    assert not AccessLog.objects.filter(pk=old_log.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_pruning_runs_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["prune-personal-data"]
    assert entry["task"] == "helsefellesskap.tasks.prune_personal_data"
