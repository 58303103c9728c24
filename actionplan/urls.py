from django.urls import include, path, re_path
from django.views.decorators.http import require_safe

from . import feeds
from .views import cycle, docx_import, plan_editing, public, revision, status

# A goal, sub-goal or measure: /plan/goals/3/…, /plan/subgoals/3/…, /plan/measures/3/…
_ITEM = r"(?P<kind>goal|subgoal|measure)s/(?P<pk>[0-9]+)"

app_name = "actionplan"
urlpatterns = [
    # The plan's front page; also served at / as "home".
    path("", public.overview, name="overview"),
    # Committees and their goals, sub-goals and measures.
    path("committees/<slug:slug>/", public.committee_detail, name="committee"),
    # The plan table and its CSV/XLSX downloads (?_export=csv|xlsx on the table works too).
    path("table/", public.plan_table, name="table"),
    path("table.csv", public.PlanTableView.as_view(), {"export": "csv"}, name="table_csv"),
    path("table.xlsx", public.PlanTableView.as_view(), {"export": "xlsx"}, name="table_xlsx"),
    # The plan as a Word document in its own layout, whole or one committee's part.
    path("plan.docx", public.plan_docx, name="plan_docx"),
    path("committees/<slug:slug>/plan.docx", public.plan_docx, name="committee_docx"),
    # Atom feeds of status changes: the whole plan, one committee.
    path("status.atom", require_safe(feeds.PlanStatusFeed()), name="status_feed"),
    path(
        "committees/<slug:slug>/status.atom",
        require_safe(feeds.CommitteeStatusFeed()),
        name="committee_status_feed",
    ),
    # One measure.
    path("measures/<int:pk>/", public.measure_detail, name="measure"),
    path("measures/<int:pk>/history/", public.measure_history, name="measure_history"),
    # The yearly cycle: the revision deadline, a person's reminders, the next plan period.
    path("revision/deadline/", cycle.revision_deadline, name="revision_deadline"),
    path("my-reminders/", cycle.my_reminders, name="my_reminders"),
    path("next/", cycle.plan_next, name="plan_next"),
    # The annual revision report for SSU (PDF, rendered by the worker) and plan exports.
    path("reports/", include("actionplan.report_urls")),
    # Statuses: in place (htmx) or on their own page, and a committee's whole year at once.
    path("measures/<int:pk>/status/<int:year>/", status.status_update, name="status_update"),
    path("measures/<int:pk>/status/<int:year>/cell/", status.status_cell, name="status_cell"),
    path("committees/<slug:slug>/report/<int:year>/", status.report_year, name="report_year"),
    # Editing the plan: goals, sub-goals and measures of one committee.
    path(
        "committees/<slug:slug>/edit/",
        plan_editing.committee_plan_edit,
        name="committee_plan_edit",
    ),
    path("committees/<slug:slug>/goals/add/", plan_editing.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", plan_editing.goal_edit, name="goal_edit"),
    path("goals/<int:goal_pk>/subgoals/add/", plan_editing.subgoal_create, name="subgoal_create"),
    path("subgoals/<int:pk>/edit/", plan_editing.subgoal_edit, name="subgoal_edit"),
    path("goals/<int:goal_pk>/measures/add/", plan_editing.measure_create, name="measure_create"),
    path("measures/<int:pk>/edit/", plan_editing.measure_edit, name="measure_edit"),
    path(
        "measures/<int:pk>/restore-version/",
        plan_editing.measure_restore_version,
        name="measure_restore_version",
    ),
    re_path(rf"^{_ITEM}/move/$", plan_editing.plan_item_move, name="plan_item_move"),
    re_path(rf"^{_ITEM}/retire/$", plan_editing.plan_item_retire, name="plan_item_retire"),
    re_path(rf"^{_ITEM}/restore/$", plan_editing.plan_item_restore, name="plan_item_restore"),
    # The annual revision, the editors' dashboard and committee memberships.
    path("mine/", revision.dashboard, name="dashboard"),
    path("revision/", revision.revision_board, name="revision_board"),
    path("revision/open/", revision.revision_open, name="revision_open"),
    path("revision/<int:year>/lock/", revision.revision_lock, name="revision_lock"),
    path("revision/<int:year>/unlock/", revision.revision_unlock, name="revision_unlock"),
    # The plan's Word document brought in by the secretariat: upload and preview, then apply.
    path("revision/import/", docx_import.plan_import, name="plan_import"),
    path("revision/import/apply/", docx_import.plan_import_apply, name="plan_import_apply"),
    path(
        "committees/<slug:slug>/editors/",
        revision.committee_editors,
        name="committee_editors",
    ),
    path(
        "committees/<slug:slug>/editors/<str:role>/link/",
        revision.committee_person_link,
        name="committee_person_link",
    ),
    path(
        "committees/<slug:slug>/editors/<int:user_id>/remove/",
        revision.committee_editor_remove,
        name="committee_editor_remove",
    ),
]
