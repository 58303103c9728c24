from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    name = "guidelines"
    verbose_name = _("Guidelines")

    def ready(self):
        from actionplan.contributions import REPORT_CHAPTERS

        from . import signals  # noqa: F401 - connects the receivers
        from .report_chapter import CHAPTER

        REPORT_CHAPTERS.register(CHAPTER)

        from helsefellesskap.api import register_router

        from .api import router

        register_router("/", router)

        from guidelines import site_search

        site_search.register()

        from guidelines.follows import FOLLOWABLE
        from helsefellesskap import follows as following

        following.register(FOLLOWABLE)
