"""Filters of the plan table; they live in the GET URL so a filtered view can be shared.

Their widgets are drawn in Python (helsefellesskap/widgets.py): the form is on every
uncached table page."""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from helsefellesskap import widgets

from .models import (
    NOT_REPORTED,
    NOT_REPORTED_LABEL,
    Committee,
    MeasureStatus,
    PriorityGroup,
    Status,
)

STATUS_FILTER_CHOICES = [*Status.choices, (NOT_REPORTED, NOT_REPORTED_LABEL)]


class _ListedChoices(django_filters.fields.ModelChoiceIterator):
    """The options from one ordinary query. Django reads them with iterator(), which on
    PostgreSQL opens a server-side cursor: three round trips for a dozen rows (issue 9)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class _ListedModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = _ListedChoices


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice whose options are read with one plain query."""

    field_class = _ListedModelChoiceField


class MeasureFilter(django_filters.FilterSet):
    """Committee, priority group, a year's status (or none reported) and free text."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        help_text=_("Words in the main goal, sub-goal or measure."),
        widget=widgets.TextInput,
    )
    committee = ModelChoiceFilter(
        label=_("Committee"),
        field_name="goal__committee",
        to_field_name="slug",
        queryset=Committee.objects.none(),
        empty_label=_("All committees"),
        widget=widgets.Select,
    )
    priority_group = ModelChoiceFilter(
        label=_("Priority patient group"),
        field_name="priority_groups",
        to_field_name="slug",
        queryset=PriorityGroup.objects.all(),
        empty_label=_("All measures"),
        widget=widgets.Select,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=STATUS_FILTER_CHOICES,
        method="filter_status",
        empty_label=_("Any status"),
        widget=widgets.Select,
    )
    # The year only says which year the status filter looks at.
    year = django_filters.TypedChoiceFilter(
        label=_("Status in year"), coerce=int, method="filter_nothing", widget=widgets.Select
    )

    def __init__(self, data=None, queryset=None, *, plan, default_year, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.plan = plan
        self.default_year = default_year
        # The options need only the slug and name, not in_plan()'s people.
        self.filters["committee"].queryset = (
            Committee.objects.in_plan(plan).select_related(None).only("slug", "name")
        )
        self.filters["year"].extra["choices"] = [
            ("", _("Current year (%(year)s)") % {"year": default_year}),
            *((year, year) for year in plan.years),
        ]

    def filter_text(self, queryset, name, value):
        # Every word must occur somewhere in the chain, so "koordinator barn" narrows.
        for word in value.split():
            queryset = queryset.filter(
                Q(text__icontains=word)
                | Q(goal__text__icontains=word)
                | Q(subgoal__text__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        year = self.form.cleaned_data.get("year") or self.default_year
        statuses = MeasureStatus.objects.filter(measure=OuterRef("pk"), year=year)
        if value == NOT_REPORTED:
            return queryset.exclude(Exists(statuses.exclude(status="")))
        return queryset.filter(Exists(statuses.filter(status=value)))

    def filter_nothing(self, queryset, name, value):
        return queryset
