"""URLs of the annual report, included under /plan/reports/."""

from django.urls import path

from . import report_views

urlpatterns = [
    # The archive of every report made, and the form to ask for a new one.
    path("", report_views.report_archive, name="reports"),
    path("new/", report_views.report_new, name="report_new"),
    # One report: its state (polled by htmx), its file, and a retry when it failed.
    path("<int:pk>/", report_views.report_detail, name="report"),
    path("<int:pk>/download/", report_views.report_download, name="report_download"),
    path("<int:pk>/retry/", report_views.report_retry, name="report_retry"),
]
