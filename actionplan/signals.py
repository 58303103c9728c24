"""Signal receivers of the action plan app."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from actionplan.caching import PLAN_CONTENT, bump_plan_content_version
from actionplan.models import (
    Committee,
    Goal,
    Measure,
    MeasureStatus,
    Person,
    Plan,
    PriorityGroup,
    RevisionYear,
    SubGoal,
)
from helsefellesskap.content_versions import bump_on_save_and_delete

# Everything the cached overview and plan table show (see caching.py).
PLAN_CONTENT_MODELS = [
    Plan,
    Committee,
    Person,
    Goal,
    SubGoal,
    Measure,
    MeasureStatus,
    PriorityGroup,
    RevisionYear,
]


@receiver(pre_save, sender=MeasureStatus, dispatch_uid="measurestatus_loaded_at")
def stamp_loaded_status(sender, instance, raw, **kwargs):
    """A status row loaded from a fixture (raw save skips auto_now) is stamped with the time it
    was loaded, so the fixture need not carry an invented date."""
    if raw and instance.updated_at is None:
        instance.updated_at = timezone.now()


bump_on_save_and_delete(PLAN_CONTENT, PLAN_CONTENT_MODELS)


@receiver(m2m_changed, sender=Measure.priority_groups.through, dispatch_uid="bump_priority_links")
def priority_groups_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_plan_content_version()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="bump_user_renamed")
def user_changed(sender, instance, update_fields=None, **kwargs):
    """A user's name shows on cached pages (who updated a status last, on the revision board)
    when no person is linked; a log-in, which only stamps last_login, changes nothing shown."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump_plan_content_version()
