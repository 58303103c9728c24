"""Root URLs. Each app has its own namespace under its own path prefix."""

from django.contrib import admin
from django.urls import include, path

from actionplan import views as actionplan_views
from helsefellesskap import views as portal_views

urlpatterns = [
    path("", actionplan_views.overview, name="home"),
    # The action plan: overview, committees, plan table, measures.
    path("plan/", include("actionplan.urls")),
    # Meetings, action points and calendars.
    path("meetings/", include("meetings.urls")),
    # Shared guidelines.
    path("guidelines/", include("guidelines.urls")),
    # Accounts and language.
    path("accounts/two-factor/", include("helsefellesskap.twofactor_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Operations: load balancers and monitoring poll this.
    path("healthz", portal_views.healthz, name="healthz"),
]

handler500 = "helsefellesskap.views.server_error"
