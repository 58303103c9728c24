from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    name = "guidelines"
    verbose_name = _("Guidelines")

    def ready(self):
        from guidelines import site_search

        from . import signals  # noqa: F401 - connects the receivers

        site_search.register()
