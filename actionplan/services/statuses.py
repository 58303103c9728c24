"""Setting statuses: one measure's status for a year, or a whole year for a committee at once.
Both paths share every guard: the plan's years, a locked year, no removing a status, a stale
version."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import NOTE_MAX_LENGTH, REASON_MAX_LENGTH, Measure, MeasureStatus, Status
from ..rights import can_set_statuses_in_year
from ..versioning import VersionConflict, YearLocked
from .versions import claim_version


def year_locked_for(*, plan, year, user) -> YearLocked | None:
    """The refusal when ``user`` may not set statuses of ``year`` because it is locked, else
    None. The right is rights.can_set_statuses_in_year (which the pages ask before they offer
    an edit); this is the one place the refusal is made, raised by both status paths."""
    if not can_set_statuses_in_year(user, plan, year):
        return YearLocked.of(year)
    return None


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
    refusal = year_locked_for(plan=plan, year=year, user=by)
    if refusal is not None:
        raise refusal
    if year in plan.locked_years and not reason:
        raise ValidationError({"reason": _("Give a reason for correcting a year that is locked.")})

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
