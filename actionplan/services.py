"""Workflows of the action plan that cross models and have side effects."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from helsefellesskap.render_jobs import request_render, retry_render

from .models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, Measure, MeasureStatus, Report, Status
from .rights import can_correct_locked_year, can_request_report, require_report_access
from .versioning import VersionConflict, YearLocked, claim_version


def measure_status_set(
    *, measure: Measure, year, status, note="", by, expected_version, reason=None
) -> MeasureStatus:
    """Set a measure's status for a year, made on ``expected_version`` (0: not set yet).

    Raises ValidationError (bad input, keyed by field), YearLocked (a locked year and the
    user may not correct it) or VersionConflict (someone saved since); nothing is saved then.
    """
    plan = measure.goal.plan
    note = (note or "").strip()
    reason = (reason or "").strip()
    errors = {}
    if year not in plan.years:
        errors["year"] = plan.year_error()
    if not status:
        errors["status"] = _("Choose a status (a status cannot be removed).")
    elif status not in Status.values:
        errors["status"] = _("Choose one of the plan's statuses.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("The comment may be at most %(max)s characters.") % {
            "max": NOTE_MAX_LENGTH
        }
    if len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = _("The reason may be at most %(max)s characters.") % {
            "max": REASON_MAX_LENGTH
        }
    if not measure.is_active:
        errors["__all__"] = _("This measure is retired; its statuses can no longer change.")
    if errors:
        raise ValidationError(errors)
    if plan.is_year_locked(year):
        if not can_correct_locked_year(by):
            raise YearLocked.of(year)
        if not reason:
            raise ValidationError(
                {"reason": _("Give a reason for correcting a year that is locked.")}
            )

    mine = MeasureStatus(measure=measure, year=year, status=status, note=note, updated_by=by)
    mine._history_user = by
    mine._change_reason = reason or None
    with transaction.atomic():
        if expected_version == 0:
            try:
                # A savepoint, so that a concurrent first save (unique measure+year)
                # leaves the outer transaction usable for reading what they saved.
                with transaction.atomic():
                    mine.save()
            except IntegrityError:
                raise MeasureStatus.conflict_for(measure, year, mine) from None
            return mine
        current = MeasureStatus.objects.filter(measure=measure, year=year).first()
        if (
            current is not None
            and current.version == expected_version
            and (current.status, current.note) == (status, note)
        ):
            return current  # nothing changed: no new version, no history noise
        if current is None or not claim_version(MeasureStatus, current.pk, expected_version):
            raise MeasureStatus.conflict_for(measure, year, mine)
        mine.pk = current.pk
        mine.version = expected_version + 1
        mine.save(force_update=True)
        return mine


@dataclass(frozen=True)
class StatusRow:
    """One measure's row when a committee reports a whole year."""

    measure: Measure
    status: str
    note: str
    version: int


class StatusesRefused(Exception):
    """At least one row could not be saved, so none was: the refusal of each row by its index
    (a ValidationError, YearLocked or VersionConflict from measure_status_set)."""

    def __init__(self, refusals: dict[int, Exception]):
        super().__init__(f"{len(refusals)} rows refused")
        self.refusals = refusals


def measure_statuses_report(*, rows: list[StatusRow], year, by, reason="") -> int:
    """Report a year for many measures at once: every changed row saved in one transaction, or
    none (StatusesRefused). Unchanged rows are left alone. Returns how many were saved."""
    refusals = {}
    saved = 0
    with transaction.atomic():
        for index, row in enumerate(rows):
            current = row.measure.status_for(year)
            before = (current.status, current.note) if current else ("", "")
            if (row.status, row.note.strip()) == before:
                continue
            try:
                measure_status_set(
                    measure=row.measure,
                    year=year,
                    status=row.status,
                    note=row.note,
                    by=by,
                    expected_version=row.version,
                    reason=reason,
                )
            except (ValidationError, YearLocked, VersionConflict) as refusal:
                refusals[index] = refusal
            else:
                saved += 1
        if refusals:
            transaction.set_rollback(True)
    if refusals:
        raise StatusesRefused(refusals)
    return saved


def report_request(*, plan, year: int, committee=None, by) -> tuple[Report, bool]:
    """Ask for the annual report of a plan, year and scope; returns (report, created).

    If the same report is already queued or rendering, that one is returned and nothing new is
    rendered (see render_jobs.request_render).
    """
    if not can_request_report(by, committee):
        raise PermissionDenied
    plan.require_year(year)
    if committee is not None and not committee.goals.filter(plan=plan).exists():
        raise ValidationError(_("This committee has no goals in the plan."))
    return request_render(
        scope=Report.objects.for_scope(plan=plan, year=year, committee=committee),
        create=lambda: Report.objects.create(
            plan=plan, year=year, committee=committee, requested_by=by
        ),
    )


def report_retry(*, report: Report, by) -> Report:
    """Queue a failed (or stuck) report again; returns the report now in flight for its scope."""
    require_report_access(by, report)
    return retry_render(report)


def plan_start_next(*, plan, title: str, start_year: int, end_year: int, carry_measure_ids, by):
    """Start the next plan period from `plan`, in one transaction; returns the new plan.

    The measures in `carry_measure_ids` (active measures of `plan`) are copied into the new
    plan under copies of their goals and sub-goals, each linked to its predecessor; their
    statuses are not copied (the new period starts unreported). The old plan is marked ended
    and is otherwise left as it was.
    """
    from helsefellesskap.secretariat import require_secretariat

    from .models import Goal, Measure, Plan, SubGoal

    require_secretariat(by)
    try:
        ids = {int(pk) for pk in carry_measure_ids}
    except (TypeError, ValueError):
        ids = None
    if ids is None:
        raise ValidationError(_("Only active measures of the current plan can be carried over."))
    carried = list(
        Measure.objects.active()
        .in_plan(plan)
        .filter(pk__in=ids)
        .select_related("goal", "subgoal")
        .prefetch_related("priority_groups")
        .in_plan_order()
    )
    if len(carried) != len(ids):
        raise ValidationError(_("Only active measures of the current plan can be carried over."))
    with transaction.atomic():
        old = Plan.objects.select_for_update().get(pk=plan.pk)
        if old.ended:
            raise ValidationError(_("This plan has ended; its next period has been started."))
        new = Plan.objects.create(
            title=title,
            motto=old.motto,
            start_year=start_year,
            end_year=end_year,
            first_status_year=start_year,
            introduction=old.introduction,
            mandate=old.mandate,
            predecessor=old,
        )
        goals, subgoals = {}, {}
        for measure in carried:
            goal = goals.get(measure.goal_id)
            if goal is None:
                goal = goals[measure.goal_id] = _copy(
                    Goal,
                    by,
                    plan=new,
                    committee_id=measure.goal.committee_id,
                    text=measure.goal.text,
                    order=measure.goal.order,
                )
            subgoal = None
            if measure.subgoal_id:
                subgoal = subgoals.get(measure.subgoal_id)
                if subgoal is None:
                    subgoal = subgoals[measure.subgoal_id] = _copy(
                        SubGoal,
                        by,
                        goal=goal,
                        text=measure.subgoal.text,
                        order=measure.subgoal.order,
                    )
            copy = _copy(
                Measure,
                by,
                goal=goal,
                subgoal=subgoal,
                text=measure.text,
                responsible=measure.responsible,
                measurement=measure.measurement,
                notes=measure.notes,
                order=measure.order,
                predecessor=measure,
            )
            copy.priority_groups.set(measure.priority_groups.all())
        # Only the flag changes on the old plan: its content and statuses stay as adopted.
        Plan.objects.filter(pk=old.pk).update(ended=True)
    return new


def _copy(model, by, **fields):
    """Create a row whose history record names who started the new plan."""
    obj = model(**fields)
    obj._history_user = by
    obj.save()
    return obj
