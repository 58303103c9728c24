"""Create a synthetic plan N times the size of the real one (deterministic per seed)."""

from django.core.management.base import BaseCommand, CommandError

from actionplan.synthetic import make_synthetic_plan, synthetic_plan_size


class Command(BaseCommand):
    help = "Create a synthetic action plan --scale times the real plan's size, from --seed."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale, seed, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        plan = make_synthetic_plan(scale=scale, seed=seed)
        size = synthetic_plan_size(plan)
        self.stdout.write(
            f"Plan {plan.pk} «{plan.title}»: {size.committees} committees, {size.goals} goals, "
            f"{size.subgoals} sub-goals, {size.measures} measures."
        )
