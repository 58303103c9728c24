"""Filters for the action point list."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actionplan.models import Committee, Person

from .models import ActionPoint, ActionPointStatus, Meeting


class ActionPointFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=ActionPointStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    contact_person = django_filters.ModelChoiceFilter(
        label=_("Contact person"),
        empty_label=_("All contact persons"),
        queryset=Person.objects.filter(action_points__isnull=False).distinct().order_by("name"),
    )
    committee = django_filters.ModelChoiceFilter(
        label=_("Committee"), queryset=Committee.objects.all(), empty_label=_("All committees")
    )
    meeting = django_filters.ModelChoiceFilter(
        label=_("Meeting"),
        empty_label=_("All meetings"),
        queryset=Meeting.objects.filter(action_points__isnull=False).distinct().newest_first(),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[("true", _("Only overdue")), ("false", _("Not overdue"))],
        empty_label=_("All"),
        method="filter_overdue",
    )

    class Meta:
        model = ActionPoint
        fields = ["status", "contact_person", "committee", "meeting", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value not in ("true", "false"):
            return queryset
        overdue = ActionPoint.objects.overdue(timezone.localdate())
        if value == "true":
            return queryset.filter(pk__in=overdue.values("pk"))
        return queryset.exclude(pk__in=overdue.values("pk"))
