"""Invitations to the portal, and the history of every change to a person's account and roles.

Who holds which role is not stored here: a committee's leader, deputy and secretary are the
Committee's own `leader`, `deputy` and `secretary` (the plan's people, shown on the committee
page), its editors are `Committee.editors`, and the secretariat is a group. The people pages
write exactly those, so there is one source of who leads what (see people/roles.py).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_LABELS


class Invitation(models.Model):
    """An invitation by e-mail to set up sign-in; its link works once, until it expires."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    # A newer invitation to the same person replaces this one.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return self.email

    def is_open(self, now=None) -> bool:
        """Not accepted, withdrawn or expired: its link may still be used."""
        now = now or timezone.now()
        return self.accepted_at is None and self.withdrawn_at is None and now < self.expires_at


class PersonEvent(models.Model):
    """One change to a person's account or roles, kept for good: the people history."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Invitation accepted")
        ROLE_ADDED = "role_added", _("Role given")
        ROLE_REMOVED = "role_removed", _("Role removed")
        DEACTIVATED = "deactivated", _("Account deactivated")
        REACTIVATED = "reactivated", _("Account reactivated")
        PROFILE = "profile", _("Profile changed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="person_events",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=20, blank=True)
    committee = models.ForeignKey(
        "actionplan.Committee",
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("change to a person")
        verbose_name_plural = _("changes to people")

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))
