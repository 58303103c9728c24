"""Template context every page needs: the user's roles and the navigation.

Here, not in the core, because the roles a page shows besides the secretariat are the plan's
(an editor is an editor of a committee, actionplan/rights.py)."""

from django.contrib.auth.models import AnonymousUser

from helsefellesskap.navigation import main_menu, site_search_url
from helsefellesskap.secretariat import is_secretariat

from .rights import editable_committee_ids


def portal(request):
    # An error page can render before authentication ran (a foreign Host header is refused
    # first): such a request has no user yet and is shown as to a visitor.
    user = getattr(request, "user", None) or AnonymousUser()
    user_is_secretariat = is_secretariat(user)
    # The secretariat edits everything: no need to read which committees (one query less).
    user_is_editor = not user_is_secretariat and bool(
        user.is_authenticated and editable_committee_ids(user)
    )
    return {
        "user_is_secretariat": user_is_secretariat,
        "user_is_editor": user_is_editor,
        "main_menu": main_menu(
            request.path,
            may_edit=user_is_secretariat or user_is_editor,
            is_secretariat=user_is_secretariat,
        ),
        "site_search_url": site_search_url(),
    }
