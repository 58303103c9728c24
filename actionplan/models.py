"""The joint action plan: committees, their goals, sub-goals and measures, and yearly statuses."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, FilteredRelation, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helsefellesskap.render_jobs import IN_FLIGHT, RenderJob, RenderJobQuerySet
from helsefellesskap.row_urls import reverse_numbers

from .versioning import (
    VersionConflict,
    Versioned,
    field_changes,
)

#: Longest comment an editor may give with a yearly status.
NOTE_MAX_LENGTH = 500
#: Longest reason for a correction; simple_history's change-reason column holds 100 characters.
REASON_MAX_LENGTH = 100
#: Change reason of a restore: the prefix and the restored historical record's id.
RESTORE_REASON_PREFIX = "restore:"


class Status(models.TextChoices):
    """The plan's colour code. The labels are the document's own words."""

    NOT_DONE = "not_done", _("Not carried out")
    IN_PROGRESS = "in_progress", _("Being planned / in progress")
    DONE = "done", _("Carried out")


# A measure with no status for a year is "not reported"; it is counted and shown, never hidden.
NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = _("Not reported")


def status_label(code: str | None) -> str:
    """The text for a status code, "Not reported" for an empty or unknown one."""
    try:
        return str(Status(code).label)
    except ValueError:
        return str(NOT_REPORTED_LABEL)


@dataclass(frozen=True)
class StatusCounts:
    """How many measures have each status in one year ("not reported" when none is set)."""

    done: int = 0
    in_progress: int = 0
    not_done: int = 0
    not_reported: int = 0

    # The order bars, texts and tables show the statuses in: progress first.
    ORDER = (Status.DONE.value, Status.IN_PROGRESS.value, Status.NOT_DONE.value, NOT_REPORTED)

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.not_done + self.not_reported

    def items(self) -> list[tuple[str, str, int]]:
        """(code, label, count) for every status including "not reported", in display order."""
        return [(code, status_label(code), getattr(self, code)) for code in self.ORDER]

    def __add__(self, other: "StatusCounts") -> "StatusCounts":
        return StatusCounts(*(getattr(self, c) + getattr(other, c) for c in self.ORDER))

    @classmethod
    def from_totals(cls, total: int, *, done: int, in_progress: int, not_done: int):
        """Counts where every measure without one of the three statuses is "not reported"."""
        reported = done + in_progress + not_done
        return cls(done, in_progress, not_done, max(total - reported, 0))

    @classmethod
    def by_year_of(cls, measures, years) -> dict[int, "StatusCounts"]:
        """StatusCounts for each of `years` over measures already loaded with their statuses
        (prefetched): what MeasureQuerySet.status_counts_by_year counts, without a query."""
        measures = list(measures)
        counted = {year: dict.fromkeys(Status.values, 0) for year in years}
        for measure in measures:
            for status in measure.statuses.all():
                if status.year in counted and status.status in Status.values:
                    counted[status.year][status.status] += 1
        return {year: cls.from_totals(len(measures), **counted[year]) for year in years}


class PriorityGroup(models.Model):
    """One of the four national priority patient groups."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("priority patient group")
        verbose_name_plural = _("priority patient groups")

    def __str__(self):
        return self.name


class Person(models.Model):
    """A contact person; not necessarily a user of the portal."""

    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title or role"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    # The language e-mails to this person are written in (the portal's default: nynorsk).
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name


class PlanQuerySet(models.QuerySet):
    def current(self):
        """The plan the public pages show by default: the newest one not ended."""
        return self.filter(ended=False).order_by("-start_year", "-pk").first() or (
            self.order_by("-start_year", "-pk").first()
        )

    def with_open_revision_year(self):
        """Each plan with `open_revision_year` (its newest unlocked revision year, or None), so
        default_year() needs no query of its own on pages that show the current year."""
        open_years = RevisionYear.objects.filter(
            plan=models.OuterRef("pk"), locked_at__isnull=True
        ).order_by("-year")
        return self.annotate(open_revision_year=models.Subquery(open_years.values("year")[:1]))


class Plan(models.Model):
    """A joint action plan for a period, e.g. "Felles handlingsplan 2023–2026"."""

    title = models.CharField(_("title"), max_length=300)
    motto = models.CharField(_("motto"), max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year of the period"))
    end_year = models.PositiveSmallIntegerField(_("last year of the period"))
    first_status_year = models.PositiveSmallIntegerField(
        _("first status year"),
        help_text=_("The first year column of the plan table (may precede the period)."),
    )
    adopted_on = models.DateField(_("adopted"), null=True, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    mandate = models.TextField(_("mandate"), blank=True)
    ended = models.BooleanField(_("ended"), default=False)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("previous plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return self.title

    @property
    def years(self) -> list[int]:
        """The year columns of the plan table, oldest first."""
        return list(range(min(self.first_status_year, self.start_year), self.end_year + 1))

    def default_year(self, today=None, *, revisions=None) -> int:
        """The year editors report on unless they choose another: the open revision year,
        otherwise this calendar year clamped to the plan's years. `revisions`: the plan's
        revision years when the caller has read them already (saves a query)."""
        if revisions is None and "open_revision_year" in self.__dict__:
            open_year = self.open_revision_year  # read with the plan (with_open_revision_year)
        elif revisions is None:
            open_year = max(
                (year for year, locked in self.revision_states if not locked), default=None
            )
        else:
            open_year = max((r.year for r in revisions if r.locked_at is None), default=None)
        if open_year is not None:
            return open_year
        year = (today or timezone.localdate()).year
        return max(self.years[0], min(year, self.years[-1]))

    @cached_property
    def revision_states(self) -> list[tuple[int, bool]]:
        """(year, locked) of every revision year, read in one query once per plan object: the
        open year and the locked years a page needs both come from it."""
        return [
            (year, locked_at is not None)
            for year, locked_at in self.revision_years.values_list("year", "locked_at")
        ]

    def forget_revision_states(self) -> None:
        """After opening or locking a revision year: read the states again when next asked."""
        self.__dict__.pop("revision_states", None)
        self.__dict__.pop("locked_years", None)

    @cached_property
    def locked_years(self) -> set[int]:
        """Years whose revision is locked, read once per plan object (for pages with many cells)."""
        return {year for year, locked in self.revision_states if locked}

    def is_year_locked(self, year: int) -> bool:
        """Has SSU adopted this year's revision (so its statuses are read-only for editors)?"""
        return self.revision_years.filter(year=year, locked_at__isnull=False).exists()

    def require_year(self, year) -> None:
        """Raise ValidationError (on "year") unless the year is one of this plan's years."""
        if year not in self.years:
            raise ValidationError({"year": self.year_error()})

    def year_error(self) -> str:
        """What a person is told who gives a year outside this plan."""
        return _("The year must be one of the plan's years (%(first)s–%(last)s).") % {
            "first": self.years[0],
            "last": self.years[-1],
        }

    def open_revision(self, year: int, *, by, deadline=None) -> "RevisionYear":
        """Open the annual revision for a year of this plan."""
        self.require_year(year)
        if self.revision_years.filter(year=year).exists():
            raise ValidationError({"year": _("A revision for this year is already open.")})
        revision = self.revision_years.create(year=year, deadline=deadline, opened_by=by)
        self.forget_revision_states()
        return revision


class CommitteeQuerySet(models.QuerySet):
    def in_plan(self, plan):
        """Committees with at least one goal in the plan, leader, deputy and secretary joined."""
        return self.marked_in_plan(plan).filter(in_plan=True)

    def marked_in_plan(self, plan):
        """Every committee, `in_plan` telling whether it has a goal in the plan; leader, deputy
        and secretary joined (for pages that show all committees and those of the plan)."""
        return self.annotate(
            in_plan=models.Exists(Goal.objects.filter(committee=models.OuterRef("pk"), plan=plan))
        ).select_related("leader", "deputy", "secretary")


class Committee(models.Model):
    """A professional collaboration committee (fagleg samarbeidsutval, FSU)."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100)
    slug = models.SlugField(unique=True)
    mandate = models.TextField(_("mandate"), blank=True)
    leader = models.ForeignKey(
        Person,
        verbose_name=_("leader"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    leader_title = models.CharField(
        _("leader's title"),
        max_length=100,
        blank=True,
        help_text=_("As the plan writes it, e.g. «Fungerande leiar og sekretær»."),
    )
    deputy = models.ForeignKey(
        Person,
        verbose_name=_("deputy"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputises",
    )
    secretary = models.ForeignKey(
        Person,
        verbose_name=_("secretary"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretary_of",
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appointed editors"),
        blank=True,
        related_name="edited_committees",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CommitteeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["order"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("actionplan:committee", args=[self.slug])


class GoalQuerySet(models.QuerySet):
    def active(self):
        """Goals still in the plan (not retired)."""
        return self.filter(retired=False)

    def with_measures(self):
        """Prefetch active sub-goals and active measures with their statuses and groups:
        the whole goal tree in a fixed number of queries (see Goal.sections)."""
        measures = (
            Measure.objects.active()
            .prefetch_related("statuses", "priority_groups")
            .order_by("subgoal__order", "subgoal_id", "order", "pk")
        )
        return self.prefetch_related(
            Prefetch("subgoals", queryset=SubGoal.objects.filter(retired=False)),
            Prefetch("measures", queryset=measures),
        )


class Goal(Versioned, models.Model):
    """A committee's main goal (hovudmål) in a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="goals")
    text = models.TextField(_("main goal"))
    order = models.PositiveIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = GoalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["plan", "committee", "order"])]
        verbose_name = _("main goal")
        verbose_name_plural = _("main goals")

    def __str__(self):
        return self.text[:80]

    def siblings(self):
        """The committee's goals in the same plan."""
        return Goal.objects.filter(plan_id=self.plan_id, committee_id=self.committee_id)

    def sections(self) -> list[tuple["SubGoal | None", list["Measure"]]]:
        """The goal as the document shows it: measures directly under the goal (sub-goal None)
        first, then each sub-goal with its measures. Uses GoalQuerySet.with_measures()."""
        by_subgoal: dict[int | None, list[Measure]] = {}
        for measure in self.measures.all():
            by_subgoal.setdefault(measure.subgoal_id, []).append(measure)
        sections = [(None, by_subgoal[None])] if None in by_subgoal else []
        sections += [(sub, by_subgoal.get(sub.pk, [])) for sub in self.subgoals.all()]
        return sections


class SubGoal(Versioned, models.Model):
    """A sub-goal (delmål) under a main goal."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="subgoals")
    text = models.TextField(_("sub-goal"))
    order = models.PositiveIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["goal", "order"])]
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")

    def __str__(self):
        return self.text[:80]

    @property
    def committee(self):
        return self.goal.committee

    def siblings(self):
        """The other sub-goals of the same main goal."""
        return SubGoal.objects.filter(goal_id=self.goal_id)


def plan_order(descending: bool = False) -> list:
    """Order expressions for measures in the document's order (committee, goal, sub-goal,
    measure). Measures directly under a goal come before its sub-goals on every database."""
    fields = ["goal__committee__order", "goal__order", "goal_id", "subgoal__order", "order", "pk"]
    if descending:
        return [F(field).desc(nulls_last=True) for field in fields]
    return [F(field).asc(nulls_first=True) for field in fields]


class MeasureQuerySet(models.QuerySet):
    def active(self):
        """Measures in the current plan (not retired, nor under a retired goal or sub-goal)."""
        return self.filter(retired=False, goal__retired=False).exclude(subgoal__retired=True)

    def in_plan(self, plan):
        """Measures of one plan."""
        return self.filter(goal__plan=plan)

    def with_chain(self):
        """Join what every list shows beside a measure: goal, sub-goal, committee, statuses."""
        return self.select_related("goal__committee", "subgoal").prefetch_related(
            "statuses", "priority_groups"
        )

    def in_plan_order(self, descending: bool = False):
        """The document's order: committee, goal, sub-goal, measure."""
        return self.order_by(*plan_order(descending))

    def for_plan_table(self, plan):
        """The plan table's rows: the plan's active measures with their chain, in plan order."""
        return self.active().in_plan(plan).with_chain().in_plan_order()

    def with_lists(self):
        """The chain's statuses and priority groups prefetched as plain lists rather than
        one queryset per measure, which cost a 50-row page about 2 ms (issue 9). Read them
        with Measure.status_for(), statuses_by_year() and listed_priority_groups()."""
        return self.prefetch_related(None).prefetch_related(
            Prefetch("statuses", to_attr="status_list"),
            Prefetch("priority_groups", to_attr="priority_group_list"),
        )

    # --- Status counts. Each is ONE query over the measures of this queryset (call them on
    # e.g. Measure.objects.active().in_plan(plan).filter(...)); measures with no status for
    # the year count as "not reported". Used by the overview, committee pages, the revision
    # board and the annual report.

    def status_counts_by(self, key: str | tuple[str, ...], year: int) -> dict:
        """StatusCounts for one year per value of `key` (a values() lookup, or a tuple of them:
        then the dict is keyed by tuples of values), in one query."""
        keys = (key,) if isinstance(key, str) else tuple(key)
        rows = (
            self.annotate(
                year_status=FilteredRelation("statuses", condition=Q(statuses__year=year))
            )
            .order_by()
            .values(*keys)
            .annotate(
                total=Count("pk", distinct=True),
                **{
                    code: Count("pk", distinct=True, filter=Q(year_status__status=code))
                    for code in Status.values
                },
            )
        )
        return {
            (row[key] if isinstance(key, str) else tuple(row[k] for k in keys)): (
                StatusCounts.from_totals(
                    row["total"], **{code: row[code] for code in Status.values}
                )
            )
            for row in rows
        }

    def without_status(self, year: int):
        """Measures with no status for the year (no row, or a row holding only a note)."""
        reported = MeasureStatus.objects.filter(measure=models.OuterRef("pk"), year=year).exclude(
            status=""
        )
        return self.filter(~models.Exists(reported))

    def status_counts_by_committee(self, plan, year: int) -> dict[int, StatusCounts]:
        """StatusCounts for one year per committee id of the plan, in one query."""
        return self.in_plan(plan).status_counts_by("goal__committee", year)

    def status_counts(self, year: int) -> StatusCounts:
        """StatusCounts for one year over all measures of this queryset, in one query."""
        return self.status_counts_by_year([year])[year]

    def status_counts_by_year(self, years) -> dict[int, StatusCounts]:
        """StatusCounts for each of `years` over all measures of this queryset, in one query."""
        aggregates = {"total": Count("pk", distinct=True)}
        for year in years:
            for code in Status.values:
                aggregates[f"{code}_{year}"] = Count(
                    "pk", distinct=True, filter=Q(statuses__year=year, statuses__status=code)
                )
        row = self.order_by().aggregate(**aggregates)
        return {
            year: StatusCounts.from_totals(
                row["total"], **{code: row[f"{code}_{year}"] for code in Status.values}
            )
            for year in years
        }


class Measure(Versioned, models.Model):
    """A measure (tiltak): a concrete action with someone responsible."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="measures")
    subgoal = models.ForeignKey(
        SubGoal,
        verbose_name=_("sub-goal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    text = models.TextField(_("measure"))
    responsible = models.TextField(_("responsible"), blank=True)
    measurement = models.TextField(_("how it is measured"), blank=True)
    priority_groups = models.ManyToManyField(
        PriorityGroup,
        verbose_name=_("priority patient groups"),
        blank=True,
        related_name="measures",
    )
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    retired = models.BooleanField(_("retired"), default=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[priority_groups])

    EDITABLE_FIELDS = ("text", "subgoal", "responsible", "measurement", "notes")

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["goal", "order"])]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        # Named once per row of the plan table and committee page.
        return reverse_numbers("actionplan:measure", self.pk)

    @property
    def committee(self):
        return self.goal.committee

    @property
    def is_active(self) -> bool:
        """Whether the measure is still in the plan: it, its goal and sub-goal are not retired."""
        return not (self.retired or self.goal.retired or (self.subgoal_id and self.subgoal.retired))

    def lineage(self) -> list["Measure"]:
        """The measures this one was carried over from, newest plan first (one query per plan
        period: a chain is as long as the number of earlier plans)."""
        chain, current = [], self
        while current.predecessor_id and len(chain) < 50:  # 50: a guard against a bad cycle
            current = (
                Measure.objects.select_related("goal__committee", "goal__plan")
                .prefetch_related("statuses")
                .get(pk=current.predecessor_id)
            )
            chain.append(current)
        return chain

    def latest_status(self) -> "MeasureStatus | None":
        """The status of the latest year that has one (uses prefetched statuses)."""
        reported = [s for s in self.statuses.all() if s.status]
        return max(reported, key=lambda s: s.year) if reported else None

    def _prefetched(self, listed: str, relation: str):
        # The list MeasureQuerySet.with_lists() set, else the (usually prefetched) relation.
        items = getattr(self, listed, None)
        return getattr(self, relation).all() if items is None else items

    def listed_priority_groups(self):
        """The priority groups (uses prefetched ones, as a list or a queryset)."""
        return self._prefetched("priority_group_list", "priority_groups")

    def statuses_by_year(self, years) -> list[tuple[int, "MeasureStatus | None"]]:
        """(year, MeasureStatus or None) for each of `years`, from the prefetched statuses."""
        by_year = {status.year: status for status in self._prefetched("status_list", "statuses")}
        return [(year, by_year.get(year)) for year in years]

    def status_for(self, year: int):
        """This measure's MeasureStatus for a year, or None (uses prefetched statuses)."""
        for status in self._prefetched("status_list", "statuses"):
            if status.year == year:
                return status
        return None

    def siblings(self):
        """The measures under the same goal and sub-goal."""
        return Measure.objects.filter(goal_id=self.goal_id, subgoal_id=self.subgoal_id)


class MeasureStatus(models.Model):
    """A measure's colour-coded status for one year, with an optional note.

    A row may hold only a note (status left empty) where the plan wrote a note in a year cell
    but no status is known.
    """

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="statuses")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year"], name="one_status_per_measure_year")
        ]
        indexes = [models.Index(fields=["year", "status"])]
        verbose_name = _("measure status")
        verbose_name_plural = _("measure statuses")

    def __str__(self):
        return f"{self.measure_id} {self.year}: {self.get_status_display() or '–'}"

    @classmethod
    def conflict_for(cls, measure, year, mine) -> VersionConflict:
        """The conflict to report when ``mine`` was made on a stale (or forged) version."""
        current = (
            cls.objects.select_related("updated_by__person")
            .filter(measure=measure, year=year)
            .first()
        )
        if current is None:
            # A version was claimed for a status nobody has set: compare with "not set".
            return VersionConflict(None, field_changes(cls(), mine, ["status", "note"]))
        return VersionConflict(
            current,
            field_changes(current, mine, ["status", "note"]),
            changed_by=current.updated_by,
            changed_at=current.updated_at,
        )


class RevisionYear(models.Model):
    """A year of the annual revision: opened by the secretariat, locked once SSU has adopted it."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="revision_years")
    year = models.PositiveSmallIntegerField(_("year"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Opening, locking and unlocking (with its reason) are kept: the board shows the year's story.
    history = HistoricalRecords(excluded_fields=["opened_at"])

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="one_revision_per_plan_year")
        ]
        verbose_name = _("revision year")
        verbose_name_plural = _("revision years")

    def __str__(self):
        return f"{self.plan} – {self.year}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def lock(self, *, by) -> None:
        """SSU has adopted the revision: its statuses become read-only for editors."""
        if self.locked_at is None:
            self.locked_at = timezone.now()
            self.locked_by = by
            self._history_user = by
            self.save(update_fields=["locked_at", "locked_by"])
            if "plan" in self._state.fields_cache:
                self.plan.forget_revision_states()

    def unlock(self, *, by, reason: str) -> None:
        """Open a locked year again (the secretariat, for a correction SSU asked for).

        The reason is required and kept in the year's history."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Give a reason for unlocking the year.")})
        if self.locked_at is None:
            return
        self.locked_at = None
        self.locked_by = None
        self._history_user = by
        self._change_reason = reason
        self.save(update_fields=["locked_at", "locked_by"])

    def set_deadline(self, deadline, *, by) -> None:
        """The date editors are reminded before (None: no reminders)."""
        self.deadline = deadline
        self._history_user = by
        self.save(update_fields=["deadline"])

    def unreported_measures(self):
        """The plan's current measures with no status for this year."""
        reported = MeasureStatus.objects.filter(year=self.year).exclude(status="")
        return (
            Measure.objects.active()
            .in_plan(self.plan)
            .exclude(pk__in=reported.values("measure_id"))
        )

    def events(self) -> list[dict]:
        """Opened, locked and unlocked, oldest first: kind, when, who and reason."""
        events = [{"kind": "opened", "when": self.opened_at, "who": self.opened_by, "reason": ""}]
        was_locked = False
        for record in self.history.select_related("history_user").order_by("history_date"):
            locked = record.locked_at is not None
            if locked != was_locked:
                events.append(
                    {
                        "kind": "locked" if locked else "unlocked",
                        "when": record.history_date,
                        "who": record.history_user,
                        "reason": record.history_change_reason or "",
                    }
                )
            was_locked = locked
        return events

    @classmethod
    def open_for(cls, plan) -> "RevisionYear | None":
        """The plan's open (not locked) revision year, the newest if several are open."""
        return cls.objects.filter(plan=plan, locked_at__isnull=True).order_by("-year").first()


class ReportQuerySet(RenderJobQuerySet):
    def for_scope(self, *, plan, year, committee=None):
        """Reports of one scope: a plan and year, and one committee or the whole plan."""
        return self.filter(plan=plan, year=year, committee=committee)

    def for_archive(self):
        """Join what the archive list shows beside each report."""
        return self.select_related("plan", "committee", "requested_by")


class Report(RenderJob):
    """The annual revision report for SSU, rendered to PDF by a worker and kept in the archive.

    Without a committee it covers the whole plan.
    """

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="reports"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text=_("Leave empty for the whole plan."),
    )
    year = models.PositiveSmallIntegerField(_("revision year"))

    objects = ReportQuerySet.as_manager()
    task_name = "actionplan.tasks.render_report"
    renderer = "actionplan.annual_report"

    class Meta(RenderJob.Meta):
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        constraints = [
            # The double-request guard, enforced by the database: one report of a scope in
            # flight at a time. Coalesce makes "whole plan" (no committee) one scope too.
            models.UniqueConstraint(
                models.F("plan"),
                models.F("year"),
                Coalesce(models.F("committee"), models.Value(0)),
                condition=Q(state__in=IN_FLIGHT),
                name="one_report_in_flight_per_scope",
            )
        ]

    def __str__(self):
        return f"{self.scope_label} {self.year}"

    def get_absolute_url(self):
        return reverse("actionplan:report", args=[self.pk])

    @property
    def scope_label(self) -> str:
        return self.committee.name if self.committee_id else str(_("Whole plan"))

    def filename(self) -> str:
        scope = self.committee.slug if self.committee_id else "heile-planen"
        return f"arsrapport-{self.year}-{scope}.pdf"

    def same_document(self):
        return Report.objects.for_scope(plan=self.plan, year=self.year, committee=self.committee)


class ReminderKind(models.TextChoices):
    FIRST = "first", _("First reminder")
    LAST = "last", _("Last reminder")


class SentReminderQuerySet(models.QuerySet):
    def for_user_page(self, user):
        """The reminders a user was sent, newest first, with their revision year and committee."""
        return (
            self.filter(user=user)
            .select_related("revision_year__plan", "committee")
            .order_by("-sent_on", "-pk")
        )


class SentReminder(models.Model):
    """A revision reminder e-mailed to one editor of one committee (each kind at most once)."""

    revision_year = models.ForeignKey(
        RevisionYear,
        verbose_name=_("revision year"),
        on_delete=models.PROTECT,
        related_name="sent_reminders",
    )
    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="revision_reminders",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    email = models.EmailField(_("sent to"))
    measures_count = models.PositiveIntegerField(_("measures without a status"))

    objects = SentReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        constraints = [
            # A re-run of the beat task (or a second worker) cannot send a reminder twice.
            models.UniqueConstraint(
                fields=["revision_year", "committee", "user", "kind"],
                name="one_reminder_of_a_kind_per_editor",
            )
        ]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")

    def __str__(self):
        return f"{self.revision_year} {self.committee_id} {self.user_id} {self.kind}"
