"""manage.py enrolment_link USERNAME: a one-time link to set up the account's first app."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from helsefellesskap.enrolment import enrolment_url
from helsefellesskap.twofactor import has_two_factor


class Command(BaseCommand):
    help = (
        "Print a one-time link with which USERNAME sets up a first authenticator app, after "
        "logging in with the password. Give it to the person by another channel than the "
        "password (in person, by phone, to their work e-mail)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        if has_two_factor(user):
            raise CommandError(
                f"{username} already has an authenticator app: a link would not work. "
                "Remove the device in the admin first if the phone is lost."
            )
        hours = settings.ENROLMENT_LINK_MAX_AGE // 3600
        self.stdout.write(enrolment_url(user))
        self.stderr.write(f"Valid for {hours} hours, once, for {username} only.")
