from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = _("Joint action plan")

    def ready(self):
        from actionplan import signals  # noqa: F401 - connects the receivers
        from actionplan.report import render_report
        from actionplan.rights import annotate_editable_committees, attach_editable_committees
        from helsefellesskap.auth_backend import read_with_user
        from helsefellesskap.render_jobs import register_renderer

        register_renderer("actionplan.annual_report", render_report)
        # The committees an editor edits, read in the query that loads the user.
        read_with_user(annotate_editable_committees, attach_editable_committees)

        from actionplan.rights import can_run_revision, has_dashboard, has_reports
        from helsefellesskap.navigation import register_section_right

        # The menu's editing sections, shown to whom their views let in.
        register_section_right("dashboard", has_dashboard)
        register_section_right("revision", can_run_revision)
        register_section_right("reports", has_reports)
        from actionplan.api import router
        from helsefellesskap.api import register_router

        register_router("/", router)

        from actionplan import site_search

        site_search.register()

        from actionplan.follows import FOLLOWABLE
        from helsefellesskap import follows as following

        following.register(FOLLOWABLE)
