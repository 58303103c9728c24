"""Applying a plan document (the Word table) to the portal: what docx_changes found, written in
one transaction through the same services as editing in the browser, so the history names the
user and the file."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ..docx_changes import (
    MatchedCommittee,
    MatchedGoal,
    MatchedMeasure,
    MatchedSubGoal,
    PlanChanges,
    StatusChange,
    plan_docx_changes,
    short_committee_name,
)
from ..docx_read import DocPlan, DocxImportError, normalise
from ..models import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Committee,
    Goal,
    Measure,
    MeasureStatus,
    Person,
    SubGoal,
)
from .cycle import plan_start_next
from .plan_items import plan_item_retire, plan_item_update
from .statuses import measure_status_set


def import_reason(file_name: str) -> str:
    """The change reason history records: "from <file name>" (cut to the column's length)."""
    return (_("from %(file)s") % {"file": file_name})[:REASON_MAX_LENGTH]


def _create(model, by, reason, **fields):
    obj = model(**fields)
    obj._history_user = by
    obj._change_reason = reason
    obj.save()
    return obj


def _person(name: str) -> Person | None:
    if not name:
        return None
    return Person.objects.filter(name=name).first() or Person.objects.create(name=name)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "utval"
    slug, n = base, 1
    while Committee.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class _Applier:
    def __init__(self, changes: PlanChanges, by, reason: str):
        self.changes, self.by, self.reason = changes, by, reason
        self.plan = changes.plan
        self.counts = {"added": 0, "changed": 0, "retired": 0, "statuses": 0}

    def committee(self, mc: MatchedCommittee) -> Committee:
        doc = mc.doc
        if mc.db is None:
            order = (Committee.objects.aggregate(Max("order"))["order__max"] or 0) + 1
            mc.db = _create(
                Committee,
                self.by,
                self.reason,
                name=doc.name,
                short_name=short_committee_name(doc.name)[:100],
                slug=_unique_slug(doc.name),
                leader=_person(doc.leader),
                leader_title=doc.leader_title[:100],
                deputy=_person(doc.deputy),
                secretary=_person(doc.secretary),
                order=order,
            )
            self.counts["added"] += 1
        elif mc.people_changes:
            committee = mc.db
            for role in ("leader", "deputy"):
                new, old = getattr(doc, role), getattr(committee, role)
                if new and normalise(new) != normalise(old.name if old else ""):
                    setattr(committee, role, _person(new))
            committee._history_user = self.by
            committee._change_reason = self.reason
            committee.save()
            self.counts["changed"] += 1
        return mc.db

    def text(self, obj, priority_groups=None, **fields) -> None:
        for name, value in fields.items():
            setattr(obj, name, value)
        plan_item_update(
            item=obj,
            by=self.by,
            expected_version=obj.version,
            reason=self.reason,
            priority_groups=priority_groups,
        )
        self.counts["changed"] += 1

    def goal(self, committee, mg: MatchedGoal, order: int) -> Goal:
        if mg.db is None:
            mg.db = _create(
                Goal, self.by, self.reason, plan=self.plan, committee=committee, text=mg.doc.text,
                order=order,
            )  # fmt: skip
            self.counts["added"] += 1
        elif mg.text_changed:
            self.text(mg.db, text=mg.doc.text)
        mg.db.plan = self.plan
        return mg.db

    def subgoal(self, goal, ms: MatchedSubGoal, order: int) -> SubGoal:
        if ms.db is None:
            ms.db = _create(SubGoal, self.by, self.reason, goal=goal, text=ms.doc.text, order=order)
            self.counts["added"] += 1
        elif ms.text_changed:
            self.text(ms.db, text=ms.doc.text)
        return ms.db

    def measure(self, goal, subgoal, mm: MatchedMeasure, order: int) -> None:
        if mm.db is None:
            mm.db = _create(
                Measure, self.by, self.reason, goal=goal, subgoal=subgoal, text=mm.doc.text,
                measurement=mm.doc.measurement, responsible=mm.doc.responsible or "",
                order=order,
            )  # fmt: skip
            if mm.groups:
                mm.db.priority_groups.set(mm.groups)
            self.counts["added"] += 1
        elif (
            mm.text_changed
            or mm.measurement_changed
            or mm.moved
            or mm.responsible_changed
            or mm.groups_changed
        ):
            fields = {"text": mm.doc.text, "measurement": mm.doc.measurement, "subgoal": subgoal}
            if mm.responsible_changed:
                fields["responsible"] = mm.doc.responsible
            groups = mm.groups if mm.groups_changed else None
            self.text(mm.db, priority_groups=groups, **fields)
        mm.db.goal, mm.db.subgoal = goal, subgoal
        for change in mm.statuses:
            self.status(mm.db, change)

    def status(self, measure, change: StatusChange) -> None:
        note = change.new_note[:NOTE_MAX_LENGTH]
        version = change.current.version if change.current else 0
        if change.new_status:
            measure_status_set(
                measure=measure,
                year=change.year,
                status=change.new_status,
                note=note,
                by=self.by,
                expected_version=version,
                reason=self.reason,
            )
        else:  # a note with no status (the document's uncoloured "Årleg", "2024/25")
            row = change.current or MeasureStatus(measure=measure, year=change.year)
            row.note = note
            row.updated_by = self.by
            row._history_user = self.by
            row._change_reason = self.reason
            if row.pk:
                row.version += 1
            row.save()
        self.counts["statuses"] += 1

    def run(self, retire_keys) -> dict[str, int]:
        for mc in self.changes.committees:
            committee = self.committee(mc)
            for g_no, mg in enumerate(mc.goals, start=1):
                goal = self.goal(committee, mg, g_no * 10 if mg.db is None else 0)
                order = 0
                for mm in mg.measures:
                    order += 10
                    self.measure(goal, None, mm, order)
                for s_no, ms in enumerate(mg.subgoals, start=1):
                    subgoal = self.subgoal(goal, ms, s_no * 10)
                    for mm in ms.measures:
                        order += 10
                        self.measure(goal, subgoal, mm, order)
        for key in retire_keys:
            obj = self.changes.missing.get(key)
            if obj is not None and not obj.retired:
                plan_item_retire(item=obj, retired=True, by=self.by, reason=self.reason)
                self.counts["retired"] += 1
        return self.counts


def plan_docx_apply(changes: PlanChanges, *, by, file_name: str, retire_keys=()) -> dict[str, int]:
    """Write the changes in one transaction; `retire_keys` names the missing items to retire
    (keys of changes.missing). Returns how many items were added, changed, retired and
    statuses set. A refused write (e.g. a conflict) rolls everything back."""
    unknown = set(retire_keys) - set(changes.missing)
    if unknown:
        raise ValidationError(_("Only items missing from the document can be retired."))
    with transaction.atomic():
        return _Applier(changes, by, import_reason(file_name)).run(list(retire_keys))


def plan_docx_start_new(
    doc: DocPlan, *, plan, title: str, start_year: int, end_year: int, by, file_name: str
):
    """Start the next plan period from a document, in one transaction; returns (plan, counts).

    The measures of `plan` that the document still has are carried over by the next-plan
    machinery (services.plan_start_next, so each keeps its link to its predecessor); then the
    document is imported into the new plan: what it adds is added, revised texts are changed,
    its statuses are set. Measures it lacks are simply not carried over."""
    if not (2000 <= start_year <= end_year <= start_year + 20):
        raise DocxImportError(_("The period must be two years, e.g. 2027-2030."), "period")
    years = range(start_year, end_year + 1)
    outside = [year for year in doc.years if year not in years]
    if outside:
        raise DocxImportError(
            _("The document has year columns outside the new plan's period: %(years)s.")
            % {"years": ", ".join(map(str, outside))},
            "years_outside",
        )
    # Match against the current plan without its year check: the document is the new plan's.
    carried_doc = DocPlan(years=[], committees=doc.committees, colour_key=doc.colour_key)
    current = plan_docx_changes(carried_doc, plan)
    carry = [
        mm.db.pk
        for mc in current.committees
        for mg in mc.goals
        for mm in mg.all_measures()
        if mm.db is not None
    ]
    with transaction.atomic():
        new = plan_start_next(
            plan=plan,
            title=title,
            start_year=start_year,
            end_year=end_year,
            carry_measure_ids=carry,
            by=by,
        )
        changes = plan_docx_changes(doc, new)
        counts = plan_docx_apply(changes, by=by, file_name=file_name)
    counts["carried"] = len(carry)
    return new, counts
