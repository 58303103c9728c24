"""The joint action plan: committees, their goals, sub-goals and measures, and yearly statuses."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, F, FilteredRelation, Prefetch, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from helsefellesskap.render_jobs import IN_FLIGHT, RenderedFile, RenderJob, RenderJobQuerySet


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

    def default_year(self, today=None) -> int:
        """The year editors report on unless they choose another: the open revision year,
        otherwise this calendar year clamped to the plan's years."""
        from django.utils import timezone

        revision = self.revision_years.filter(locked_at__isnull=True).order_by("-year").first()
        if revision:
            return revision.year
        year = (today or timezone.localdate()).year
        return max(self.years[0], min(year, self.years[-1]))


class CommitteeQuerySet(models.QuerySet):
    def in_plan(self, plan):
        """Committees with at least one goal in the plan, leader, deputy and secretary joined."""
        return self.filter(
            models.Exists(Goal.objects.filter(committee=models.OuterRef("pk"), plan=plan))
        ).select_related("leader", "deputy", "secretary")

    def editable_by(self, user):
        """Committees whose plan content this (non-secretariat) user may edit."""
        return self.filter(Q(leader__user=user) | Q(deputy__user=user) | Q(editors=user)).distinct()


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


class Goal(models.Model):
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

    def sections(self) -> list[tuple["SubGoal | None", list["Measure"]]]:
        """The goal as the document shows it: measures directly under the goal (sub-goal None)
        first, then each sub-goal with its measures. Uses GoalQuerySet.with_measures()."""
        by_subgoal: dict[int | None, list[Measure]] = {}
        for measure in self.measures.all():
            by_subgoal.setdefault(measure.subgoal_id, []).append(measure)
        sections = [(None, by_subgoal[None])] if None in by_subgoal else []
        sections += [(sub, by_subgoal.get(sub.pk, [])) for sub in self.subgoals.all()]
        return sections


class SubGoal(models.Model):
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

    # --- Status counts. Each is ONE query over the measures of this queryset (call them on
    # e.g. Measure.objects.active().in_plan(plan).filter(...)); measures with no status for
    # the year count as "not reported". Used by the overview, committee pages, the revision
    # board and the annual report.

    def status_counts_by(self, key: str, year: int) -> dict:
        """StatusCounts for one year per value of `key` (a values() lookup), in one query."""
        rows = (
            self.annotate(
                year_status=FilteredRelation("statuses", condition=Q(statuses__year=year))
            )
            .order_by()
            .values(key)
            .annotate(
                total=Count("pk", distinct=True),
                **{
                    code: Count("pk", distinct=True, filter=Q(year_status__status=code))
                    for code in Status.values
                },
            )
        )
        return {
            row[key]: StatusCounts.from_totals(
                row["total"], **{code: row[code] for code in Status.values}
            )
            for row in rows
        }

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


class Measure(models.Model):
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

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["goal", "order"])]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("actionplan:measure", args=[self.pk])

    @property
    def committee(self):
        return self.goal.committee

    @property
    def is_active(self) -> bool:
        """Whether the measure is still in the plan: it, its goal and sub-goal are not retired."""
        return not (self.retired or self.goal.retired or (self.subgoal_id and self.subgoal.retired))

    def statuses_by_year(self, years) -> list[tuple[int, "MeasureStatus | None"]]:
        """(year, MeasureStatus or None) for each of `years`, from the prefetched statuses."""
        by_year = {status.year: status for status in self.statuses.all()}
        return [(year, by_year.get(year)) for year in years]

    def status_for(self, year: int):
        """This measure's MeasureStatus for a year, or None (uses prefetched statuses)."""
        for status in self.statuses.all():
            if status.year == year:
                return status
        return None


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


class ReportQuerySet(RenderJobQuerySet):
    def for_scope(self, *, plan, year, committee=None):
        """Reports of one scope: a plan and year, and one committee or the whole plan."""
        return self.filter(plan=plan, year=year, committee=committee)

    def visible_to(self, user):
        """Reports this user may see: the secretariat all, editors their committees' ones."""
        from helsefellesskap.roles import editable_committee_ids, is_secretariat

        if is_secretariat(user):
            return self
        return self.filter(committee__in=editable_committee_ids(user))

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

    def render(self) -> RenderedFile:
        from .report import render_report_pdf

        return render_report_pdf(plan=self.plan, year=self.year, committee=self.committee)


class ContentVersion(models.Model):
    """A token that changes whenever content shown on cached pages changes (see caching.py).

    Kept in the database, not the cache, so every server process sees a change at once
    whatever the cache backend is."""

    name = models.CharField(max_length=50, unique=True)
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return f"{self.name}: {self.token}"
