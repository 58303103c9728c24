"""Optimistic concurrency for plan content: every edit names the version it was made on.

A save claims the next version with one conditional UPDATE (``... WHERE version = expected``).
If no row matched, someone else saved first: the save is refused with a VersionConflict that
carries what is saved now, so the editor sees what the other person changed and loses nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _


def user_display_name(user) -> str:
    """How the portal names a user: the linked person's name, else full name, else username."""
    if user is None:
        return str(_("someone"))
    try:
        return user.person.name
    except ObjectDoesNotExist:
        return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class FieldChange:
    """One field the other editor saved differently from what you submitted."""

    label: str
    theirs: str
    yours: str


class VersionConflict(Exception):
    """A save made on a stale version: someone else saved the object first."""

    def __init__(self, current, changes, *, changed_by=None, changed_at=None):
        super().__init__("stale version")
        self.current = current
        self.changes = changes
        self.changed_by = changed_by
        self.changed_at = changed_at

    @property
    def current_version(self) -> int:
        """The version to base a new attempt on (0: the object does not exist yet)."""
        return self.current.version if self.current is not None else 0

    @property
    def changed_by_name(self) -> str:
        return user_display_name(self.changed_by)


class YearLocked(PermissionDenied):
    """The year's revision is adopted and locked: editors may no longer change its statuses."""

    @classmethod
    def of(cls, year) -> "YearLocked":
        return cls(_("%(year)s is locked: SSU has adopted its revision.") % {"year": year})


def claim_version(model, pk, expected_version) -> bool:
    """Move a row from the expected version to the next one; False if it was not at that version.

    Inside a transaction the UPDATE keeps the row locked until commit, so of several editors
    who read the same version exactly one can claim it.
    """
    return bool(
        model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1)
    )


def display_value(obj, field_name) -> str:
    """A field's value as the page shows it (choice labels, related objects' names, m2m lists)."""
    if obj is None:
        return ""
    field = obj._meta.get_field(field_name)
    if field.many_to_many:
        values = getattr(obj, f"_pending_{field_name}", None)
        if values is None:
            values = list(getattr(obj, field_name).all()) if obj.pk else []
        return ", ".join(sorted(str(v) for v in values))
    if field.choices:
        return str(getattr(obj, f"get_{field_name}_display")())
    value = getattr(obj, field_name)
    return "" if value is None else str(value)


def field_changes(current, mine, field_names) -> list[FieldChange]:
    """The fields where the saved object differs from what the editor submitted."""
    changes = []
    for name in field_names:
        theirs, yours = display_value(current, name), display_value(mine, name)
        if theirs != yours:
            label = str(mine._meta.get_field(name).verbose_name)
            changes.append(
                FieldChange(label=label[:1].upper() + label[1:], theirs=theirs, yours=yours)
            )
    return changes


class Versioned:
    """Edits of goals, sub-goals and measures: refused on a stale version, recorded in history."""

    #: The fields an editor changes through the edit form (not order, retired, version).
    EDITABLE_FIELDS: tuple[str, ...] = ("text",)

    @property
    def kind_slug(self) -> str:
        """The item's kind as URLs name it: "goal", "subgoal" or "measure"."""
        return type(self).__name__.lower()

    def save_edit(self, *, by, expected_version, reason=None, priority_groups=None):
        """Save the editable fields if nobody saved since ``expected_version``.

        ``priority_groups`` (measures only) replaces the set; raises VersionConflict when stale.
        """
        model = type(self)
        if priority_groups is not None:
            self._pending_priority_groups = list(priority_groups)
        with transaction.atomic():
            if not claim_version(model, self.pk, expected_version):
                raise self._conflict()
            self.version = expected_version + 1
            self._history_user = by
            self._change_reason = reason or None
            if priority_groups is not None:
                # Record the new set in the one historical row the save below writes,
                # not in extra rows per m2m signal.
                self.skip_history_when_saving = True
                try:
                    self.priority_groups.set(priority_groups)
                finally:
                    del self.skip_history_when_saving
            self.save(update_fields=[*self.EDITABLE_FIELDS, "version"])
        return self

    def _conflict(self) -> VersionConflict:
        model = type(self)
        current = model.objects.get(pk=self.pk)
        m2m = ["priority_groups"] if hasattr(self, "_pending_priority_groups") else []
        last = current.history.select_related("history_user__person").first()
        return VersionConflict(
            current,
            field_changes(current, self, [*self.EDITABLE_FIELDS, *m2m]),
            changed_by=last.history_user if last else None,
            changed_at=last.history_date if last else None,
        )

    def siblings(self) -> models.QuerySet:
        """The items this one is ordered among."""
        raise NotImplementedError

    def move(self, direction: str, *, by) -> bool:
        """Swap places with the neighbour above ("up") or below ("down"); False at the edge."""
        if direction not in ("up", "down"):
            raise ValueError(direction)
        with transaction.atomic():
            siblings = list(
                self.siblings().filter(retired=False).select_for_update().order_by("order", "pk")
            )
            ids = [item.pk for item in siblings]
            if self.pk not in ids:
                return False
            i = ids.index(self.pk)
            j = i - 1 if direction == "up" else i + 1
            if not 0 <= j < len(siblings):
                return False
            siblings[i], siblings[j] = siblings[j], siblings[i]
            # Renumber in steps of ten so equal orders (as loaded) become a strict sequence.
            for position, item in enumerate(siblings, start=1):
                if item.order != position * 10:
                    item.order = position * 10
                    item._history_user = by
                    item.save(update_fields=["order"])
            return True

    def set_retired(self, retired: bool, *, by, reason=None) -> None:
        """Retire (hide from the current plan, never delete) or bring back."""
        if self.retired == retired:
            return
        self.retired = retired
        self._history_user = by
        self._change_reason = reason or None
        self.save(update_fields=["retired"])

    def next_order(self) -> int:
        """The order that puts a new item last among its siblings."""
        last = self.siblings().aggregate(models.Max("order"))["order__max"]
        return (last or 0) + 10
