"""The portal's URLs and one more, for the test that the rights matrix finds a new URL."""

from django.http import HttpResponse
from django.urls import path

from helsefellesskap.urls import urlpatterns as portal

urlpatterns = [*portal, path("new-page/", lambda request: HttpResponse(), name="new_page")]
