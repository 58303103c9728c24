from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Joint action plan")

    def ready(self):
        from actionplan import (
            signals,  # noqa: F401 - connects the receivers
            site_search,
        )

        site_search.register()
