"""Celery tasks of the action plan. Each takes an id and calls one function."""

from celery import shared_task

from helsefellesskap.render_jobs import RENDER_TASK_OPTIONS, run_render_job

from .models import Report


@shared_task(**RENDER_TASK_OPTIONS)
def render_report(self, report_id: int) -> None:
    """Render one annual report to PDF (retries transient failures, records the outcome)."""
    run_render_job(self, Report, report_id)
