"""The core's own tables: which OpenID provider account a portal user signs in with, the
words the site search treats as the same, and who follows what (digests)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OIDCIdentity(models.Model):
    """A person's account at one OpenID provider (issuer + sub), linked to one portal user.

    Once linked, the `sub` signs the person in even when the e-mail at the provider changes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(_("issuer"), max_length=500)
    subject = models.CharField(_("subject"), max_length=255)
    provider = models.CharField(_("provider"), max_length=50)
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in account")
        verbose_name_plural = _("sign-in accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique_sub")
        ]

    def __str__(self):
        return f"{self.provider}: {self.subject}"


class SearchSynonym(models.Model):
    """One word of a group of words the site search treats as the same.

    A group holds the nynorsk and bokmål forms of a word and their usual inflections
    ("sjukeheim", "sjukeheimen", "sykehjem", "sykehjemmet", ...). A search for any of them looks
    for all of them (helsefellesskap/site_search.py). The secretariat can add groups in the admin.
    """

    group = models.CharField(_("group"), max_length=100, db_index=True)
    term = models.CharField(_("word"), max_length=100, unique=True)

    class Meta:
        ordering = ["group", "term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return f"{self.term} ({self.group})"

    def save(self, *args, **kwargs):
        self.term = self.term.strip().lower()
        self.group = self.group.strip().lower()
        super().save(*args, **kwargs)


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class Subscriber(models.Model):
    """Someone who gets digests of what they follow: a portal user, or a visitor known only by
    an e-mail address they confirmed (helsefellesskap/follows.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriber",
    )
    # A visitor's address; a user's digests go to the account's own address, read when sent.
    email = models.EmailField(_("e-mail address"), blank=True)
    frequency = models.CharField(
        _("how often"),
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Set by the one-click unsubscribe link; choosing a frequency again clears it.
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(user__isnull=True),
                name="one_subscriber_per_visitor_address",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="subscriber_is_a_user_or_an_address",
            ),
        ]

    def __str__(self):
        return self.address or f"subscriber {self.pk}"

    @property
    def address(self) -> str:
        """Where the digests go."""
        return self.user.email if self.user_id else self.email

    @property
    def receives_digests(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Follow(models.Model):
    """One thing a subscriber follows: a kind an app registered (helsefellesskap/follows.py) and
    the id of its object. Stopping keeps the row (stopped_at); following again clears it."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(_("kind"), max_length=50)
    object_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "object_id"], name="one_follow_per_thing"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"])]

    def __str__(self):
        return f"{self.subscriber_id} follows {self.kind} {self.object_id}"


class SentDigest(models.Model):
    """A digest sent for one window. The unique constraint is what keeps a second run (or a
    second worker at the same time) from sending the same person the same window again."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="digests")
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    changes = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent digest")
        verbose_name_plural = _("sent digests")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "window_end"], name="one_digest_per_subscriber_window"
            )
        ]

    def __str__(self):
        return f"{self.subscriber_id}: {self.window_start:%Y-%m-%d}–{self.window_end:%Y-%m-%d}"


class ContentVersion(models.Model):
    """A token that changes whenever content shown on cached pages changes
    (helsefellesskap/content_versions.py).

    Kept in the database, not the cache, so every server process sees a change at once
    whatever the cache backend is."""

    name = models.CharField(max_length=50, unique=True)
    token = models.CharField(max_length=32)
    # When the token last changed: the open-data API's Last-Modified.
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Created by actionplan's migrations, before it moved to the core.
        db_table = "actionplan_contentversion"
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return f"{self.name}: {self.token}"
