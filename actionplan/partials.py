"""Context for the editing partials, shared by full pages, htmx fragments and template tags."""

from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .forms import StatusForm
from .rights import can_edit_committee_id
from .services import year_locked_for


def safe_next(request, default: str) -> str:
    """The page to return to after a save: the given "next" if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def cell_id(measure, year) -> str:
    """The element id shared by a status cell and its form, so htmx swaps one for the other."""
    return f"status-{measure.pk}-{year}"


def may_edit_status(user, measure, plan, year) -> bool:
    """Show the edit control? (The save itself checks again on the server.)"""
    if not can_edit_committee_id(user, measure.goal.committee_id):
        return False
    return year_locked_for(plan=plan, year=year, user=user) is None


def status_cell_context(*, request, measure, year, plan=None, next_url=None, saved=False):
    """Context of actionplan/_status_edit_cell.html."""
    plan = plan or measure.goal.plan
    return {
        "measure": measure,
        "year": year,
        "status": measure.status_for(year),
        "cell_id": cell_id(measure, year),
        "can_edit": may_edit_status(request.user, measure, plan, year),
        "edit_url": reverse("actionplan:status_update", args=[measure.pk, year]),
        "cell_url": reverse("actionplan:status_cell", args=[measure.pk, year]),
        "next_url": next_url or request.get_full_path(),
        "saved": saved,
    }


def status_form_context(
    *, request, measure, year, plan=None, form=None, conflict=None, next_url=None
):
    """Context of actionplan/_status_form.html."""
    plan = plan or measure.goal.plan
    if form is None:
        current = measure.status_for(year)
        form = StatusForm(
            auto_id=f"{cell_id(measure, year)}-%s",
            initial={
                "status": current.status if current else "",
                "note": current.note if current else "",
                "version": current.version if current else 0,
            },
        )
    locked = year in plan.locked_years
    return {
        "measure": measure,
        "year": year,
        "form": form,
        "conflict": conflict,
        "locked": locked,
        "cell_id": cell_id(measure, year),
        "edit_url": reverse("actionplan:status_update", args=[measure.pk, year]),
        "cell_url": reverse("actionplan:status_cell", args=[measure.pk, year]),
        "next_url": next_url or request.get_full_path(),
    }
