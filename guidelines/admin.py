"""Admin for guidelines: a fallback for the secretariat; the portal's own pages are the way in.

Nothing is deleted here (history is kept); text changes belong in "Publish a new version".
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Guideline, GuidelineAttachment, GuidelineVersion, ReviewReminder


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Guideline)
class GuidelineAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["title", "status", "committee", "last_updated_on", "next_review_on"]
    list_filter = ["status", "committee"]
    search_fields = ["title", "summary"]
    readonly_fields = ["title", "summary", "body"]
    filter_horizontal = ["priority_groups"]

    def has_add_permission(self, request):
        # New guidelines start at version 1, which the portal's "New guideline" page publishes.
        return False


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["guideline", "number", "published_at", "published_by"]
    readonly_fields = [f.name for f in GuidelineVersion._meta.fields]


@admin.register(GuidelineAttachment)
class GuidelineAttachmentAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["title", "guideline", "kind", "size", "uploaded_at", "removed_at"]
    readonly_fields = ["file", "original_name", "kind", "size", "uploaded_by", "removed_by"]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(NoDeleteMixin, admin.ModelAdmin):
    list_display = ["guideline", "sent_on", "recipients"]
    readonly_fields = ["guideline", "sent_on", "recipients"]
