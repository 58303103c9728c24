"""Celery tasks of the action plan. Each takes an id and calls one function."""

from celery import shared_task

from helsefellesskap.render_jobs import RENDER_TASK_OPTIONS, run_render_job

from .models import Report


@shared_task(**RENDER_TASK_OPTIONS)
def render_report(self, report_id: int) -> None:
    """Render one annual report to PDF (retries transient failures, records the outcome)."""
    run_render_job(self, Report, report_id)


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_revision_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): remind editors of measures without a status this year."""
    from .reminders import send_revision_reminders as send

    return send()
