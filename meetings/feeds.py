"""An Atom feed of public meetings' minutes, newest meeting first (django.contrib.syndication;
not to be confused with the iCalendar feeds in ical.py). The archive links it with
<link rel="alternate">."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .rights import public_meetings

FEED_LENGTH = 30


class MinutesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Minutes of public meetings")

    def link(self):
        return reverse("meetings:meeting_list")

    def items(self):
        # The public's view whoever asks: a feed reader has no session.
        return public_meetings().exclude(minutes="").newest_first()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.title} ({item.date:%d.%m.%Y})" if item.date else item.title

    def item_description(self, item):
        return item.minutes

    def item_link(self, item):
        return item.get_absolute_url()

    def item_updateddate(self, item):
        return item.created_at
