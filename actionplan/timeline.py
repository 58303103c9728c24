"""A measure's history in plain language: who set which year to what, and what changed, when."""

from dataclasses import dataclass, field
from datetime import datetime

from .models import RESTORE_REASON_PREFIX, Measure, MeasureStatus, Status, SubGoal
from .versioning import user_display_name

#: Measure fields the timeline reports, in the order the page lists changes.
MEASURE_FIELDS = ("text", "subgoal_id", "responsible", "measurement", "notes")


@dataclass
class Change:
    """One field's old and new value."""

    label: str
    old: str
    new: str


@dataclass
class TimelineEntry:
    """One event in a measure's history. ``kind`` picks the sentence the template says."""

    kind: (
        str  # status_set, status_note, measure_added, measure_changed, retired, unretired, restored
    )
    when: datetime
    who: str
    year: int | None = None
    status: str = ""
    old_status: str = ""
    note: str = ""
    old_note: str = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    history_id: int | None = None
    restored_from: datetime | None = None
    is_current: bool = False


def _status_label(value) -> str:
    return str(Status(value).label) if value in Status.values else ""


def _status_entries(measure) -> list[TimelineEntry]:
    records = (
        MeasureStatus.history.filter(measure_id=measure.pk)
        .select_related("history_user__person")
        .order_by("history_date", "history_id")
    )
    previous, entries = {}, []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if before and (before.status, before.note) == (record.status, record.note):
            continue
        old_status = before.status if before else ""
        entries.append(
            TimelineEntry(
                kind="status_set" if record.status != old_status or not before else "status_note",
                when=record.history_date,
                who=user_display_name(record.history_user),
                year=record.year,
                status=_status_label(record.status),
                old_status=_status_label(old_status),
                note=record.note,
                old_note=before.note if before else "",
                reason=record.history_change_reason or "",
            )
        )
    return entries


def historical_priority_groups(history_ids) -> dict[int, list]:
    """The priority groups each historical measure record held, in one query."""
    through = Measure.history.model._meta.get_field(
        "historicalmeasure_priority_groups"
    ).related_model
    rows = through.objects.filter(history_id__in=history_ids).select_related("prioritygroup")
    groups: dict[int, list] = {}
    for row in rows:
        groups.setdefault(row.history_id, []).append(row.prioritygroup)
    return groups


def _measure_entries(measure) -> list[TimelineEntry]:
    records = list(
        measure.history.select_related("history_user__person").order_by(
            "history_date", "history_id"
        )
    )
    groups = historical_priority_groups([r.history_id for r in records])
    subgoals = {s.pk: s.text for s in SubGoal.objects.filter(goal_id=measure.goal_id)}
    labels = {
        "text": measure._meta.get_field("text").verbose_name,
        "subgoal_id": measure._meta.get_field("subgoal").verbose_name,
        "responsible": measure._meta.get_field("responsible").verbose_name,
        "measurement": measure._meta.get_field("measurement").verbose_name,
        "notes": measure._meta.get_field("notes").verbose_name,
        "priority_groups": measure._meta.get_field("priority_groups").verbose_name,
    }
    dates = {r.history_id: r.history_date for r in records}

    def shown(name, record):
        if name == "subgoal_id":
            return subgoals.get(record.subgoal_id, "")
        if name == "priority_groups":
            return ", ".join(sorted(str(g) for g in groups.get(record.history_id, [])))
        return getattr(record, name) or ""

    entries, before = [], None
    for record in records:
        who = user_display_name(record.history_user)
        reason = record.history_change_reason or ""
        base = {"when": record.history_date, "who": who, "history_id": record.history_id}
        if before is None:
            entries.append(TimelineEntry(kind="measure_added", **base))
        else:
            changes = [
                Change(str(labels[name]).capitalize(), shown(name, before), shown(name, record))
                for name in (*MEASURE_FIELDS, "priority_groups")
                if shown(name, before) != shown(name, record)
            ]
            if record.retired != before.retired:
                kind = "retired" if record.retired else "unretired"
                entries.append(TimelineEntry(kind=kind, **base))
            if reason.startswith(RESTORE_REASON_PREFIX):
                restored = reason.removeprefix(RESTORE_REASON_PREFIX)
                source = dates.get(int(restored)) if restored.isdigit() else None
                entries.append(
                    TimelineEntry(kind="restored", changes=changes, restored_from=source, **base)
                )
            elif changes:
                entries.append(
                    TimelineEntry(kind="measure_changed", changes=changes, reason=reason, **base)
                )
        before = record
    if records:
        for entry in entries:
            entry.is_current = entry.history_id == records[-1].history_id
    return entries


#: How many of a measure's latest changes its page shows; the rest are on its history page.
RECENT_CHANGES = 10
#: Changes per page of the history page.
HISTORY_PAGE_SIZE = 50


def recent_changes(measure) -> tuple[list[TimelineEntry], int]:
    """The measure's latest RECENT_CHANGES changes, newest first, and how many there are: a
    measure page costs the same however long its history grows."""
    entries = measure_timeline(measure)
    return entries[:RECENT_CHANGES], len(entries)


def measure_timeline(measure) -> list[TimelineEntry]:
    """Everything that happened to a measure and its statuses, newest first. Four queries."""
    entries = _status_entries(measure) + _measure_entries(measure)
    return sorted(entries, key=lambda e: e.when, reverse=True)
