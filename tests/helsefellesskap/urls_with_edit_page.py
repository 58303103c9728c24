"""The portal's URLs plus one edit page guarded like the real ones, for the two-factor tests."""

from django.http import HttpResponse
from django.urls import path

from helsefellesskap.twofactor import two_factor_required
from helsefellesskap.urls import urlpatterns as portal_urlpatterns


@two_factor_required
def edit_page(request):
    return HttpResponse("the edit form")


urlpatterns = [*portal_urlpatterns, path("edit/", edit_page)]
