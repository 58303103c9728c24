"""What the whole portal keeps in the database itself (not per app)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
