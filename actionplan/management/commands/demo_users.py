"""Create demo log-ins for trying the portal locally (DEBUG only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from actionplan.models import Committee
from helsefellesskap.secretariat import SECRETARIAT_GROUP

DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105 - DEBUG-only demo log-in


class Command(BaseCommand):
    help = "Create a secretariat user and an editor for one committee (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_users only runs with DEBUG=1.")
        users = get_user_model().objects
        secretariat, _ = users.get_or_create(
            username="sekretariat", defaults={"first_name": "Sara", "last_name": "Sekretær"}
        )
        secretariat.set_password(DEMO_PASSWORD)
        secretariat.is_staff = True
        secretariat.save()
        secretariat.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
        self.stdout.write(f"Secretariat: sekretariat / {DEMO_PASSWORD}")

        committee = Committee.objects.order_by("order").first()
        if committee is None:
            return
        editor, _ = users.get_or_create(
            username="utvalsleiar", defaults={"first_name": "Una", "last_name": "Utvalsleiar"}
        )
        editor.set_password(DEMO_PASSWORD)
        editor.save()
        committee.editors.add(editor)
        self.stdout.write(f"Editor of «{committee.short_name}»: utvalsleiar / {DEMO_PASSWORD}")
