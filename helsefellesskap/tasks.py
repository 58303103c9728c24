"""The portal's own periodic tasks (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from helsefellesskap.privacy import prune_personal_records


@shared_task
def prune_personal_data() -> dict[str, int]:
    """Daily: forget log-in records past their retention period and expired sessions."""
    return prune_personal_records()


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def send_manage_link(email: str) -> bool:
    """A visitor asked for the link to their follows: send it, if the address is a confirmed
    visitor's (follows:manage_link)."""
    from helsefellesskap.follows import manage_link_send

    return manage_link_send(email=email)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def send_digests() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): each subscriber's digest of their newest ended window."""
    from helsefellesskap.digests import digests_send

    return digests_send()
