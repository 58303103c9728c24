"""Who the secretariat is: the one role the whole portal knows.

The secretariat (a group) runs the portal and may do everything. What each other role may do is
decided by the app that owns the object, each in one module: actionplan/rights.py (committees,
the plan, its statuses and reports), meetings/rights.py, guidelines/rights.py.
"""

from django.core.exceptions import PermissionDenied

SECRETARIAT_GROUP = "secretariat"


def is_secretariat(user) -> bool:
    """True for members of the secretariat group (and superusers)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_secretariat", None)
    if cached is None:
        cached = user.groups.filter(name=SECRETARIAT_GROUP).exists()
        user._is_secretariat = cached
    return cached


def require_secretariat(user) -> None:
    """Raise PermissionDenied unless the user is in the secretariat."""
    if not is_secretariat(user):
        raise PermissionDenied
