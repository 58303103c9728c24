"""The plan's pages at the portal's root (included at "/" by helsefellesskap/urls.py): the home
page, which is the plan's overview, and the styleguide, whose samples are the plan's statuses."""

from django.urls import path

from .views import design, public

urlpatterns = [
    path("", public.overview, name="home"),
    # The look's building blocks on one page (secretariat only).
    path("design/", design.styleguide, name="styleguide"),
]
