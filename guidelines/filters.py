"""The guideline library's search box and filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from actionplan.models import Committee, PriorityGroup

from .models import Guideline, GuidelineStatus


class GuidelineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    committee = django_filters.ModelChoiceFilter(
        label=_("Committee"),
        queryset=Committee.objects.filter(guidelines__isnull=False).distinct().order_by("order"),
        empty_label=_("All committees"),
    )
    priority_group = django_filters.ModelChoiceFilter(
        label=_("Priority patient group"),
        field_name="priority_groups",
        queryset=PriorityGroup.objects.all(),
        empty_label=_("All groups"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=GuidelineStatus.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Guideline
        fields = ["q", "committee", "priority_group", "status"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
