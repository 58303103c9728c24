"""Review reminders: e-mail the owners of guidelines whose review date has passed."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helsefellesskap.secretariat import SECRETARIAT_GROUP

from .models import Guideline, ReviewReminder

logger = logging.getLogger(__name__)


def review_reminder_recipients(guideline) -> list[str]:
    """E-mail addresses of the owning committee's editors, or of the secretariat if none."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    committee = guideline.committee
    addresses = []
    if committee is not None:
        addresses = list(
            users.filter(
                Q(person__leads=committee)
                | Q(person__deputises=committee)
                | Q(edited_committees=committee)
            )
            .order_by("email")
            .values_list("email", flat=True)
            .distinct()
        )
    if not addresses:
        addresses = list(
            users.filter(groups__name=SECRETARIAT_GROUP)
            .order_by("email")
            .values_list("email", flat=True)
            .distinct()
        )
    return addresses


def _message(guideline) -> tuple[str, str]:
    url = settings.PORTAL_URL + guideline.get_absolute_url()
    subject = _("Guideline due for review: %(title)s") % {"title": guideline.title}
    body = _(
        "The guideline «%(title)s» was due for review on %(date)s.\n\n"
        "Review it, publish a new version if the content has changed, and set the next "
        "review date:\n%(url)s\n"
    ) % {"title": guideline.title, "date": guideline.next_review_on.isoformat(), "url": url}
    return subject, body


def send_review_reminder(guideline, *, today: datetime.date) -> ReviewReminder | None:
    """E-mail one guideline's owners unless reminded recently; record what was sent.

    The row is written before the mail goes out, in one transaction, so a second run on the
    same day (or a second worker) finds it and sends nothing, while a failed send rolls the
    row back and is retried next time.
    """
    since = today - datetime.timedelta(days=settings.GUIDELINE_REVIEW_REMINDER_INTERVAL_DAYS - 1)
    if guideline.review_reminders.filter(sent_on__gte=since).exists():
        return None
    recipients = review_reminder_recipients(guideline)
    if not recipients:
        logger.warning("No one to remind about guideline %s", guideline.pk)
        return None
    try:
        with transaction.atomic():
            reminder = ReviewReminder.objects.create(
                guideline=guideline, sent_on=today, recipients=", ".join(recipients)
            )
            with translation.override(settings.LANGUAGE_CODE):
                subject, body = _message(guideline)
            send_mail(subject, body, None, recipients)
    except IntegrityError:
        return None  # another run recorded today's reminder first
    return reminder


def send_due_review_reminders(today: datetime.date | None = None) -> int:
    """Remind the owners of every guideline past its review date. Returns reminders sent."""
    today = today or timezone.localdate()
    due = Guideline.objects.review_due(today).select_related("committee").order_by("pk")
    return sum(1 for guideline in due if send_review_reminder(guideline, today=today))
