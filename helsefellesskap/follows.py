"""Following a committee, a guideline or a meeting series, and the signed links of the e-mails.

The core knows no app. Each app registers what can be followed in its `AppConfig.ready()`:

    follows.register(Followable("guideline", "guidelines.Guideline", _("guideline"), ...))

`followable(user)` gives the objects this user may follow (the app's rights decide; a visitor
is the AnonymousUser, so only public things), `changes(ids, start, end)` what changed in each of
them in a window, as the public sees it (a digest is e-mail: never more than the public view).

A signed-in person follows with one button. A visitor gives an address and follows only after
confirming it by a signed link (double opt-in): nothing is stored before the confirmation, so an
address nobody confirms leaves no trace. Every digest carries a signed one-click unsubscribe link
(RFC 8058) that works without logging in, and a visitor's digest a signed link to the page where
they change what they follow (a signed-in person has Min profil for that).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import CharField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helsefellesskap.auth_backend import CommaList
from helsefellesskap.models import DigestFrequency, Follow, Subscriber

# A confirmation link is good for three days, an unsubscribe link for a year of digests. A
# visitor's link to their follows shows their address and changes what they get, so it lasts
# less than the unsubscribe link: two months, and every digest (or a request by e-mail) brings a
# fresh one.
CONFIRM_MAX_AGE = 3 * 24 * 60 * 60
UNSUBSCRIBE_MAX_AGE = 366 * 24 * 60 * 60
MANAGE_MAX_AGE = 60 * 24 * 60 * 60
_CONFIRM_SALT = "helsefellesskap.follows.confirm"
_UNSUBSCRIBE_SALT = "helsefellesskap.follows.unsubscribe"
_MANAGE_SALT = "helsefellesskap.follows.manage"


@dataclass(frozen=True)
class Change:
    """One line of a digest: what changed, where to read it, when, and a note (a change note)."""

    title: str
    url: str
    when: datetime.datetime
    detail: str = ""


@dataclass(frozen=True)
class Followable:
    """A kind of thing that can be followed, and how to find what changed in it."""

    key: str
    #: The model's label ("actionplan.Committee"), so a page's object finds its kind.
    model: str
    #: The kind as the management page names it (lazy, in the page's language).
    label: str
    #: followable(user) -> the objects this user may follow.
    followable: Callable[[object], QuerySet]
    #: changes(ids, start, end) -> {object id: [Change, ...]} in [start, end), public view only.
    changes: Callable[[list[int], datetime.datetime, datetime.datetime], dict[int, list[Change]]]
    order: int = 100


class NotFollowable(Exception):
    """The thing does not exist, or this person may not follow it."""


_kinds: dict[str, Followable] = {}


def register(kind: Followable) -> None:
    """Add (or replace, on a second ready()) a kind that can be followed."""
    _kinds[kind.key] = kind


def kinds() -> list[Followable]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def kind_named(key: str) -> Followable:
    try:
        return _kinds[key]
    except KeyError:
        raise Http404 from None


def kind_of(obj) -> Followable | None:
    """The registered kind of a model instance (None: it cannot be followed)."""
    label = obj._meta.label
    return next((k for k in _kinds.values() if k.model == label), None)


def followable_object(key: str, object_id: int, user):
    """The object, when this user may follow it; NotFollowable otherwise."""
    kind = _kinds.get(key)
    found = kind and kind.followable(user).filter(pk=object_id).first()
    if not found:
        raise NotFollowable
    return found


# --- Signed-in people.


def subscriber_for_user(user, *, language: str) -> Subscriber:
    """The user's subscriber row, made (confirmed: the account vouches) on the first follow."""
    subscriber, _created = Subscriber.objects.get_or_create(
        user=user, defaults={"confirmed_at": timezone.now(), "language": language}
    )
    return subscriber


def is_following(user, obj) -> bool:
    kind = kind_of(obj)
    if kind is None or not user.is_authenticated:
        return False
    followed = getattr(user, "_followed", None)
    if followed is not None:  # read with the user (annotate_followed): no query of its own
        return f"{kind.key}:{obj.pk}" in followed
    return Follow.objects.filter(
        subscriber__user=user, kind=kind.key, object_id=obj.pk, stopped_at__isnull=True
    ).exists()


# Read with the user on every request (helsefellesskap/auth_backend.py), so the Follow button
# costs the committee, guideline and series pages no query.
def annotate_followed(users):
    """The users with `_followed_csv`: "kind:id" of each thing each one follows."""
    followed = (
        Follow.objects.filter(subscriber__user=OuterRef("pk"), stopped_at__isnull=True)
        .order_by()
        .values(keys=CommaList(Concat("kind", Value(":"), Cast("object_id", CharField()))))
    )
    return users.annotate(_followed_csv=Subquery(followed))


def attach_followed(user) -> None:
    user._followed = set(filter(None, (user._followed_csv or "").split(",")))


@transaction.atomic
def digest_section(request) -> dict:
    """The context of Min profil's section on e-mail digests (follows/_profile_section.html)."""
    subscriber = Subscriber.objects.filter(user=request.user).first()
    count = subscriber.follows.filter(stopped_at__isnull=True).count() if subscriber else 0
    frequency = subscriber.get_frequency_display() if subscriber else ""
    return {"count": count, "frequency": str(frequency).lower(), "url": reverse("follows:mine")}


def follow_start(*, subscriber: Subscriber, kind: str, object_id: int) -> Follow:
    """Follow a thing (again): the one row per thing is made or its stop cleared."""
    with transaction.atomic():
        follow, created = Follow.objects.select_for_update().get_or_create(
            subscriber=subscriber, kind=kind, object_id=object_id
        )
        if not created and follow.stopped_at is not None:
            follow.stopped_at = None
            follow.save(update_fields=["stopped_at"])
    return follow


def _stop(follows: QuerySet) -> int:
    """Stop the follows of the queryset that run; the rows are kept."""
    return follows.filter(stopped_at__isnull=True).update(stopped_at=timezone.now())


def follow_stop(*, user, kind: str, object_id: int) -> bool:
    """Stop following; False when the user did not follow it. The row is kept."""
    return bool(_stop(Follow.objects.filter(subscriber__user=user, kind=kind, object_id=object_id)))


def subscriber_follow_stop(*, subscriber: Subscriber, kind: str, object_id: int) -> bool:
    """Stop one of this subscriber's follows; False when they did not follow it."""
    return bool(_stop(subscriber.follows.filter(kind=kind, object_id=object_id)))


@transaction.atomic
def subscriber_stop_everything(*, subscriber: Subscriber) -> int:
    """Stop every follow and the digests (so a visitor's address is deleted in due time,
    helsefellesskap/privacy.py); returns how many follows were stopped."""
    stopped = _stop(subscriber.follows.all())
    subscriber_unsubscribe(subscriber)
    return stopped


def subscriber_settings_save(*, subscriber: Subscriber, frequency: str, language: str) -> None:
    """How often and in which language the digests come; saving asks for them again."""
    Subscriber.objects.filter(pk=subscriber.pk).update(
        frequency=frequency, language=language, unsubscribed_at=None
    )


def followed_groups(subscriber: Subscriber | None, user) -> list[dict]:
    """What the subscriber follows, by kind in order, as `user` may see it (a visitor: the
    public view); things no longer there, or no longer visible, are left out."""
    ids = {}
    if subscriber is not None:
        for kind_key, object_id in subscriber.follows.filter(stopped_at__isnull=True).values_list(
            "kind", "object_id"
        ):
            ids.setdefault(kind_key, []).append(object_id)
    groups = []
    for kind in kinds():
        if ids.get(kind.key):
            objects = list(kind.followable(user).filter(pk__in=ids[kind.key]))
            if objects:
                groups.append({"kind": kind, "objects": objects})
    return groups


# --- Visitors: a signed link confirms the address; nothing is stored before.


def confirmation_token(*, email: str, kind: str, object_id: int, frequency: str, language: str):
    payload = {"e": email, "k": kind, "o": object_id, "f": frequency, "l": language}
    return signing.dumps(payload, salt=_CONFIRM_SALT, compress=True)


def read_confirmation(token: str) -> dict:
    """What a confirmation link asks for; signing.BadSignature when forged or expired."""
    payload = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if payload.get("f") not in DigestFrequency.values:
        raise signing.BadSignature("unknown frequency")
    return payload


@transaction.atomic
def visitor_follow_confirm(token: str) -> tuple[Subscriber, object]:
    """Follow what a confirmation link names, for its address; BadSignature or NotFollowable."""
    payload = read_confirmation(token)
    obj = followable_object(payload["k"], payload["o"], AnonymousUser())
    subscriber = (
        Subscriber.objects.select_for_update()
        .filter(user__isnull=True, email__iexact=payload["e"])
        .first()
    ) or Subscriber(email=payload["e"])
    subscriber.frequency, subscriber.language = payload["f"], payload["l"]
    subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save()
    follow_start(subscriber=subscriber, kind=payload["k"], object_id=payload["o"])
    return subscriber, obj


# --- The links in every digest: unsubscribe, and a visitor's page of what they follow. Both
# sign the subscriber's id with a timestamp; the salt keeps one link from serving the other.


def _subscriber_token(subscriber: Subscriber, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign(str(subscriber.pk))


def _subscriber_from_token(token: str, salt: str, max_age: int, subscribers) -> Subscriber:
    try:
        pk = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
        return subscribers.get(pk=int(pk))
    except (signing.BadSignature, ValueError, Subscriber.DoesNotExist):
        raise Http404 from None


def unsubscribe_token(subscriber: Subscriber) -> str:
    return _subscriber_token(subscriber, _UNSUBSCRIBE_SALT)


def subscriber_from_unsubscribe_token(token: str) -> Subscriber:
    """The subscriber an unsubscribe link is for; Http404 when forged, expired or gone."""
    return _subscriber_from_token(token, _UNSUBSCRIBE_SALT, UNSUBSCRIBE_MAX_AGE, Subscriber.objects)


def manage_token(subscriber: Subscriber) -> str:
    """The link to a visitor's own follows; a signed-in person uses Min profil instead."""
    if subscriber.user_id is not None:
        raise ValueError("a signed-in subscriber manages their follows signed in")
    return _subscriber_token(subscriber, _MANAGE_SALT)


def subscriber_from_manage_token(token: str) -> Subscriber:
    """The visitor a manage link is for; Http404 when forged, expired, gone or not a visitor's
    (a confirmed address only: the link is sent only to one)."""
    visitors = Subscriber.objects.filter(user__isnull=True, confirmed_at__isnull=False)
    return _subscriber_from_token(token, _MANAGE_SALT, MANAGE_MAX_AGE, visitors)


def manage_link_send(*, email: str) -> bool:
    """Send the link to their follows to the confirmed visitor with this address, in their
    language; False (nothing sent) when the address is no such visitor's."""
    subscriber = Subscriber.objects.filter(
        user__isnull=True, confirmed_at__isnull=False, email__iexact=email
    ).first()
    if subscriber is None:
        return False
    context = {
        "manage_url": settings.PORTAL_URL
        + reverse("follows:manage", args=[manage_token(subscriber)]),
        "days": MANAGE_MAX_AGE // (24 * 60 * 60),
    }
    with translation.override(subscriber.language):
        subject = _("Your link to what you follow")
        body = render_to_string("follows/email/manage_link.txt", context)
    send_mail(str(subject), body, None, [subscriber.email])
    return True


def subscriber_unsubscribe(subscriber: Subscriber) -> None:
    """No more digests (the follows are kept, so choosing a frequency again resumes them)."""
    if subscriber.unsubscribed_at is None:
        Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
