from django.urls import path
from django.views.decorators.http import require_safe

from . import feeds, views

app_name = "meetings"
urlpatterns = [
    # Calendars: upcoming list, month view, the archive of meeting records.
    path("", views.upcoming, name="upcoming"),
    path("calendar/", views.month_today, name="month_today"),
    path("calendar/<int:year>/<int:month>/", views.month, name="month"),
    path("all/", views.meeting_list, name="meeting_list"),
    # iCalendar feeds to subscribe to, and a page that explains them.
    path("calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("feeds/", views.feeds_help, name="feeds"),
    # An Atom feed of public meetings' minutes.
    path("minutes.atom", require_safe(feeds.MinutesFeed()), name="minutes_feed"),
    path("series/<int:pk>/calendar.ics", views.series_feed, name="series_feed"),
    path("committee/<slug:slug>/calendar.ics", views.committee_feed, name="committee_feed"),
    # Meetings.
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/meeting.ics", views.meeting_feed, name="meeting_feed"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/withdraw/", views.attachment_withdraw, name="attachment_withdraw"),
    # The minutes as PDF: ask for it, its state (polled by htmx), its file, a retry.
    path("<int:pk>/minutes-pdf/", views.minutes_export_new, name="minutes_export_new"),
    path("minutes-pdf/<int:pk>/", views.minutes_export, name="minutes_export"),
    path(
        "minutes-pdf/<int:pk>/download/",
        views.minutes_export_download,
        name="minutes_export_download",
    ),
    path("minutes-pdf/<int:pk>/retry/", views.minutes_export_retry, name="minutes_export_retry"),
    # Action points.
    path("action-points/", views.action_point_list, name="action_points"),
    path("<int:pk>/action-points/new/", views.action_point_create, name="action_point_create"),
    path("action-points/<int:pk>/edit/", views.action_point_edit, name="action_point_edit"),
    # Series and their single-date changes.
    path("series/", views.series_list, name="series_list"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path(
        "series/<int:pk>/changes/new/",
        views.series_exception_create,
        name="series_exception_create",
    ),
]
