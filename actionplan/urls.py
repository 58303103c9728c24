from django.urls import include, path

from . import views

app_name = "actionplan"
urlpatterns = [
    path("", views.overview, name="overview"),
    # The annual revision report for SSU (PDF, rendered by the worker) and plan exports.
    path("reports/", include("actionplan.report_urls")),
]
