from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    # Everyone's own profile.
    path("me/", views.profile, name="profile"),
    # The secretariat: the people list, invitations, roles and accounts.
    path("", views.people_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("<int:pk>/roles/remove/", views.role_remove, name="role_remove"),
    path("<int:pk>/invite-again/", views.invite_again, name="invite_again"),
    path("<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    # A committee's members, for those who hold a role in it (read only).
    path("committees/<slug:slug>/", views.committee_members, name="committee_members"),
    # The link in an invitation e-mail (no log-in: this is how a person gets one).
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path(
        "invitation/<str:token>/sign-in/<slug:key>/", views.invitation_oidc, name="invitation_oidc"
    ),
]
