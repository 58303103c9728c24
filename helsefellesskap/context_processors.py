"""Template context every page needs: the user's roles for the navigation."""

from helsefellesskap.roles import editable_committee_ids, is_secretariat


def portal(request):
    user = request.user
    return {
        "user_is_secretariat": is_secretariat(user),
        "user_is_editor": bool(user.is_authenticated and editable_committee_ids(user)),
    }
