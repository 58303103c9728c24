"""Following things and the e-mail digests (helsefellesskap/follow_views.py)."""

from django.urls import path

from helsefellesskap import follow_views

app_name = "follows"

urlpatterns = [
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
