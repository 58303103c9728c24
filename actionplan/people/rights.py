"""Who may see and change people and their roles.

Only the secretariat invites, gives and removes roles, and deactivates accounts. The people who
hold a role in a committee (those who may edit it, actionplan/rights.py) see its members, read
only. Everybody signed in manages their own profile.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from actionplan.models import Committee
from actionplan.rights import can_edit_committee
from helsefellesskap.secretariat import is_secretariat


def can_manage_people(user) -> bool:
    """May this user invite people, give and remove roles, and (de)activate accounts?"""
    return is_secretariat(user)


def require_people_manager(user) -> None:
    if not can_manage_people(user):
        raise PermissionDenied


def can_see_members(user, committee) -> bool:
    """May this user see who holds which role in the committee (read only)?"""
    return can_edit_committee(user, committee)


def get_person_for_secretariat(request, pk):
    """The account a secretariat page changes, with the right checked first."""
    require_people_manager(request.user)
    return get_object_or_404(get_user_model(), pk=pk)


def get_committee_for_member(request, slug) -> Committee:
    committee = get_object_or_404(
        Committee.objects.select_related("leader__user", "deputy__user", "secretary__user"),
        slug=slug,
    )
    if not can_see_members(request.user, committee):
        raise PermissionDenied
    return committee
