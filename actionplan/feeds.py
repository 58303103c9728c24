"""Atom feeds of status changes: the whole plan's, and one committee's (django.contrib.
syndication). Each entry is a measure's status as the public pages show it now, newest change
first; the pages they follow link them with <link rel="alternate">."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Committee, MeasureStatus, status_label

FEED_LENGTH = 50


class PlanStatusFeed(Feed):
    """The newest status changes of every measure of the plan."""

    feed_type = Atom1Feed

    def title(self, obj=None):
        if obj is None:
            return _("Status changes in the action plan")
        return _("Status changes: %(committee)s") % {"committee": obj.short_name}

    def link(self, obj=None):
        return obj.get_absolute_url() if obj is not None else reverse("actionplan:overview")

    def items(self, obj=None):
        statuses = MeasureStatus.objects.select_related("measure__goal__committee").exclude(
            status="", note=""
        )
        if obj is not None:
            statuses = statuses.filter(measure__goal__committee=obj)
        return statuses.order_by("-updated_at", "-pk")[:FEED_LENGTH]

    def item_title(self, item):
        return _("%(year)s: %(status)s – %(measure)s") % {
            "year": item.year,
            "status": status_label(item.status),
            "measure": item.measure.text[:120],
        }

    def item_description(self, item):
        return item.note

    def item_link(self, item):
        return item.measure.get_absolute_url()

    def item_guid(self, item):
        return f"measure-status-{item.pk}-v{item.version}"

    item_guid_is_permalink = False

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.updated_at


class CommitteeStatusFeed(PlanStatusFeed):
    """The newest status changes of one committee's measures."""

    def get_object(self, request, slug):
        return get_object_or_404(Committee, slug=slug)
