"""Revision reminders: e-mail each committee's editors the measures still without a status.

For the open revision year of the current plan, with a deadline: a first reminder from
REMINDER_FIRST_DAYS_BEFORE days before the deadline (or the first run after that, if missed),
and a last one from REMINDER_LAST_DAYS_BEFORE days before, until the deadline. Committees whose
measures all have a status get nothing. Each reminder is recorded as a SentReminder; the
database's unique constraint makes a second run (or a second worker) send nothing twice.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from .models import Committee, Measure, Plan, ReminderKind, RevisionYear, SentReminder

logger = logging.getLogger(__name__)


def reminder_kind_due(revision: RevisionYear, today: datetime.date) -> str | None:
    """Which reminder is due on `today` for a revision year: "first", "last" or None."""
    if revision.deadline is None or revision.is_locked or today > revision.deadline:
        return None
    first_day = revision.deadline - datetime.timedelta(days=settings.REMINDER_FIRST_DAYS_BEFORE)
    last_day = revision.deadline - datetime.timedelta(days=settings.REMINDER_LAST_DAYS_BEFORE)
    if today >= last_day:
        return ReminderKind.LAST
    if today >= first_day:
        return ReminderKind.FIRST
    return None


def committee_editors(committees) -> dict[int, list]:
    """Active users with an e-mail who edit each committee (leader, deputy and secretary linked
    to a user, appointed editors), by committee id, with their Person (for the language) joined."""
    ids = [c.pk for c in committees]
    links = list(
        Committee.objects.filter(pk__in=ids).values_list(
            "pk", "leader__user", "deputy__user", "secretary__user"
        )
    ) + list(
        Committee.editors.through.objects.filter(committee__in=ids).values_list(
            "committee_id", "user_id"
        )
    )
    users_by_id = (
        get_user_model()
        .objects.filter(pk__in={uid for _, *uids in links for uid in uids if uid}, is_active=True)
        .exclude(email="")
        .select_related("person")
        .in_bulk()
    )
    by_committee = defaultdict(list)
    for committee_id, *user_ids in links:
        for user_id in user_ids:
            user = users_by_id.get(user_id)
            if user is not None and user not in by_committee[committee_id]:
                by_committee[committee_id].append(user)
    return by_committee


def recipient_language(user) -> str:
    """The language a user's e-mails are written in: their Person's, else the portal's."""
    person = getattr(user, "person", None)
    language = person.language if person is not None else settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _report_url(committee, year) -> str:
    # The editors' "report the whole year" page when it is installed, else the committee page.
    try:
        path = reverse("actionplan:report_year", args=[committee.slug, year])
    except NoReverseMatch:
        path = committee.get_absolute_url()
    return settings.PORTAL_URL + path


def reminder_message(*, revision, committee, measures, kind, language, name) -> tuple[str, str]:
    """The subject and body of one reminder to `name`, in the given language."""
    context = {
        "kind": kind,
        "name": name,
        "last": kind == ReminderKind.LAST,
        "year": revision.year,
        "deadline": revision.deadline,
        "committee": committee,
        "measures": [(m, settings.PORTAL_URL + m.get_absolute_url()) for m in measures],
        "count": len(measures),
        "report_url": _report_url(committee, revision.year),
        "reminders_url": settings.PORTAL_URL + reverse("actionplan:my_reminders"),
    }
    with translation.override(language):
        subject = render_to_string("actionplan/email/revision_reminder_subject.txt", context)
        body = render_to_string("actionplan/email/revision_reminder.txt", context)
    return " ".join(subject.split()), body


def send_reminder(*, revision, committee, user, kind, measures, today) -> SentReminder | None:
    """Record and send one reminder; None when it was sent before (or the mail failed).

    The row is written in the same transaction as the send, so a failed send leaves no row
    (the next run tries again), and a duplicate is refused by the unique constraint.
    """
    language = recipient_language(user)
    person = getattr(user, "person", None)
    subject, body = reminder_message(
        revision=revision,
        committee=committee,
        measures=measures,
        kind=kind,
        language=language,
        name=person.name if person else (user.get_full_name() or user.get_username()),
    )
    try:
        with transaction.atomic():
            reminder = SentReminder.objects.create(
                revision_year=revision,
                committee=committee,
                user=user,
                kind=kind,
                sent_on=today,
                email=user.email,
                measures_count=len(measures),
            )
            send_mail(subject, body, None, [user.email])
    except IntegrityError:
        return None  # another run sent this one first
    except OSError:  # SMTP errors are OSErrors: try again on the next run
        logger.exception("Revision reminder to user %s failed", user.pk)
        return None
    return reminder


def send_revision_reminders(*, plan=None, today: datetime.date | None = None) -> int:
    """Send the reminders due today for the plan's open revision year. Returns how many."""
    today = today or timezone.localdate()
    plan = plan or Plan.objects.current()
    revision = RevisionYear.open_for(plan) if plan else None
    kind = reminder_kind_due(revision, today) if revision else None
    if kind is None:
        return 0
    missing = (
        Measure.objects.active()
        .in_plan(plan)
        .without_status(revision.year)
        .select_related("goal__committee")
        .in_plan_order()
    )
    by_committee = defaultdict(list)
    for measure in missing:
        by_committee[measure.goal.committee].append(measure)
    if not by_committee:
        return 0  # every committee is complete
    editors = committee_editors(list(by_committee))
    already = set(
        SentReminder.objects.filter(revision_year=revision, kind=kind).values_list(
            "committee_id", "user_id"
        )
    )
    sent = 0
    for committee, measures in by_committee.items():
        for user in editors.get(committee.pk, []):
            if (committee.pk, user.pk) in already:
                continue
            if send_reminder(
                revision=revision,
                committee=committee,
                user=user,
                kind=kind,
                measures=measures,
                today=today,
            ):
                sent += 1
        if not editors.get(committee.pk):
            logger.warning("No one with an e-mail to remind for committee %s", committee.pk)
    return sent
