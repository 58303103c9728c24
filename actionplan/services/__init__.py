"""Every write of the action plan: statuses, plan items, the annual report, the next period
and the plan's Word document.

Views parse input, call one of these functions and render; each function checks its own
guards, runs in one transaction and raises a domain exception (ValidationError, YearLocked,
VersionConflict, PermissionDenied) that the view turns into a message. Models keep only the
state rules about themselves. tests/test_writes_in_services.py fails on a write elsewhere.
"""

from .cycle import plan_start_next
from .plan_documents import plan_docx_apply, plan_docx_start_new
from .plan_items import (
    measure_version_restore,
    person_link_user,
    plan_item_create,
    plan_item_move,
    plan_item_retire,
    plan_item_update,
)
from .reports import report_request, report_retry
from .statuses import (
    StatusesRefused,
    StatusRow,
    measure_status_set,
    measure_statuses_report,
    year_locked_for,
)

__all__ = [
    "StatusRow",
    "StatusesRefused",
    "measure_status_set",
    "measure_statuses_report",
    "measure_version_restore",
    "person_link_user",
    "plan_docx_apply",
    "plan_docx_start_new",
    "plan_item_create",
    "plan_item_move",
    "plan_item_retire",
    "plan_item_update",
    "plan_start_next",
    "report_request",
    "report_retry",
    "year_locked_for",
]
