"""A committee meeting's draft agenda: what is still open since the committee last met."""

import datetime

from django.db.models import Max, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from actionplan.models import Measure, Plan

from .models import OSLO, ActionPoint, Meeting


def previous_meeting(committee, *, before: datetime.date) -> Meeting | None:
    """The committee's latest dated meeting before a date."""
    return (
        Meeting.objects.filter(committee=committee, date__lt=before)
        .order_by("-date", "-start_time", "-pk")
        .first()
    )


def unchanged_measures(committee, *, since: datetime.date):
    """The committee's active measures in the current plan whose status has not changed since
    a date (including those that never had one)."""
    plan = Plan.objects.current()
    if plan is None:
        return Measure.objects.none()
    cutoff = datetime.datetime.combine(since, datetime.time.min, tzinfo=OSLO)
    return (
        Measure.objects.active()
        .in_plan(plan)
        .filter(goal__committee=committee)
        .annotate(last_change=Max("statuses__updated_at"))
        .filter(Q(last_change__isnull=True) | Q(last_change__lt=cutoff))
        .in_plan_order()
    )


def draft_agenda(committee, *, on_date: datetime.date) -> tuple[list[dict], Meeting | None]:
    """Agenda items (as form initial data) for the committee's next meeting, and the previous
    meeting they were measured against: first its open action points, then its measures
    whose status has not changed since that meeting."""
    items = []
    for point in ActionPoint.objects.open_for_committee(committee):
        facts = [_("Action point from %(meeting)s.") % {"meeting": point.meeting.title}]
        if point.contact_person:
            facts.append(_("Contact person: %(name)s.") % {"name": point.contact_person.name})
        if point.due_date:
            facts.append(_("Due %(date)s.") % {"date": date_format(point.due_date)})
        items.append({"title": point.text[:500], "description": " ".join(facts)})
    previous = previous_meeting(committee, before=on_date)
    if previous is not None:
        note = _("Status not changed since the meeting of %(date)s.") % {
            "date": date_format(previous.date)
        }
        for measure in unchanged_measures(committee, since=previous.date):
            items.append({"title": measure.text[:500], "description": note})
    for order, item in enumerate(items, start=1):
        item["order"] = order
    return items, previous
