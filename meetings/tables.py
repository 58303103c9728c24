"""The action point list as a table.

django-tables2 gives the columns, ordering and pagination; the rows are drawn by one row
partial (meetings/_action_point_row.html) rather than cell by cell: each template cell of
django-tables2 renders with a fresh RequestContext, running every context processor again,
which cost most of the page (issue 9). The row partial draws the columns in the order
declared here: keep the two in step.
"""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ActionPoint


class ActionPointTable(tables.Table):
    text = tables.Column(verbose_name=_("Action point"))
    meeting = tables.Column(verbose_name=_("Meeting"))
    contact_person = tables.Column(verbose_name=_("Contact person"))
    committee = tables.Column(verbose_name=_("Committee"), accessor="committee__short_name")
    due_date = tables.Column(verbose_name=_("Due"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status",))

    caption = _("Action points")

    class Meta:
        model = ActionPoint
        fields = ["text", "meeting", "contact_person", "committee", "due_date", "status"]
        template_name = "meetings/_action_point_table.html"
        # A list of cards on a phone (static/css/actionplan.css), the cells named by data-label.
        attrs = {"class": "table action-points card-table"}
        empty_text = _("No action points match.")

    def cell_labels(self) -> dict:
        """Each column's heading by name: the cards on a phone name their cells with it."""
        return {column.name: column.header for column in self.columns}

    def page_points(self):
        """The action points on this page, in the table's order."""
        for row in self.paginated_rows:
            yield row.record
