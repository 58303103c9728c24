"""The daily or weekly e-mail digest of what changed in what a subscriber follows.

Windows are whole days in the portal's time zone: a daily digest covers yesterday, a weekly one
the week from Monday to Sunday. A run sends each subscriber the newest window that has ended, so
a run missed (the beat was down) is made up by the next, and one that started after a switch of
frequency begins where the last digest ended. A digest is recorded as a SentDigest in the same
transaction as the send; its unique constraint (subscriber, window end) refuses a second one,
from a second run or a concurrent worker alike, and a failed send leaves no row, so the next run
tries again. Nothing changed, nothing sent.
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from helsefellesskap import follows
from helsefellesskap.models import DigestFrequency, Follow, SentDigest, Subscriber

logger = logging.getLogger(__name__)
_LENGTH = {DigestFrequency.DAILY: 1, DigestFrequency.WEEKLY: 7}


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def digest_window(frequency: str, now: datetime.datetime, *, after=None):
    """(start, end) of the newest ended window for this frequency; the start is moved up to
    `after` (the end of the last digest) so no change is told twice."""
    today = timezone.localdate(now)
    end_day = (
        today
        if frequency == DigestFrequency.DAILY
        else today - datetime.timedelta(days=today.weekday())
    )
    start = _midnight(end_day - datetime.timedelta(days=_LENGTH[frequency]))
    if after is not None and after > start:
        start = after
    return start, _midnight(end_day)


def recipients():
    """Subscribers who get digests: confirmed, not unsubscribed, with an address and something
    followed; their last digest's end and their follows joined."""
    return (
        Subscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
        .exclude(user__isnull=False, user__is_active=False)
        .exclude(user__isnull=False, user__email="")
        .filter(follows__stopped_at__isnull=True)
        .distinct()
        .select_related("user")
        .prefetch_related("follows")
        .annotate(last_end=Max("digests__window_end"))
    )


class _Changes:
    """What changed per kind, window and language, computed once for every subscriber."""

    def __init__(self):
        self._seen = {}

    def of(self, kind_key, ids, start, end, language) -> dict[int, list]:
        key = (kind_key, start, end, language)
        if key not in self._seen:
            kind = follows.kind_named(kind_key)
            with translation.override(language):
                self._seen[key] = kind.changes(sorted(ids), start, end)
        return self._seen[key]


def digest_sections(subscriber, start, end, changes: _Changes, followed_ids) -> list[dict]:
    """The digest's parts: each followed thing that changed, with its changes, kinds in order."""
    mine = defaultdict(set)
    for follow in subscriber.follows.all():
        if follow.stopped_at is None:
            mine[follow.kind].add(follow.object_id)
    sections = []
    for kind in follows.kinds():
        if not mine.get(kind.key):
            continue
        found = changes.of(kind.key, followed_ids[kind.key], start, end, subscriber.language)
        public = {o.pk: o for o in kind.followable(AnonymousUser()).filter(pk__in=mine[kind.key])}
        for object_id in sorted(mine[kind.key]):
            if found.get(object_id) and object_id in public:
                obj = public[object_id]
                sections.append(
                    {
                        "kind": kind,
                        "object": obj,
                        "url": settings.PORTAL_URL + obj.get_absolute_url(),
                        "changes": [(c, settings.PORTAL_URL + c.url) for c in found[object_id]],
                    }
                )
    return sections


def _manage_path(subscriber) -> str:
    """Where the subscriber changes what they follow: signed in, their page; a visitor, the
    page their signed link opens."""
    if subscriber.user_id:
        return reverse("follows:mine")
    return reverse("follows:manage", args=[follows.manage_token(subscriber)])


def digest_message(*, subscriber, sections, start, end) -> EmailMultiAlternatives:
    """The e-mail, in the subscriber's language, as text with an HTML alternative, with the
    one-click unsubscribe headers."""
    token = follows.unsubscribe_token(subscriber)
    unsubscribe_url = settings.PORTAL_URL + reverse("follows:unsubscribe", args=[token])
    context = {
        "sections": sections,
        "start": timezone.localtime(start),
        "last_day": timezone.localtime(end) - datetime.timedelta(days=1),
        "weekly": subscriber.frequency == DigestFrequency.WEEKLY,
        "count": sum(len(s["changes"]) for s in sections),
        "unsubscribe_url": unsubscribe_url,
        "manage_url": settings.PORTAL_URL + _manage_path(subscriber),
    }
    with translation.override(subscriber.language):
        subject = " ".join(render_to_string("follows/email/digest_subject.txt", context).split())
        body = render_to_string("follows/email/digest.txt", context)
        # The same content as simple, accessible HTML (headings, lists, named links, the
        # language declared), for mail programs that show HTML; the text stays the first part.
        html = render_to_string(
            "follows/email/digest.html",
            {**context, "subject": subject, "language": subscriber.language},
        )
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[subscriber.address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def digest_send(*, subscriber, start, end, sections) -> SentDigest | None:
    """Record and send one digest; None when this window was sent before or the send failed."""
    message = digest_message(subscriber=subscriber, sections=sections, start=start, end=end)
    try:
        with transaction.atomic():
            sent = SentDigest.objects.create(
                subscriber=subscriber,
                window_start=start,
                window_end=end,
                changes=sum(len(s["changes"]) for s in sections),
            )
            message.send()
    except IntegrityError:
        return None  # another run sent this window
    except OSError:
        logger.warning("digest not sent", extra={"subscriber": subscriber.pk}, exc_info=True)
        return None
    return sent


def digests_send(*, now=None) -> int:
    """Send every subscriber the digest of their newest ended window; returns how many."""
    now = now or timezone.now()
    subscribers = list(recipients())
    followed_ids = defaultdict(set)
    for follow in Follow.objects.filter(
        stopped_at__isnull=True, subscriber__in=subscribers
    ).values_list("kind", "object_id"):
        followed_ids[follow[0]].add(follow[1])
    changes, sent = _Changes(), 0
    for subscriber in subscribers:
        start, end = digest_window(subscriber.frequency, now, after=subscriber.last_end)
        if start >= end:
            continue
        sections = digest_sections(subscriber, start, end, changes, followed_ids)
        if sections and digest_send(subscriber=subscriber, start=start, end=end, sections=sections):
            sent += 1
    return sent
