"""Template context every page needs: the user's role for the header, and the navigation.

Here, not in the core, because the roles a page shows besides the secretariat are the plan's
(an editor is an editor of a committee, actionplan/rights.py). Which menu sections the user sees
is asked of the rights each section's app registered (helsefellesskap/navigation.py)."""

from django.contrib.auth.models import AnonymousUser

from helsefellesskap.navigation import main_menu, site_search_url
from helsefellesskap.secretariat import is_secretariat

from .rights import edits_any_committee


def portal(request):
    # An error page can render before authentication ran (a foreign Host header is refused
    # first): such a request has no user yet and is shown as to a visitor.
    user = getattr(request, "user", None) or AnonymousUser()
    # The header names the user's role (who they are, not what they may do).
    user_is_secretariat = is_secretariat(user)
    return {
        "user_is_secretariat": user_is_secretariat,
        "user_is_editor": not user_is_secretariat and edits_any_committee(user),
        "main_menu": main_menu(request.path, user),
        "site_search_url": site_search_url(),
    }
