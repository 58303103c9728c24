"""An Atom feed of guideline changes: every published version with its change note, newest
first (django.contrib.syndication); the library links it with <link rel="alternate">."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import GuidelineVersion

FEED_LENGTH = 50


class GuidelineChangesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("New versions of the shared guidelines")

    def link(self):
        return reverse("guidelines:library")

    def items(self):
        # Versions imported from documents have no publication time: they are not news.
        return (
            GuidelineVersion.objects.filter(published_at__isnull=False)
            .select_related("guideline")
            .defer("body", "guideline__body", "guideline__body_html", "guideline__body_text")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return _("%(title)s, version %(number)s") % {"title": item.title, "number": item.number}

    def item_description(self, item):
        return item.change_note or _("No change note was given.")

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
