"""Write the plan (or one committee's part of it) as a Word document in the plan's own layout.

    python manage.py export_plan_docx -o plan.docx [--plan ID] [--committee SLUG]

--plan takes the plan's id (as ?plan= on the pages) or its title as a slug; without it, the
current plan.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from actionplan.docx_export import plan_docx_bytes
from actionplan.models import Committee, Plan


def find_plan(wanted: str | None) -> Plan:
    if not wanted:
        plan = Plan.objects.current()
        if plan is None:
            raise CommandError("No plan has been loaded yet.")
        return plan
    plans = list(Plan.objects.all())
    for plan in plans:
        if wanted == str(plan.pk) or wanted == slugify(plan.title, allow_unicode=True):
            return plan
    known = ", ".join(f"{p.pk} ({p.title})" for p in plans) or "none"
    raise CommandError(f"No plan {wanted!r}. Plans: {known}.")


class Command(BaseCommand):
    help = "Write the plan as a Word document (.docx) in the layout of the plan's own document."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="The .docx file to write.")
        parser.add_argument("--plan", help="The plan's id or title slug (default: current).")
        parser.add_argument("--committee", help="Only this committee (its slug).")

    def handle(self, *args, output, plan=None, committee=None, **options):
        chosen = find_plan(plan)
        scope = None
        if committee:
            scope = Committee.objects.filter(slug=committee).first()
            if scope is None:
                slugs = ", ".join(Committee.objects.values_list("slug", flat=True))
                raise CommandError(f"No committee {committee!r}. Committees: {slugs}.")
        path = Path(output)
        try:
            path.write_bytes(plan_docx_bytes(chosen, scope))
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {path} ({chosen.title}{f', {scope.name}' if scope else ''}).")
