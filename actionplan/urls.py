from django.urls import include, path

from . import views

app_name = "actionplan"
urlpatterns = [
    # The plan's front page; also served at / as "home".
    path("", views.overview, name="overview"),
    # Committees and their goals, sub-goals and measures.
    path("committees/<slug:slug>/", views.committee_detail, name="committee"),
    # The plan table and its CSV/XLSX downloads (?_export=csv|xlsx on the table works too).
    path("table/", views.PlanTableView.as_view(), name="table"),
    path("table.csv", views.PlanTableView.as_view(), {"export": "csv"}, name="table_csv"),
    path("table.xlsx", views.PlanTableView.as_view(), {"export": "xlsx"}, name="table_xlsx"),
    # One measure.
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    # The annual revision report for SSU (PDF, rendered by the worker) and plan exports.
    path("reports/", include("actionplan.report_urls")),
]
