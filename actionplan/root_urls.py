"""The plan's pages at the portal's root (included at "/" by helsefellesskap/urls.py): the home
page, which is the plan's overview, and the styleguide, whose samples are the plan's statuses."""

from django.urls import path

from . import dcat
from .views import design, public

urlpatterns = [
    path("", public.overview, name="home"),
    # The look's building blocks on one page (secretariat only).
    path("design/", design.styleguide, name="styleguide"),
    # The open-data catalogue (DCAT-AP-NO) of the plan data sets and the API (beside /api/v1/).
    path("api/dcat.ttl", dcat.dcat_ttl, name="dcat_ttl"),
    path("api/dcat.jsonld", dcat.dcat_jsonld, name="dcat_jsonld"),
]
