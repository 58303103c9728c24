"""Personal data the portal keeps only for a while: log-in records, expired sessions, and the
addresses of visitors who stopped their digests.

The plan's history (who changed what) is the plan's archive and is never pruned; the privacy
page (templates/about/privacy.html) says so and reads these periods from the settings.
"""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from helsefellesskap.models import Subscriber

# How long a visitor's address is kept after they stopped the digests (following again at any time
# confirms the address again).
STOPPED_VISITOR_DAYS = 30


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
    # A visitor's address is all the portal knows of them: once the digests are stopped, it
    # serves nothing more (to follow again is to confirm the address again).
    deleted["stopped visitor digests"], _ = Subscriber.objects.filter(
        user__isnull=True, unsubscribed_at__lt=now - datetime.timedelta(days=STOPPED_VISITOR_DAYS)
    ).delete()
    return deleted
