"""Celery tasks of the meetings. Each takes an id and calls one function."""

from celery import shared_task

from helsefellesskap.render_jobs import RENDER_TASK_OPTIONS, run_render_job

from .models import MinutesExport


@shared_task(**RENDER_TASK_OPTIONS)
def render_minutes(self, export_id: int) -> None:
    """Render one meeting's minutes to PDF (retries transient failures, records the outcome)."""
    run_render_job(self, MinutesExport, export_id)
