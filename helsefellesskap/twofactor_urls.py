"""Two-factor log-in pages, under /accounts/two-factor/."""

from django.urls import path

from helsefellesskap import twofactor_views as views

app_name = "two_factor"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("set-up/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.new_recovery_codes, name="recovery_codes"),
    path("disable/", views.disable, name="disable"),
]
