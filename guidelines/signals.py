"""Keep a guideline's derived columns in step however it was saved (forms, admin, loaddata)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Guideline
from .search import refresh_search_vector


@receiver(post_save, sender=Guideline, dispatch_uid="guideline_derived_columns")
def guideline_saved(sender, instance, raw=False, **kwargs):
    if raw:
        # loaddata bypasses save(): render the Markdown here so fixtures need no cached HTML.
        instance.render_body()
        Guideline.objects.filter(pk=instance.pk).update(
            body_html=instance.body_html, body_text=instance.body_text, toc=instance.toc
        )
    refresh_search_vector(Guideline.objects.filter(pk=instance.pk))
