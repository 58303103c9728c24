from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """People and their roles, managed by the secretariat; every person's own profile."""

    name = "actionplan.people"
    # Its own app (label "people": its tables and migrations), inside the action plan because
    # the roles it manages are the committees'.
    label = "people"
    verbose_name = _("People")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from actionplan.people import services
        from actionplan.people.rights import can_manage_people
        from helsefellesskap import oidc
        from helsefellesskap.navigation import register_section_right

        # The People section of the menu, for those the people pages let in.
        register_section_right("people", can_manage_people)

        # A sign-in at a provider that started from an invitation's link signs in that person.
        oidc.register_account_linker(services.invitation_for_provider_sign_in)

        # The first sign-in of an invited person (by password or at a provider) uses up the
        # invitation, so its link cannot sign up anybody later.
        user_logged_in.connect(services.invitation_used_by_sign_in, dispatch_uid="people-invite")
