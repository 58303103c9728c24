from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    name = "guidelines"
    verbose_name = _("Guidelines")

    def ready(self):
        from helsefellesskap.api import register_router

        from . import signals  # noqa: F401 - connects the receivers
        from .api import router

        register_router("/", router)
