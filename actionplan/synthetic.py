"""A synthetic plan N times the size of the real one, for benchmarks. Deterministic per seed.

The real plan 2023–2026 has 12 committees, 46 main goals, 72 sub-goals and 151 measures; a plan
of scale N has N times as many of each, with text lengths drawn around the real plan's, a status
for every plan year, and history records as a plan followed in the portal would have them: the
plan entered before its first status year, each year's statuses reported in that year's autumn,
and every past year's revision locked in December. So the annual report for a year lists that
year's status changes, as a real one does, not every status ever set.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actionplan.caching import bump_plan_content_version

from .models import (
    Committee,
    Goal,
    Measure,
    MeasureStatus,
    Person,
    Plan,
    PriorityGroup,
    RevisionYear,
    Status,
    SubGoal,
)

# Per committee in the real plan, on average.
REAL_COMMITTEES = 12
GOALS_PER_COMMITTEE = (3, 5)  # 46 / 12 ≈ 3.8
SUBGOALS_PER_GOAL = (0, 3)  # 72 / 46 ≈ 1.6; some goals have none
MEASURES_PER_PARENT = (1, 1, 2, 2, 3)  # drawn from; 151 measures in all (≈ 12.6 a committee)

WORDS = (  # noqa: SIM905 - a sentence is easier to read than a list of 45 strings
    "samhandling pasientforløp kommunane helseføretaket kompetanse rutinar digital "
    "oppfølging heimetenester legevakt rehabilitering psykisk helse rus barn unge eldre "
    "koordinator individuell plan utskrivingsklare pasientar fastlegar praksiskonsulent "
    "læring meistring dialogmøte samarbeidsavtale beredskap velferdsteknologi tenestetilbod "
    "kvalitet pårørande brukarmedverknad ambulante team kartlegging evaluering felles "
    "opplæring prosedyrar informasjon overgangar habilitering spesialisthelsetenesta"
).split()
ORGANISATIONS = ["HMR", "Kommunane", "LSU Molde", "LSU Ålesund", "LSU Volda", "PKO", "FSU"]


@dataclass(frozen=True)
class SyntheticPlanSize:
    committees: int
    goals: int
    subgoals: int
    measures: int


def _on(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=timezone.get_current_timezone())


def _text(rng: random.Random, low: int, high: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return (" ".join(words)).capitalize() + "."


@transaction.atomic
def make_synthetic_plan(*, scale: int, seed: int) -> Plan:
    """Create a synthetic plan of the given scale; the same seed gives the same plan."""
    rng = random.Random(seed)
    plan = Plan.objects.create(
        title=f"Syntetisk handlingsplan (skala {scale}, frø {seed})",
        motto="Heilskaplege og koordinerte tenester",
        start_year=2023,
        end_year=2026,
        first_status_year=2022,
        ended=True,  # never the portal's "current" plan
    )
    groups = list(PriorityGroup.objects.all())
    entered = _on(plan.first_status_year, 1, 15)  # the plan's items, entered before any status
    tag = f"s{scale}-{seed}-{plan.pk}"
    people = Person.objects.bulk_create(
        Person(name=f"Person {tag}-{i}", organisation=rng.choice(ORGANISATIONS))
        for i in range(REAL_COMMITTEES * scale * 2)
    )
    committees = bulk_create_with_history(
        [
            Committee(
                name=f"Fagrådet for {_text(rng, 1, 3)[:-1].lower()} {i + 1}",
                short_name=f"FSU {i + 1}",
                slug=f"syntetisk-{tag}-{i + 1}",
                leader=people[2 * i],
                deputy=people[2 * i + 1],
                order=1000 + i,
            )
            for i in range(REAL_COMMITTEES * scale)
        ],
        Committee,
        default_date=entered,
    )
    goals = bulk_create_with_history(
        [
            Goal(plan=plan, committee=committee, text=_text(rng, 8, 25), order=g)
            for committee in committees
            for g in range(rng.randint(*GOALS_PER_COMMITTEE))
        ],
        Goal,
        default_date=entered,
    )
    subgoals = bulk_create_with_history(
        [
            SubGoal(goal=goal, text=_text(rng, 8, 30), order=s)
            for goal in goals
            for s in range(rng.randint(*SUBGOALS_PER_GOAL))
        ],
        SubGoal,
        default_date=entered,
    )
    by_goal: dict[int, list[SubGoal]] = {}
    for subgoal in subgoals:
        by_goal.setdefault(subgoal.goal_id, []).append(subgoal)
    measures = []
    for goal in goals:
        for parent in by_goal.get(goal.pk) or [None]:
            for m in range(rng.choice(MEASURES_PER_PARENT)):
                measures.append(
                    Measure(
                        goal=goal,
                        subgoal=parent,
                        text=_text(rng, 10, 45),
                        responsible=", ".join(rng.sample(ORGANISATIONS, rng.randint(1, 3))),
                        measurement=_text(rng, 4, 18),
                        order=m,
                    )
                )
    measures = bulk_create_with_history(measures, Measure, default_date=entered)
    links = Measure.priority_groups.through
    links.objects.bulk_create(
        links(measure_id=measure.pk, prioritygroup_id=group.pk)
        for measure in measures
        for group in groups
        if rng.random() < 0.3
    )
    statuses = list(Status.values)
    rows = [
        MeasureStatus(
            measure=measure,
            year=year,
            status=rng.choice(statuses),
            note=_text(rng, 3, 12) if rng.random() < 0.15 else "",
        )
        for measure in measures
        for year in plan.years
    ]
    now = timezone.now()
    for year in plan.years:
        reported = min(_on(year, 10, 15), now)
        bulk_create_with_history(
            [row for row in rows if row.year == year],
            MeasureStatus,
            batch_size=2000,
            default_date=reported,
        )
        if year < now.year:
            RevisionYear.objects.create(plan=plan, year=year, locked_at=_on(year, 12, 1))
    # bulk_create sends no post_save: cached pages must learn of the new content here.
    bump_plan_content_version()
    return plan


def synthetic_plan_size(plan: Plan) -> SyntheticPlanSize:
    """How big a plan is, in the units the real plan is counted in."""
    return SyntheticPlanSize(
        committees=Committee.objects.filter(goals__plan=plan).distinct().count(),
        goals=Goal.objects.filter(plan=plan).count(),
        subgoals=SubGoal.objects.filter(goal__plan=plan).count(),
        measures=Measure.objects.in_plan(plan).count(),
    )
