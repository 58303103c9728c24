"""Celery tasks of the action plan. Each takes an id and calls one function."""

from celery import shared_task

from helsefellesskap.render_jobs import (
    RENDER_HARD_TIME_LIMIT,
    RENDER_SOFT_TIME_LIMIT,
    run_render_job,
)

from .models import Report


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
    time_limit=RENDER_HARD_TIME_LIMIT,
)
def render_report(self, report_id: int) -> None:
    """Render one annual report to PDF (retries transient failures, records the outcome)."""
    run_render_job(self, Report, report_id)
