"""Every write of the guidelines that is more than one model's own state change: creating a
guideline with its first version, saving its details, attaching a file.

Views parse input, call one of these functions and render; each checks the user's right to
what it is about to save and raises PermissionDenied (or the storage's error) first. Publishing
a version is the model's own (Guideline.publish_version).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Guideline, GuidelineAttachment
from .rights import can_create_guideline, require_guideline_editor


def guideline_create(*, guideline: Guideline, priority_groups, change_note: str, by) -> Guideline:
    """Save a new guideline with its priority groups and record its text as version 1."""
    if not can_create_guideline(by):
        raise PermissionDenied
    require_guideline_editor(by, guideline)
    with transaction.atomic():
        guideline._history_user = by
        guideline.save()
        guideline.priority_groups.set(priority_groups)
        guideline.publish_current_text(change_note=change_note, by=by)
    return guideline


def guideline_details_save(*, guideline: Guideline, priority_groups, by) -> Guideline:
    """Save a guideline's owner, priority groups, status, dates and source (already set on it);
    the user must edit the owning committee it is saved under."""
    require_guideline_editor(by, guideline)
    with transaction.atomic():
        guideline._history_user = by
        guideline.save()
        guideline.priority_groups.set(priority_groups)
    return guideline


def guideline_attachment_add(*, guideline: Guideline, uploaded, title: str, kind, by):
    """Attach an uploaded file. The file is stored first, then the row: a storage that fails
    (raising one of helsefellesskap.uploads.storage_errors) leaves neither."""
    require_guideline_editor(by, guideline)
    return GuidelineAttachment.objects.create(
        guideline=guideline,
        title=title or uploaded.name,
        file=uploaded,
        original_name=uploaded.name,
        kind=kind,
        size=uploaded.size,
        uploaded_by=by,
    )
