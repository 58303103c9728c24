"""The action point list as a table."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ActionPoint


class ActionPointTable(tables.Table):
    text = tables.TemplateColumn(
        template_name="meetings/_action_point_text_cell.html", verbose_name=_("Action point")
    )
    meeting = tables.Column(linkify=True, verbose_name=_("Meeting"))
    contact_person = tables.Column(verbose_name=_("Contact person"))
    committee = tables.Column(verbose_name=_("Committee"), accessor="committee__short_name")
    due_date = tables.DateColumn(verbose_name=_("Due"), format="d.m.Y")
    status = tables.TemplateColumn(
        template_name="meetings/_action_point_status_cell.html",
        verbose_name=_("Status"),
        order_by=("status",),
    )

    caption = _("Action points")

    class Meta:
        model = ActionPoint
        fields = ["text", "meeting", "contact_person", "committee", "due_date", "status"]
        attrs = {"class": "table action-points"}
        empty_text = _("No action points match.")
