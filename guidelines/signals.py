"""Keep a guideline's derived columns in step however it was saved (forms, admin, loaddata)."""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from helsefellesskap.content_versions import bump_content_version, bump_on_save_and_delete

from .caching import GUIDELINES_CONTENT
from .models import Guideline, GuidelineVersion

# What the open-data API and feeds show of guidelines (their ETags, see actionplan/caching.py).
bump_on_save_and_delete(GUIDELINES_CONTENT, [Guideline, GuidelineVersion])


@receiver(
    m2m_changed, sender=Guideline.priority_groups.through, dispatch_uid="bump_guideline_groups"
)
def priority_groups_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        bump_content_version(GUIDELINES_CONTENT)


@receiver(post_save, sender=Guideline, dispatch_uid="guideline_derived_columns")
def guideline_saved(sender, instance, raw=False, **kwargs):
    if raw:
        # loaddata bypasses save(): render the Markdown here so fixtures need no cached HTML.
        instance.store_rendered_body()
    Guideline.objects.filter(pk=instance.pk).refresh_search_vectors()
