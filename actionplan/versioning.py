"""Optimistic concurrency for plan content: every edit names the version it was made on.

A save claims the next version with one conditional UPDATE (``... WHERE version = expected``).
If no row matched, someone else saved first: the save is refused with a VersionConflict that
carries what is saved now, so the editor sees what the other person changed and loses nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
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
    """What goals, sub-goals and measures know about their own edits: their kind, their
    siblings, where a new one goes, and what a stale edit conflicts with. The edits themselves
    are services (actionplan/services/plan_items.py)."""

    #: The fields an editor changes through the edit form (not order, retired, version).
    EDITABLE_FIELDS: tuple[str, ...] = ("text",)

    @property
    def kind_slug(self) -> str:
        """The item's kind as URLs name it: "goal", "subgoal" or "measure"."""
        return type(self).__name__.lower()

    def conflict(self) -> VersionConflict:
        """What the other person saved, for an edit refused on a stale version."""
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

    def next_order(self) -> int:
        """The order that puts a new item last among its siblings."""
        last = self.siblings().aggregate(models.Max("order"))["order__max"]
        return (last or 0) + 10
