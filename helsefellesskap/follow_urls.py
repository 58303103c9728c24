"""Following things and the e-mail digests (helsefellesskap/follow_views.py)."""

from django.urls import path

from helsefellesskap import follow_views

app_name = "follows"

urlpatterns = [
    # A visitor's own follows, by the signed link of every digest (or one asked for by e-mail).
    # First, so that a link of digits only is not taken for follow/<kind>/<pk>/.
    path("follow/manage/", follow_views.manage_link, name="manage_link"),
    path("follow/manage/<str:token>/", follow_views.manage, name="manage"),
    path(
        "follow/manage/<str:token>/stop/<slug:kind>/<int:pk>/",
        follow_views.manage_unfollow,
        name="manage_unfollow",
    ),
    path(
        "follow/manage/<str:token>/stop-everything/",
        follow_views.manage_stop_everything,
        name="manage_stop_everything",
    ),
    # The button on a committee, guideline or series page (signed in).
    path("follow/<slug:kind>/<int:pk>/", follow_views.follow, name="follow"),
    path("follow/<slug:kind>/<int:pk>/stop/", follow_views.unfollow, name="unfollow"),
    # A visitor: by e-mail, confirmed by a signed link.
    path("follow/<slug:kind>/<int:pk>/email/", follow_views.subscribe, name="subscribe"),
    path("follow/confirm/<str:token>/", follow_views.confirm, name="confirm"),
    # The link (and List-Unsubscribe header) in every digest.
    path("follow/unsubscribe/<str:token>/", follow_views.unsubscribe, name="unsubscribe"),
    # What a signed-in person follows, and how often the digest comes.
    path("profil/varsel/", follow_views.mine, name="mine"),
]
