"""Writes of the plan's outline: add, edit, reorder, retire and restore goals, sub-goals and
measures, restore an earlier version of a measure, and link a leader to a user account.

Every edit names the version it was made on (optimistic concurrency, see versioning.py) and
goes into history with who made it and why.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import RESTORE_REASON_PREFIX, Measure, SubGoal
from .versions import claim_version


def plan_item_create(*, item, by, priority_groups=None):
    """Save a new goal, sub-goal or measure last among its siblings; returns it."""
    with transaction.atomic():
        item.order = item.next_order()
        item._history_user = by
        item.save()
        if priority_groups is not None:
            item.priority_groups.set(priority_groups)
    return item


def plan_item_update(*, item, by, expected_version, reason=None, priority_groups=None):
    """Save the item's editable fields (already set on it) if nobody saved since
    ``expected_version``; ``priority_groups`` (measures only) replaces the set.

    Raises VersionConflict, naming what the other person saved, when the version is stale.
    """
    if priority_groups is not None:
        item._pending_priority_groups = list(priority_groups)
    with transaction.atomic():
        if not claim_version(type(item), item.pk, expected_version):
            raise item.conflict()
        item.version = expected_version + 1
        item._history_user = by
        item._change_reason = reason or None
        if priority_groups is not None:
            # Record the new set in the one historical row the save below writes,
            # not in extra rows per m2m signal.
            item.skip_history_when_saving = True
            try:
                item.priority_groups.set(priority_groups)
            finally:
                del item.skip_history_when_saving
        item.save(update_fields=[*item.EDITABLE_FIELDS, "version"])
    return item


def plan_item_move(*, item, direction: str, by) -> bool:
    """Swap places with the neighbour above ("up") or below ("down"); False at the edge.

    A retired item cannot move (ValidationError): it has no place in the current plan.
    """
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose to move up or down."))
    if item.retired:
        raise ValidationError(_("A retired item cannot be moved; restore it first."))
    with transaction.atomic():
        siblings = list(
            item.siblings().filter(retired=False).select_for_update().order_by("order", "pk")
        )
        ids = [sibling.pk for sibling in siblings]
        if item.pk not in ids:
            return False
        i = ids.index(item.pk)
        j = i - 1 if direction == "up" else i + 1
        if not 0 <= j < len(siblings):
            return False
        siblings[i], siblings[j] = siblings[j], siblings[i]
        # Renumber in steps of ten so equal orders (as loaded) become a strict sequence.
        for position, sibling in enumerate(siblings, start=1):
            if sibling.order != position * 10:
                sibling.order = position * 10
                sibling._history_user = by
                sibling.save(update_fields=["order"])
        return True


def plan_item_retire(*, item, retired: bool, by, reason=None) -> None:
    """Retire (hide from the current plan, never delete) or bring back."""
    if item.retired == retired:
        return
    item.retired = retired
    item._history_user = by
    item._change_reason = reason or None
    item.save(update_fields=["retired"])


def measure_version_restore(*, measure: Measure, history_id: int, by, expected_version) -> Measure:
    """Make an earlier version current again, as a new version (history is kept)."""
    record = measure.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError(_("That version does not belong to this measure."))
    for name in measure.EDITABLE_FIELDS:
        attname = measure._meta.get_field(name).attname
        setattr(measure, attname, getattr(record, attname))
    if (
        measure.subgoal_id
        and not SubGoal.objects.filter(pk=measure.subgoal_id, goal_id=measure.goal_id).exists()
    ):
        measure.subgoal_id = None  # the sub-goal it sat under has moved away since
    groups = [row.prioritygroup for row in record.priority_groups.select_related("prioritygroup")]
    return plan_item_update(
        item=measure,
        by=by,
        expected_version=expected_version,
        # Machine-readable so the timeline can say it in the reader's language.
        reason=f"{RESTORE_REASON_PREFIX}{record.history_id}",
        priority_groups=groups,
    )


def person_link_user(*, person, user, by) -> None:
    """Link a leader's or deputy's person to a user account (the user becomes an editor)."""
    person.user = user
    person._history_user = by
    person.save(update_fields=["user"])
