from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from helsefellesskap.api import register_router
        from meetings import signals  # noqa: F401 - connects the receivers
        from meetings.api import router

        register_router("/", router)
