"""What the action plan gives the site search: the current plan's measures and goals."""

from django.contrib.postgres.search import SearchRank, SearchVector
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from helsefellesskap import site_search

from .models import Goal, Measure, Plan, SubGoal

TITLE_WORDS = 24


def _matching(queryset, query, fields):
    if site_search.uses_full_text_search():
        vector = SearchVector(*fields, config=site_search.SEARCH_CONFIG)
        search = query.search_query()
        return (
            queryset.annotate(document=vector)
            .filter(document=search)
            .annotate(rank=SearchRank(vector, search))
            .order_by("-rank", "pk")
        )
    return queryset.filter(query.substring_q(*fields)).order_by("pk")


def search_measures(request, query, *, limit):
    plan = Plan.objects.current()
    if plan is None:
        return []
    measures = Measure.objects.active().in_plan(plan).select_related("goal__committee")
    found = _matching(measures, query, ("text", "measurement", "responsible"))[:limit]
    return [
        site_search.Hit(
            title=Truncator(m.text).words(TITLE_WORDS),
            url=m.get_absolute_url(),
            context=m.goal.committee.name,
        )
        for m in found
    ]


def search_goals(request, query, *, limit):
    plan = Plan.objects.current()
    if plan is None:
        return []
    goals = Goal.objects.active().filter(plan=plan).select_related("committee")
    subgoals = SubGoal.objects.filter(
        retired=False, goal__retired=False, goal__plan=plan
    ).select_related("goal__committee")
    hits = [
        site_search.Hit(
            title=Truncator(g.text).words(TITLE_WORDS),
            url=f"{g.committee.get_absolute_url()}#goal-{g.pk}",
            context=f"{_('Main goal')} · {g.committee.name}",
        )
        for g in _matching(goals, query, ("text",))[:limit]
    ]
    hits += [
        site_search.Hit(
            title=Truncator(s.text).words(TITLE_WORDS),
            url=f"{s.goal.committee.get_absolute_url()}#goal-{s.goal_id}",
            context=f"{_('Sub-goal')} · {s.goal.committee.name}",
        )
        for s in _matching(subgoals, query, ("text",))[: max(0, limit - len(hits))]
    ]
    return hits


def measure_and_goal_words():
    plan = Plan.objects.current()
    if plan is None:
        return []
    goals = Goal.objects.active().filter(plan=plan).values_list("text", flat=True)
    measures = Measure.objects.active().in_plan(plan).values_list("text", flat=True)
    return [*goals, *measures]


def register():
    site_search.register(
        site_search.Provider(
            "measures", _("Measures"), search_measures, vocabulary=measure_and_goal_words, order=10
        )
    )
    site_search.register(site_search.Provider("goals", _("Goals"), search_goals, order=20))
