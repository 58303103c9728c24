"""Celery tasks for guidelines. Thin: each calls one function."""

from celery import shared_task

from .reminders import send_due_review_reminders


@shared_task(acks_late=True, soft_time_limit=300, time_limit=360)
def send_review_reminders() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): e-mail owners of guidelines past their review date."""
    return send_due_review_reminders()
