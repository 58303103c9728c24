"""The synthetic plan generator: deterministic per seed, sized like the real plan per scale."""

import pytest
from django.core.management import call_command

from actionplan.models import Measure, MeasureStatus, Plan
from actionplan.synthetic import make_synthetic_plan, synthetic_plan_size
from tests.factories import make_plan, make_priority_groups

pytestmark = pytest.mark.django_db


def _texts(plan):
    return list(Measure.objects.in_plan(plan).in_plan_order().values_list("text", "responsible"))


def test_same_seed_gives_the_same_plan_and_another_seed_another():
    make_priority_groups()
    first = make_synthetic_plan(scale=1, seed=7)
    again = make_synthetic_plan(scale=1, seed=7)
    other = make_synthetic_plan(scale=1, seed=8)
    assert _texts(first) == _texts(again)
    assert _texts(first) != _texts(other)


def test_scale_one_is_about_the_real_plans_size_with_statuses_and_history():
    make_priority_groups()
    real = make_plan()
    plan = make_synthetic_plan(scale=1, seed=1)
    size = synthetic_plan_size(plan)
    assert size.committees == 12
    assert 120 <= size.measures <= 190  # the real plan has 151
    assert 30 <= size.goals <= 60  # 46
    statuses = MeasureStatus.objects.filter(measure__goal__plan=plan)
    assert statuses.count() == size.measures * len(plan.years)
    assert MeasureStatus.history.filter(measure__goal__plan=plan).count() == statuses.count()
    assert Measure.history.filter(goal__plan=plan).count() == size.measures
    assert Plan.objects.current() == real  # the synthetic plan never hides the real one


def test_command_makes_a_plan_of_the_asked_scale(capsys):
    call_command("make_synthetic_plan", "--scale", "2", "--seed", "3")
    plan = Plan.objects.get(title__contains="skala 2")
    assert synthetic_plan_size(plan).committees == 24
    assert "24 committees" in capsys.readouterr().out
