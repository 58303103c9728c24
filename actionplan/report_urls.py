"""URLs of the annual report, included under /plan/reports/."""

from django.urls import path

from .views import reports

urlpatterns = [
    # The archive of every report made, and the form to ask for a new one.
    path("", reports.report_archive, name="reports"),
    path("new/", reports.report_new, name="report_new"),
    # One report: its state (polled by htmx), its file, and a retry when it failed.
    path("<int:pk>/", reports.report_detail, name="report"),
    path("<int:pk>/download/", reports.report_download, name="report_download"),
    path("<int:pk>/retry/", reports.report_retry, name="report_retry"),
]
