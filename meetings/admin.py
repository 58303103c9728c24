from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionPoint, AgendaItem, Attachment, Meeting, MeetingSeries, SeriesException


class SeriesExceptionInline(admin.TabularInline):
    model = SeriesException
    extra = 0


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["name", "forum", "committee", "start_time", "end_time", "valid_from"]
    list_filter = ["forum", "frequency"]
    inlines = [SeriesExceptionInline]


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["presenter"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "start_time", "series", "committee", "is_public"]
    list_filter = ["is_public", "series", "committee"]
    search_fields = ["title", "purpose", "minutes"]
    inlines = [AgendaItemInline, AttachmentInline]


@admin.register(ActionPoint)
class ActionPointAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "contact_person", "status", "due_date"]
    list_filter = ["status", "committee"]
    search_fields = ["text", "topic", "follow_up"]
    raw_id_fields = ["contact_person", "measure"]
    list_select_related = ["meeting", "contact_person"]
