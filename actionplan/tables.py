"""The plan table: every active measure of a plan, one status column per plan year.

django-tables2 gives the columns, ordering, pagination and the export values; the page's
rows are drawn by the table's own template (actionplan/_plan_table.html) instead of per-cell
rendering, which costs about ten times a plain template (issue 9). That template draws
the visible columns in the order declared here: keep the two in step.

On the page, committee, main goal and sub-goal head groups of rows instead of filling a column
on every row (they stay columns in the downloads), a column empty on the whole page is left
out, and the years before the current one fold away ("Show all years") so the measure and this
year's status fit side by side on a laptop screen (issue 16).
"""

import django_tables2 as tables
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import AttributeDict

from .models import MeasureStatus, Status, plan_order, status_label
from .templatetags.actionplan_status import status_badge

# Sorting a year column ascending puts the least progress first, "not reported" before all.
_STATUS_RANK = Case(
    When(status=Status.NOT_DONE, then=Value(1)),
    When(status=Status.IN_PROGRESS, then=Value(2)),
    When(status=Status.DONE, then=Value(3)),
    default=Value(0),
    output_field=IntegerField(),
)


# The class of a cell or heading of a year other than the current one: folded until asked for.
YEAR_OTHER = "status-cell year-other"


class StatusColumn(tables.Column):
    """One plan year's status: a badge on the page, the label text in exports."""

    def __init__(self, year: int, *, current: bool = False, **kwargs):
        self.year = year
        kwargs.setdefault("verbose_name", str(year))
        # Years other than the current one fold away on the page (static/css/actionplan.css).
        kwargs.setdefault("attrs", {"th": {"class": "status-cell" if current else YEAR_OTHER}})
        super().__init__(accessor="pk", **kwargs)

    def _code(self, record) -> str:
        status = record.status_for(self.year)
        return status.status if status else ""

    def render(self, record):
        # Only when a table is drawn cell by cell (the plan table's own template does not).
        return status_badge(self._code(record))

    def value(self, record):
        return self.export_value(record)

    def export_value(self, record):
        return status_label(self._code(record))

    def order(self, queryset, is_descending):
        rank = MeasureStatus.objects.filter(measure=OuterRef("pk"), year=self.year).annotate(
            rank=_STATUS_RANK
        )
        alias = f"status_rank_{self.year}"
        queryset = queryset.alias(**{alias: Coalesce(Subquery(rank.values("rank")[:1]), 0)})
        return queryset.order_by(("-" if is_descending else "") + alias, *plan_order()), True


class PlanOrderedColumn(tables.Column):
    """A text column that sorts by its field, then in the document's order; empty cells last."""

    def __init__(self, *args, sort_field: str, **kwargs):
        self.sort_field = sort_field
        super().__init__(*args, **kwargs)

    def order(self, queryset, is_descending):
        field = F(self.sort_field)
        key = field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True)
        return queryset.order_by(key, *plan_order()), True


def _export_getter(bound_column):
    """A function of a record giving the column's text for the export."""
    column = bound_column.column
    if hasattr(column, "export_value"):
        return column.export_value
    if isinstance(column, tables.ManyToManyColumn):
        accessor = bound_column.accessor

        def related(record):
            items = column.filter(accessor.resolve(record))
            return column.separator.join(str(item) for item in items)

        return related
    path = bound_column.accessor.split("__")

    def attribute(record):
        value = record
        for part in path:
            value = getattr(value, part, None)
            if value is None:
                return ""
        return value

    return attribute


class PlanTable(tables.Table):
    """All active measures of a plan; the year columns come from the plan."""

    # On the page these three head the groups of rows (see page_measures); columns in exports.
    committee = tables.Column(
        accessor="goal__committee__short_name", verbose_name=_("Committee"), visible=False
    )
    goal = PlanOrderedColumn(
        accessor="goal__text", verbose_name=_("Main goal"), sort_field="goal__text", visible=False
    )
    subgoal = PlanOrderedColumn(
        accessor="subgoal__text",
        verbose_name=_("Sub-goal"),
        default="",
        sort_field="subgoal__text",
        visible=False,
    )
    text = PlanOrderedColumn(verbose_name=_("Measure"), sort_field="text")
    responsible = PlanOrderedColumn(
        verbose_name=_("Responsible"), default="", sort_field="responsible"
    )
    # In the CSV only: the page shows them on the measure page.
    measurement = tables.Column(verbose_name=_("How it is measured"), default="", visible=False)
    priority_groups = tables.ManyToManyColumn(
        accessor="listed_priority_groups",
        filter=list,  # the groups are already a list or a prefetched queryset
        verbose_name=_("Priority patient groups"),
        visible=False,
        separator="; ",
    )
    notes = tables.Column(verbose_name=_("Notes"), default="", visible=False)

    caption = _("Measures of the plan")

    class Meta:
        template_name = "actionplan/_plan_table.html"
        attrs = {
            "class": "data-table plan-table card-table years-collapsible",
            "id": "plan-table",
        }
        empty_text = _("No measures match the filters.")

    def __init__(self, data, *, years, current_year=None, **kwargs):
        self.years = list(years)
        self.current_year = current_year if current_year in self.years else self.years[-1]
        extra = [
            (f"status_{year}", StatusColumn(year, current=year == self.current_year))
            for year in self.years
        ]
        super().__init__(data, extra_columns=extra, **kwargs)

    def other_year_sorted(self) -> bool:
        """Is the table sorted by a folded year? Then the page opens with every year shown."""
        return any(
            name.lstrip("-").startswith("status_")
            and name.lstrip("-") != f"status_{self.current_year}"
            for name in self.order_by or ()
        )

    def prepare_page(self) -> None:
        """Before drawing the page: leave out the responsible column when no measure on this
        page names anyone, and show every year when sorted by a folded one."""
        if not any(row.record.responsible for row in self.paginated_rows):
            self.columns.hide("responsible")
        if self.other_year_sorted():
            # A copy: Meta's attrs are shared by every table.
            self.attrs = AttributeDict(
                {**self.attrs, "class": self.attrs["class"] + " years-expanded"}
            )

    def as_values(self, exclude_columns=None):
        """Header and every row (all filtered rows in the chosen order) as plain text.

        Same columns and labels as django-tables2's own export, without its per-cell
        machinery, which made a CSV of the plan take seconds (issue 9)."""
        exclude = set(exclude_columns or ())
        columns = [
            column
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude)
        ]
        yield [str(column.header) for column in columns]
        getters = [_export_getter(column) for column in columns]
        for record in self.data:
            yield [get(record) for get in getters]

    def order_committee(self, queryset, is_descending):
        # The committees' own order (the document's), not their names.
        return queryset.in_plan_order(descending=is_descending), True

    def page_measures(self):
        """The measures on this page, each with `year_cells`: (year, MeasureStatus or None)
        for every year column, read from the prefetched statuses; `starts_goal` and
        `starts_group` mark the first row under a new main goal or sub-goal."""
        goal_id = subgoal_id = None
        for index, row in enumerate(self.paginated_rows):
            measure = row.record
            measure.year_cells = measure.statuses_by_year(self.years)
            measure.starts_goal = index == 0 or measure.goal_id != goal_id
            measure.starts_group = measure.starts_goal or measure.subgoal_id != subgoal_id
            goal_id, subgoal_id = measure.goal_id, measure.subgoal_id
            yield measure
