"""What importing a plan document would change in the portal.

`plan_docx_changes(doc, plan)` matches the document (docx_read.DocPlan) to the plan: a committee
by its name, then goals, sub-goals and measures under their parent by normalised text (the same
text, or failing that the most similar unmatched one, which counts as changed). So importing the
same document twice changes nothing, and a revised document changes only what was revised.
Nothing is ever deleted: what the plan has and the document lacks is offered for retiring.

Applying the changes is a service: actionplan/services/plan_documents.py.
"""

import difflib
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .docx_read import DocCommittee, DocGoal, DocMeasure, DocPlan, DocSubGoal, normalise
from .models import (
    NOTE_MAX_LENGTH,
    Committee,
    Goal,
    Measure,
    MeasureStatus,
    PriorityGroup,
    SubGoal,
    status_label,
)

#: How alike two texts must be (difflib ratio) to count as the same item revised.
SIMILAR = 0.6

_COMMITTEE_PREFIXES = ("fagleg samarbeidsutvalg for ", "fagleg samarbeidsutval for ")


def short_committee_name(name: str) -> str:
    """The name without "Fagleg samarbeidsutval for" in front."""
    for prefix in _COMMITTEE_PREFIXES:
        if name.lower().startswith(prefix):
            rest = name[len(prefix) :].strip()
            return rest[:1].upper() + rest[1:]
    return name


def committee_key(name: str) -> str:
    key = normalise(name)
    for prefix in _COMMITTEE_PREFIXES:
        key = key.removeprefix(prefix)
    return key


@dataclass
class StatusChange:
    year: int
    old_status: str
    new_status: str
    old_note: str
    new_note: str
    current: MeasureStatus | None  # None: no status row yet

    @property
    def old_label(self) -> str:
        return status_label(self.old_status)

    @property
    def new_label(self) -> str:
        return status_label(self.new_status)


@dataclass
class MatchedMeasure:
    doc: DocMeasure
    db: Measure | None
    statuses: list[StatusChange] = field(default_factory=list)
    subgoal: "MatchedSubGoal | None" = None  # where the document has it (None: under the goal)
    groups: list | None = None  # PriorityGroups the document names; None: it does not say

    @property
    def moved(self) -> bool:
        """The document has it under another sub-goal of its goal."""
        if self.db is None:
            return False
        target = self.subgoal.db if self.subgoal is not None else None
        return self.db.subgoal_id != (target.pk if target is not None else None)

    @property
    def text_changed(self) -> bool:
        return self.db is not None and normalise(self.db.text) != normalise(self.doc.text)

    @property
    def measurement_changed(self) -> bool:
        return self.db is not None and (
            normalise(self.db.measurement) != normalise(self.doc.measurement)
        )

    @property
    def responsible_changed(self) -> bool:
        """Only when the document names who is responsible (the real one does not)."""
        return (
            self.db is not None
            and self.doc.responsible is not None
            and normalise(self.db.responsible) != normalise(self.doc.responsible)
        )

    @property
    def groups_changed(self) -> bool:
        """Only when the document names the priority groups (an exported file does)."""
        return (
            self.db is not None
            and self.groups is not None
            and {g.pk for g in self.groups} != {g.pk for g in self.db.group_list}
        )


@dataclass
class MatchedSubGoal:
    doc: DocSubGoal
    db: SubGoal | None
    measures: list[MatchedMeasure] = field(default_factory=list)

    @property
    def text_changed(self) -> bool:
        return self.db is not None and normalise(self.db.text) != normalise(self.doc.text)


@dataclass
class MatchedGoal:
    doc: DocGoal
    db: Goal | None
    measures: list[MatchedMeasure] = field(default_factory=list)
    subgoals: list[MatchedSubGoal] = field(default_factory=list)

    @property
    def text_changed(self) -> bool:
        return self.db is not None and normalise(self.db.text) != normalise(self.doc.text)

    def all_measures(self):
        yield from self.measures
        for subgoal in self.subgoals:
            yield from subgoal.measures


@dataclass
class MatchedCommittee:
    doc: DocCommittee
    db: Committee | None
    goals: list[MatchedGoal] = field(default_factory=list)

    @property
    def people_changes(self) -> list[tuple[str, str, str]]:
        """(role label, old name, new name) where the document names someone else."""
        if self.db is None:
            return []
        changes = []
        for role, label, new in (
            ("leader", _("Leader"), self.doc.leader),
            ("deputy", _("Deputy"), self.doc.deputy),
        ):
            old = getattr(self.db, role)
            old_name = old.name if old else ""
            if new and normalise(new) != normalise(old_name):
                changes.append((label, old_name, new))
        return changes


@dataclass
class Line:
    """One line of the preview: an item added, changed (old → new) or missing."""

    kind: str  # committee, goal, subgoal, measure
    committee: str
    new: str = ""
    old: str = ""
    field: str = ""
    key: str = ""  # for missing items: "measure:12", the retire checkbox's value

    @property
    def kind_label(self) -> str:
        return {
            "committee": _("Committee"),
            "goal": _("Main goal"),
            "subgoal": _("Sub-goal"),
            "measure": _("Measure"),
        }[self.kind]


@dataclass
class StatusLine:
    committee: str
    measure: str
    change: StatusChange


@dataclass
class PlanChanges:
    """Everything the import would do, for the preview and for applying. Its lines (added,
    changed, statuses) are fixed when it is made."""

    plan: object
    doc: DocPlan
    committees: list[MatchedCommittee]
    missing: dict[str, object]  # "measure:12" -> the Goal, SubGoal or Measure not in the document
    missing_lines: list[Line]
    warnings: list[str]

    def _measures(self):
        for committee in self.committees:
            for goal in committee.goals:
                for measure in goal.all_measures():
                    yield committee, measure

    @cached_property
    def added(self) -> list[Line]:
        lines = []
        for c in self.committees:
            if c.db is None:
                lines.append(Line("committee", c.doc.name, new=c.doc.name))
            for g in c.goals:
                if g.db is None:
                    lines.append(Line("goal", c.doc.name, new=g.doc.text))
                for s in g.subgoals:
                    if s.db is None:
                        lines.append(Line("subgoal", c.doc.name, new=s.doc.text))
                lines += [
                    Line("measure", c.doc.name, new=m.doc.text)
                    for m in g.all_measures()
                    if m.db is None
                ]
        return lines

    @cached_property
    def changed(self) -> list[Line]:
        lines = []
        for c in self.committees:
            for label, old, new in c.people_changes:
                lines.append(Line("committee", c.doc.name, new=new, old=old, field=label))
            for g in c.goals:
                if g.text_changed:
                    lines.append(Line("goal", c.doc.name, new=g.doc.text, old=g.db.text))
                for s in g.subgoals:
                    if s.text_changed:
                        lines.append(Line("subgoal", c.doc.name, new=s.doc.text, old=s.db.text))
                for m in g.all_measures():
                    if m.text_changed:
                        lines.append(Line("measure", c.doc.name, new=m.doc.text, old=m.db.text))
                    if m.moved:
                        target = m.subgoal.doc.text if m.subgoal else g.doc.text
                        lines.append(
                            Line(
                                "measure",
                                c.doc.name,
                                new=target,
                                old=m.db.subgoal.text if m.db.subgoal_id else g.db.text,
                                field=_("Moved"),
                            )
                        )
                    if m.responsible_changed:
                        lines.append(
                            Line(
                                "measure",
                                c.doc.name,
                                new=m.doc.responsible,
                                old=m.db.responsible,
                                field=_field_label("responsible"),
                            )
                        )
                    if m.groups_changed:
                        lines.append(
                            Line(
                                "measure",
                                c.doc.name,
                                new=_names(m.groups),
                                old=_names(m.db.group_list),
                                field=_field_label("priority_groups"),
                            )
                        )
                    if m.measurement_changed:
                        lines.append(
                            Line(
                                "measure",
                                c.doc.name,
                                new=m.doc.measurement,
                                old=m.db.measurement,
                                field=_("How it is measured"),
                            )
                        )
        return lines

    @cached_property
    def statuses(self) -> list[StatusLine]:
        return [
            StatusLine(c.doc.name, m.doc.text, change)
            for c, m in self._measures()
            for change in m.statuses
        ]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.statuses)

    def digest(self) -> str:
        """A fingerprint of what would change, so applying can check that the plan has not
        changed since the preview was shown."""
        parts = [
            repr([(x.kind, x.committee, x.new, x.old, x.field) for x in self.added]),
            repr([(x.kind, x.committee, x.new, x.old, x.field) for x in self.changed]),
            repr(sorted(self.missing)),
            repr([(s.measure, vars(s.change) | {"current": None}) for s in self.statuses]),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "missing": len(self.missing),
            "statuses": len(self.statuses),
            "unknown_colours": len(self.doc.unknown_colours),
        }


def _field_label(name: str) -> str:
    label = str(Measure._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _names(groups) -> str:
    return ", ".join(sorted(g.name for g in groups))


# --- Matching -------------------------------------------------------------------------------


def match_by_text(doc_items, db_items, doc_text, db_text):
    """Pairs (doc item, db item or None) in document order, and the db items left over.

    The same normalised text matches first (the n-th copy with the n-th, so repeated texts
    never merge); then each left-over document item takes the most similar left-over db
    item, if alike enough (a revised text)."""
    free: dict[str, list] = {}
    for item in db_items:
        free.setdefault(normalise(db_text(item)), []).append(item)
    pairs = []
    for item in doc_items:
        same = free.get(normalise(doc_text(item)))
        pairs.append([item, same.pop(0) if same else None])
    left = [item for items in free.values() for item in items]
    unmatched = [pair for pair in pairs if pair[1] is None]
    if left and unmatched:
        scored = []
        for i, pair in enumerate(unmatched):
            a = normalise(doc_text(pair[0]))
            for j, item in enumerate(left):
                b = normalise(db_text(item))
                matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
                if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                    ratio = matcher.ratio()
                    if ratio >= SIMILAR:
                        scored.append((ratio, -i, -j, i, j))
        taken_doc, taken_db = set(), set()
        for _ratio, _, _, i, j in sorted(scored, reverse=True):
            if i in taken_doc or j in taken_db:
                continue
            taken_doc.add(i)
            taken_db.add(j)
            unmatched[i][1] = left[j]
        left = [item for j, item in enumerate(left) if j not in taken_db]
    return [tuple(pair) for pair in pairs], left


def _load_plan(plan):
    """The plan's active goals with sub-goals, measures and statuses: a fixed number of
    queries whatever the plan's size."""
    measures = Measure.objects.filter(retired=False).prefetch_related(
        Prefetch("statuses", to_attr="status_list"),
        Prefetch("priority_groups", to_attr="group_list"),
    )
    return list(
        Goal.objects.filter(plan=plan, retired=False)
        .select_related("committee__leader", "committee__deputy")
        .prefetch_related(
            Prefetch("subgoals", queryset=SubGoal.objects.filter(retired=False)),
            Prefetch("measures", queryset=measures),
        )
        .order_by("committee__order", "committee_id", "order", "pk")
    )


def _groups(doc: DocMeasure, groups_by_name, warnings) -> list:
    groups = []
    for name in doc.priority_groups:
        group = groups_by_name.get(normalise(name))
        if group is None:
            warnings.append(
                _("Unknown priority patient group %(name)s (row %(row)s) is left out.")
                % {"name": name, "row": doc.row}
            )
        elif group not in groups:
            groups.append(group)
    return groups


def _status_changes(doc: DocMeasure, db: Measure | None, years) -> list[StatusChange]:
    current = {s.year: s for s in (db.status_list if db is not None else [])}
    changes = []
    for year in years:
        cell = doc.years.get(year)
        if cell is None or cell.unknown_colour or (cell.status is None and not cell.note):
            continue  # an uncoloured empty cell says nothing; an odd colour is reported
        row = current.get(year)
        old_status, old_note = (row.status, row.note) if row else ("", "")
        new_status = cell.status or old_status  # a note alone keeps the status
        new_note = cell.note
        if (new_status, normalise(new_note)) != (old_status, normalise(old_note)):
            changes.append(StatusChange(year, old_status, new_status, old_note, new_note, row))
    return changes


def _refuse_years_outside(doc: DocPlan, plan) -> None:
    outside = [year for year in doc.years if year not in plan.years]
    if outside:
        from .docx_read import DocxImportError

        raise DocxImportError(
            _(
                "The document has year columns outside the plan's years (%(first)s–%(last)s): "
                "%(years)s. Import it into the right plan, or start a new plan from it."
            )
            % {
                "first": plan.years[0],
                "last": plan.years[-1],
                "years": ", ".join(map(str, outside)),
            },
            "years_outside",
        )


def plan_docx_changes(doc: DocPlan, plan) -> PlanChanges:
    """Match the document to the plan and list what importing it would change."""
    _refuse_years_outside(doc, plan)
    goals = _load_plan(plan)
    committees_in_db = list(Committee.objects.select_related("leader", "deputy"))
    by_key = {}
    for committee in committees_in_db:
        by_key.setdefault(committee_key(committee.name), committee)
        by_key.setdefault(committee_key(committee.short_name), committee)
    groups_by_name = {}
    for group in PriorityGroup.objects.all():
        groups_by_name[normalise(group.name)] = group
        groups_by_name[normalise(group.slug)] = group
    goals_by_committee: dict[int, list[Goal]] = {}
    for goal in goals:
        goals_by_committee.setdefault(goal.committee_id, []).append(goal)

    missing: dict[str, object] = {}
    missing_lines: list[Line] = []
    warnings: list[str] = list(doc.warnings)

    def miss(kind, committee_name, obj):
        key = f"{kind}:{obj.pk}"
        missing[key] = obj
        missing_lines.append(Line(kind, committee_name, old=obj.text, key=key))

    matched_committees = []
    seen_committees = set()
    for doc_committee in doc.committees:
        db_committee = by_key.get(committee_key(doc_committee.name))
        if db_committee is not None and db_committee.pk in seen_committees:
            db_committee = None
        if db_committee is not None:
            seen_committees.add(db_committee.pk)
        mc = MatchedCommittee(doc_committee, db_committee)
        matched_committees.append(mc)
        db_goals = goals_by_committee.get(db_committee.pk, []) if db_committee else []
        goal_pairs, left_goals = match_by_text(
            doc_committee.goals, db_goals, lambda g: g.text, lambda g: g.text
        )
        for goal in left_goals:
            miss("goal", doc_committee.name, goal)
        for doc_goal, db_goal in goal_pairs:
            mg = MatchedGoal(doc_goal, db_goal)
            mc.goals.append(mg)
            db_subgoals = list(db_goal.subgoals.all()) if db_goal else []
            db_measures = list(db_goal.measures.all()) if db_goal else []
            sub_pairs, left_subgoals = match_by_text(
                doc_goal.subgoals, db_subgoals, lambda s: s.text, lambda s: s.text
            )
            for subgoal in left_subgoals:
                miss("subgoal", doc_committee.name, subgoal)
            # (matched sub-goal or None for the goal itself, its document measures, its
            # measures in the portal)
            sections = [(None, doc_goal.measures, [m for m in db_measures if m.subgoal_id is None])]
            for doc_sub, db_sub in sub_pairs:
                ms = MatchedSubGoal(doc_sub, db_sub)
                mg.subgoals.append(ms)
                in_sub = [m for m in db_measures if db_sub and m.subgoal_id == db_sub.pk]
                sections.append((ms, doc_sub.measures, in_sub))
            goal_left: list[Measure] = []
            for ms, doc_measures, in_section in sections:
                measure_pairs, left_measures = match_by_text(
                    doc_measures, in_section, lambda m: m.text, lambda m: m.text
                )
                goal_left += left_measures
                for doc_measure, db_measure in measure_pairs:
                    (ms.measures if ms else mg.measures).append(
                        MatchedMeasure(doc_measure, db_measure, subgoal=ms)
                    )
            # Measures under sub-goals the document no longer has are left over too.
            left_ids = {s.pk for s in left_subgoals}
            goal_left += [m for m in db_measures if m.subgoal_id in left_ids]
            # A measure the document has under another sub-goal of the same goal has moved:
            # the same measure (its history and statuses kept), not a new one.
            unmatched = [mm for mm in mg.all_measures() if mm.db is None]
            moved, goal_left = match_by_text(
                [mm.doc for mm in unmatched], goal_left, lambda m: m.text, lambda m: m.text
            ) if unmatched and goal_left else ([], goal_left)  # fmt: skip
            for mm, (_doc, db_measure) in zip(unmatched, moved, strict=False):
                mm.db = db_measure
            for measure in goal_left:
                miss("measure", doc_committee.name, measure)
            for mm in mg.all_measures():
                if mm.doc.priority_groups is not None:
                    mm.groups = _groups(mm.doc, groups_by_name, warnings)
                mm.statuses = _status_changes(mm.doc, mm.db, doc.years)
                for change in mm.statuses:
                    if len(change.new_note) > NOTE_MAX_LENGTH:
                        warnings.append(_long_note(change.year, mm.doc.text))
    # Committees of the plan that the document does not have: their goals are missing.
    for committee_id, committee_goals in goals_by_committee.items():
        if committee_id not in seen_committees:
            for goal in committee_goals:
                miss("goal", goal.committee.name, goal)
    changes = PlanChanges(plan, doc, matched_committees, missing, missing_lines, warnings)
    locked = plan.locked_years
    for year in sorted({line.change.year for line in changes.statuses} & locked):
        warnings.append(
            _("%(year)s is locked (SSU has adopted it): its statuses here are corrections.")
            % {"year": year}
        )
    # The lines are read now: applying fills in what it creates, and the preview, the
    # digest and the command's summary must say what was to change.
    changes.added, changes.changed, changes.statuses  # noqa: B018
    return changes


def _long_note(year, measure_text) -> str:
    return _("The note in %(year)s is cut to %(max)s characters: %(measure)s") % {
        "year": year,
        "max": NOTE_MAX_LENGTH,
        "measure": measure_text[:80],
    }


def find_plan(reference: str | None):
    """A plan by its id, its period ("2023-2026") or its title as a slug; the current plan
    when no reference is given. None when nothing matches."""
    from .models import Plan

    if not reference:
        return Plan.objects.current()
    if reference.isdigit():
        return Plan.objects.filter(pk=int(reference)).first()
    for plan in Plan.objects.all():
        if reference in (f"{plan.start_year}-{plan.end_year}", slugify(plan.title)):
            return plan
    return None
