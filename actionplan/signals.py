"""Signal receivers of the action plan app."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from actionplan.models import MeasureStatus


@receiver(pre_save, sender=MeasureStatus, dispatch_uid="measurestatus_loaded_at")
def stamp_loaded_status(sender, instance, raw, **kwargs):
    """A status row loaded from a fixture (raw save skips auto_now) is stamped with the time it
    was loaded, so the fixture need not carry an invented date."""
    if raw and instance.updated_at is None:
        instance.updated_at = timezone.now()
