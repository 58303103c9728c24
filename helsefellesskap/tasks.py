"""The portal's own periodic tasks (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from helsefellesskap.privacy import prune_personal_records


@shared_task
def prune_personal_data() -> dict[str, int]:
    """Daily: forget log-in records past their retention period and expired sessions."""
    return prune_personal_records()


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def send_digests() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): each subscriber's digest of their newest ended window."""
    from helsefellesskap.digests import digests_send

    return digests_send()
