"""Following things and the digests' settings: the "Follow" button of the committee, guideline
and series pages, a visitor's follow by confirmed e-mail, the one-click unsubscribe, and the
page where a signed-in person manages what they follow (helsefellesskap/follows.py)."""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.mail import send_mail
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helsefellesskap import follows
from helsefellesskap.cache_counters import count
from helsefellesskap.forms import DigestSettingsForm, VisitorFollowForm
from helsefellesskap.middleware import client_ip
from helsefellesskap.models import DigestFrequency, Follow, Subscriber
from helsefellesskap.page_cache import CACHE_DOWN
from helsefellesskap.redirects import safe_next

logger = logging.getLogger(__name__)
# A visitor's follow form sends a confirmation e-mail: at most this many an hour from one
# address, and a day to one e-mail address, so the form cannot be used to flood an inbox.
SUBSCRIBE_PER_IP_PER_HOUR = 10
SUBSCRIBE_PER_ADDRESS_PER_DAY = 3


def _followable_or_404(kind, pk, user):
    try:
        return follows.followable_object(kind, pk, user)
    except follows.NotFollowable:
        raise Http404 from None


def _back(request, obj):
    return redirect(safe_next(request, obj.get_absolute_url()))


@login_required
@require_POST
def follow(request, kind, pk):
    """Follow a committee, guideline or series (signed in): the digests go to the account."""
    obj = _followable_or_404(kind, pk, request.user)
    subscriber = follows.subscriber_for_user(request.user, language=request.LANGUAGE_CODE)
    follows.follow_start(subscriber=subscriber, kind=kind, object_id=obj.pk)
    if subscriber.unsubscribed_at is not None:  # following again is asking for digests again
        Subscriber.objects.filter(pk=subscriber.pk).update(unsubscribed_at=None)
    messages.success(request, _("You follow %(name)s.") % {"name": obj})
    return _back(request, obj)


@login_required
@require_POST
def unfollow(request, kind, pk):
    obj = _followable_or_404(kind, pk, request.user)
    if follows.follow_stop(user=request.user, kind=kind, object_id=obj.pk):
        messages.success(request, _("You no longer follow %(name)s.") % {"name": obj})
    return _back(request, obj)


def _throttled(request, email: str) -> bool:
    """Count this request against the per-address and per-recipient limits."""
    recipient = hashlib.sha256(email.lower().encode()).hexdigest()[:32]
    try:
        by_ip = count(f"follow-subscribe:ip:{client_ip(request)}", timeout=60 * 60)
        by_recipient = count(f"follow-subscribe:to:{recipient}", timeout=24 * 60 * 60)
    except CACHE_DOWN:
        logger.warning("follow_subscribe_cache_down", exc_info=True)
        return True  # without the counter the form could flood an inbox: refuse for now
    return by_ip > SUBSCRIBE_PER_IP_PER_HOUR or by_recipient > SUBSCRIBE_PER_ADDRESS_PER_DAY


def subscribe(request, kind, pk):
    """A visitor follows by e-mail: the form, then a confirmation link by e-mail."""
    obj = _followable_or_404(kind, pk, AnonymousUser())
    initial = {"frequency": DigestFrequency.WEEKLY, "language": request.LANGUAGE_CODE}
    form = VisitorFollowForm(request.POST or None, initial=initial)
    context = {"object": obj, "kind": follows.kind_named(kind), "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "follows/subscribe.html", context, status=400 if form.errors else 200
        )
    data = form.cleaned_data
    if _throttled(request, data["email"]):
        form.add_error(None, _("Too many requests to follow by e-mail. Please try again later."))
        return render(request, "follows/subscribe.html", context, status=429)
    token = follows.confirmation_token(
        email=data["email"],
        kind=kind,
        object_id=obj.pk,
        frequency=data["frequency"],
        language=data["language"],
    )
    _send_confirmation(obj, data, token)
    return render(request, "follows/subscribe_sent.html", {**context, "email": data["email"]})


def _send_confirmation(obj, data, token):
    context = {
        "object": obj,
        "confirm_url": settings.PORTAL_URL + reverse("follows:confirm", args=[token]),
        "days": follows.CONFIRM_MAX_AGE // (24 * 60 * 60),
    }
    with translation.override(data["language"]):
        subject = _("Confirm that you want to follow %(name)s") % {"name": obj}
        body = render_to_string("follows/email/confirm.txt", context)
    send_mail(" ".join(subject.split()), body, None, [data["email"]])


def confirm(request, token):
    """The link in the confirmation e-mail: a page with a button (mail scanners open links;
    only a person presses the button), and the follow on POST."""
    try:
        payload = follows.read_confirmation(token)
        obj = follows.followable_object(payload["k"], payload["o"], AnonymousUser())
    except (signing.BadSignature, follows.NotFollowable, KeyError, TypeError):
        return render(request, "follows/link_invalid.html", status=404)
    context = {"object": obj, "email": payload["e"], "frequency": payload["f"]}
    if request.method != "POST":
        return render(request, "follows/confirm.html", context)
    follows.visitor_follow_confirm(token)
    return render(request, "follows/confirmed.html", context)


@csrf_exempt  # RFC 8058: the mail client posts without a page, so without a CSRF token
def unsubscribe(request, token):
    """One-click unsubscribe: POST (from the mail client or the button) needs no log-in; the
    signed link is the proof. GET shows the button."""
    try:
        subscriber = follows.subscriber_from_unsubscribe_token(token)
    except Http404:
        return render(request, "follows/link_invalid.html", status=404)
    if request.method != "POST":
        return render(request, "follows/unsubscribe.html", {"subscriber": subscriber})
    follows.subscriber_unsubscribe(subscriber)
    return render(request, "follows/unsubscribed.html", {"subscriber": subscriber})


def _my_follows(user) -> list[dict]:
    """What the user follows, by kind, with the objects (things no longer there left out)."""
    ids = {}
    for kind_key, object_id in Follow.objects.filter(
        subscriber__user=user, stopped_at__isnull=True
    ).values_list("kind", "object_id"):
        ids.setdefault(kind_key, []).append(object_id)
    groups = []
    for kind in follows.kinds():
        if ids.get(kind.key):
            objects = list(kind.followable(user).filter(pk__in=ids[kind.key]))
            if objects:
                groups.append({"kind": kind, "objects": objects})
    return groups


@login_required
def mine(request):
    """What I follow and how often the digest comes."""
    subscriber = Subscriber.objects.filter(user=request.user).first()
    initial = {
        "frequency": subscriber.frequency if subscriber else DigestFrequency.WEEKLY,
        "language": subscriber.language if subscriber else request.LANGUAGE_CODE,
    }
    form = DigestSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        subscriber = follows.subscriber_for_user(request.user, language=request.LANGUAGE_CODE)
        Subscriber.objects.filter(pk=subscriber.pk).update(
            frequency=form.cleaned_data["frequency"],
            language=form.cleaned_data["language"],
            unsubscribed_at=None,
        )
        messages.success(request, _("Your digest settings are saved."))
        return redirect("follows:mine")
    return render(
        request,
        "follows/mine.html",
        {
            "form": form,
            "subscriber": subscriber,
            "groups": _my_follows(request.user),
            "paused": bool(subscriber and subscriber.unsubscribed_at),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )
