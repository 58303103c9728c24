"""The core's own tables: which OpenID provider account a portal user signs in with, and the
words the site search treats as the same."""

from django.conf import settings
from django.db import models
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
