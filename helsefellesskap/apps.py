from django.apps import AppConfig


class HelsefellesskapConfig(AppConfig):
    """What the whole portal shares: roles, logging of sign-ins, operations commands."""

    name = "helsefellesskap"
    verbose_name = "Helsefellesskap"

    def ready(self):
        from helsefellesskap import login_throttle, signals  # noqa: F401 - connects the receivers
        from helsefellesskap.auth_backend import read_with_user
        from helsefellesskap.follows import annotate_followed, attach_followed, digest_section
        from helsefellesskap.profile_sections import register_section

        # What the user follows, read in the query that loads the user (the Follow button).
        read_with_user(annotate_followed, attach_followed)
        register_section("follows/_profile_section.html", digest_section)
