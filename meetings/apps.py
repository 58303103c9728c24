from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from actionplan.contributions import COMMITTEE_PAGE, MEASURE_PAGE
        from helsefellesskap.render_jobs import register_renderer
        from meetings import signals  # noqa: F401 - connects the receivers
        from meetings.contributions import COMMITTEE_ACTION_POINTS, MEASURE_ACTION_POINTS
        from meetings.minutes_pdf import render_minutes

        register_renderer("meetings.minutes", render_minutes)
        COMMITTEE_PAGE.register(COMMITTEE_ACTION_POINTS)
        MEASURE_PAGE.register(MEASURE_ACTION_POINTS)

        from helsefellesskap.api import register_router
        from meetings.api import router

        register_router("/", router)

        from meetings import site_search

        site_search.register()

        from helsefellesskap import follows as following
        from meetings.follows import FOLLOWABLE

        following.register(FOLLOWABLE)
