from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from meetings import (
            signals,  # noqa: F401 - connects the receivers
            site_search,
        )

        site_search.register()
