"""Personal data the portal keeps only for a while: log-in records and expired sessions.

The plan's history (who changed what) is the plan's archive and is never pruned; the privacy
page (templates/about/privacy.html) says so and reads these periods from the settings.
"""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone


def prune_personal_records(now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete log-in records older than LOGIN_RECORD_RETENTION_DAYS and expired sessions.

    Returns how many of each were deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.LOGIN_RECORD_RETENTION_DAYS)
    deleted = {}
    for name, model in (
        ("log-ins", AccessLog),
        ("failed log-ins", AccessFailureLog),
        ("lock-out counters", AccessAttempt),
    ):
        deleted[name], _ = model.objects.filter(attempt_time__lt=cutoff).delete()
    deleted["sessions"], _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted
