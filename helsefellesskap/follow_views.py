"""Following things and the digests' settings: the "Follow" button of the committee, guideline
and series pages, a visitor's follow by confirmed e-mail, the one-click unsubscribe, and the
page where one manages what one follows: signed in (follows:mine), or as a visitor by the
signed link of every digest (follows:manage), which a visitor can also ask for by e-mail
(helsefellesskap/follows.py)."""

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helsefellesskap import follows
from helsefellesskap.cache_counters import count
from helsefellesskap.forms import DigestSettingsForm, ManageLinkForm, VisitorFollowForm
from helsefellesskap.middleware import client_ip
from helsefellesskap.models import DigestFrequency, Subscriber
from helsefellesskap.page_cache import CACHE_DOWN
from helsefellesskap.redirects import safe_next
from helsefellesskap.tasks import send_manage_link

logger = logging.getLogger(__name__)
# A visitor's follow form (and the form asking for a manage link) sends an e-mail: at most this
# many an hour from one address, and a day to one e-mail address, so neither form can be used to
# flood an inbox.
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


def _throttled(request, email: str, form: str = "subscribe") -> bool:
    """Count this request against the per-address and per-recipient limits of the form."""
    recipient = hashlib.sha256(email.lower().encode()).hexdigest()[:32]
    try:
        by_ip = count(f"follow-{form}:ip:{client_ip(request)}", timeout=60 * 60)
        by_recipient = count(f"follow-{form}:to:{recipient}", timeout=24 * 60 * 60)
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
    subscriber, _obj = follows.visitor_follow_confirm(token)
    context["manage_url"] = reverse("follows:manage", args=[follows.manage_token(subscriber)])
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


@login_required
def mine(request):
    """What I follow and how often the digest comes."""
    subscriber = Subscriber.objects.filter(user=request.user).first()
    form = _settings_form(request, subscriber)
    if request.method == "POST" and form.is_valid():
        subscriber = follows.subscriber_for_user(request.user, language=request.LANGUAGE_CODE)
        follows.subscriber_settings_save(subscriber=subscriber, **form.cleaned_data)
        messages.success(request, _("Your digest settings are saved."))
        return redirect("follows:mine")
    return _follows_page(request, "follows/mine.html", subscriber, request.user, form)


def _settings_form(request, subscriber) -> DigestSettingsForm:
    initial = {
        "frequency": subscriber.frequency if subscriber else DigestFrequency.WEEKLY,
        "language": subscriber.language if subscriber else request.LANGUAGE_CODE,
    }
    return DigestSettingsForm(request.POST or None, initial=initial)


def _follows_page(request, template, subscriber, user, form, **context):
    """The page of what one follows (follows/_follows.html), signed in or by a visitor's link."""
    return render(
        request,
        template,
        {
            "form": form,
            "subscriber": subscriber,
            "groups": follows.followed_groups(subscriber, user),
            "paused": bool(subscriber and subscriber.unsubscribed_at),
            "now": timezone.now(),
            **context,
        },
        status=400 if form.errors else 200,
    )


# --- A visitor's own follows, by the signed link of every digest: no log-in, the link is the
# proof, and it names one subscriber, so it can change no one else's follows.


def _visitor_or_invalid(request, token):
    """The visitor the link is for, or the page saying the link does not work (404)."""
    try:
        return follows.subscriber_from_manage_token(token), None
    except Http404:
        return None, render(request, "follows/link_invalid.html", status=404)


@never_cache  # the page shows the visitor's address: no shared cache keeps it
def manage(request, token):
    """What a visitor follows and how often: the page, and saving the settings."""
    subscriber, invalid = _visitor_or_invalid(request, token)
    if invalid:
        return invalid
    form = _settings_form(request, subscriber)
    if request.method == "POST" and form.is_valid():
        follows.subscriber_settings_save(subscriber=subscriber, **form.cleaned_data)
        messages.success(request, _("Your digest settings are saved."))
        return redirect("follows:manage", token)
    return _follows_page(
        request,
        "follows/manage.html",
        subscriber,
        AnonymousUser(),
        form,
        token=token,
        days=follows.MANAGE_MAX_AGE // (24 * 60 * 60),
    )


@require_POST
def manage_unfollow(request, token, kind, pk):
    """A visitor stops following one thing (from their page)."""
    subscriber, invalid = _visitor_or_invalid(request, token)
    if invalid:
        return invalid
    if not follows.subscriber_follow_stop(subscriber=subscriber, kind=kind, object_id=pk):
        raise Http404  # not one of this visitor's follows
    try:
        obj = follows.followable_object(kind, pk, AnonymousUser())
        messages.success(request, _("You no longer follow %(name)s.") % {"name": obj})
    except follows.NotFollowable:  # no longer public: stopped all the same
        messages.success(request, _("You no longer follow it."))
    return redirect("follows:manage", token)


@require_POST
def manage_stop_everything(request, token):
    """A visitor stops every follow and every digest."""
    subscriber, invalid = _visitor_or_invalid(request, token)
    if invalid:
        return invalid
    follows.subscriber_stop_everything(subscriber=subscriber)
    messages.success(request, _("You follow nothing now, and no more digests are sent."))
    return redirect("follows:manage", token)


def manage_link(request):
    """A visitor asks for a fresh link to their follows. The answer is the same whether the
    address follows anything or not, so the form tells no one who follows what."""
    form = ManageLinkForm(request.POST or None)
    context = {"form": form}
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "follows/manage_link.html", context, status=400 if form.errors else 200
        )
    email = form.cleaned_data["email"]
    if _throttled(request, email, form="manage-link"):
        form.add_error(None, _("Too many requests for a link. Please try again later."))
        return render(request, "follows/manage_link.html", context, status=429)
    # Looked up and sent by the worker, so the answer takes as long for any address.
    transaction.on_commit(lambda: send_manage_link.delay(email))
    return render(request, "follows/manage_link.html", {**context, "sent_to": email})
