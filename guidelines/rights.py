"""Who may do what with the shared guidelines. The one place these rights are decided.

Everyone reads the guidelines. The owning committee's editors and the secretariat edit a
guideline, publish its versions and manage its attachments; a guideline with no owning committee
is the secretariat's alone.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from actionplan.rights import (
    can_edit_committee,
    edits_any_committee,
    edits_every_committee,
    limit_to_edited_committees,
)

from .models import Guideline


def can_edit_guideline(user, guideline) -> bool:
    """May this user edit the guideline, publish versions and manage its attachments?"""
    return can_edit_committee(user, guideline.committee)


def require_guideline_editor(user, guideline) -> None:
    """Raise PermissionDenied unless the user may edit the guideline."""
    if not can_edit_guideline(user, guideline):
        raise PermissionDenied


def can_create_guideline(user) -> bool:
    """The secretariat and editors of at least one committee may add guidelines."""
    return edits_any_committee(user)


def guidelines_owned_by_editor(user, guidelines):
    """The guidelines of the committees this user may edit (all of them for the secretariat)."""
    return limit_to_edited_committees(guidelines, user)


def owns_every_guideline(user) -> bool:
    """Does guidelines_owned_by_editor give this user every guideline (pages say so)?"""
    return edits_every_committee(user)


def followable_guidelines(user, guidelines):
    """The guidelines this user may follow (by e-mail digest): everyone reads every guideline."""
    return guidelines


# --- Loaders: a guideline for a view (everyone reads; editing is checked on the object).
def get_guideline(slug) -> Guideline:
    return get_object_or_404(
        Guideline.objects.select_related("committee").prefetch_related("priority_groups"),
        slug=slug,
    )


def get_guideline_for_editor(request, slug) -> Guideline:
    guideline = get_guideline(slug)
    require_guideline_editor(request.user, guideline)
    return guideline
