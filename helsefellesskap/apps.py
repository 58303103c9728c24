from django.apps import AppConfig


class HelsefellesskapConfig(AppConfig):
    """What the whole portal shares: roles, logging of sign-ins, operations commands."""

    name = "helsefellesskap"
    verbose_name = "Helsefellesskap"

    def ready(self):
        from helsefellesskap import login_throttle, signals  # noqa: F401 - connects the receivers
