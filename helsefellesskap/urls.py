"""Root URLs. Each app has its own namespace under its own path prefix."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from helsefellesskap import oidc, search_views
from helsefellesskap import views as portal_views
from helsefellesskap.api import api

urlpatterns = [
    # The home page (the plan's overview) and the styleguide.
    path("", include("actionplan.root_urls")),
    # The action plan: overview, committees, plan table, measures.
    path("plan/", include("actionplan.urls")),
    # Meetings, action points and calendars.
    path("meetings/", include("meetings.urls")),
    # Shared guidelines.
    path("guidelines/", include("guidelines.urls")),
    # People and their roles (the secretariat), and everyone's own profile.
    path("people/", include("actionplan.people.urls")),
    # The open-data API (read-only JSON, its OpenAPI schema and documentation page).
    path("api/v1/", api.urls),
    # Accounts and language.
    path("accounts/two-factor/", include("helsefellesskap.twofactor_urls")),
    path("accounts/login/", oidc.PortalLoginView.as_view(), name="login"),
    path("accounts/logout/", oidc.PortalLogoutView.as_view(), name="logout"),
    # Sign-in at an OpenID provider (helsefellesskap/oidc.py); without providers: 404.
    path("accounts/oidc/callback/", oidc.CallbackView.as_view(), name="oidc_callback"),
    path("accounts/oidc/<slug:key>/login/", oidc.LoginView.as_view(), name="oidc_login"),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language switcher takes no CSRF token, so the anonymous pages that carry it hold
    # nothing per visitor and can be served whole from the cache (issue 9). A forged post can
    # only change the display language of the visitor's own browser, which the visitor sees and
    # changes back: no account, data or session state is touched. `next` is still checked to be
    # on this site.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # The pages the law expects: the accessibility statement and the privacy statement.
    path("accessibility/", portal_views.accessibility_statement, name="accessibility"),
    path("privacy/", portal_views.privacy, name="privacy"),
    # Following committees, guidelines and series by e-mail digest, and its settings page.
    path("", include("helsefellesskap.follow_urls")),
    # One search over what the apps register (helsefellesskap/site_search.py).
    path("search/", search_views.search, name="site_search"),
    path("admin/", admin.site.urls),
    # Operations: load balancers and monitoring poll this.
    path("healthz", portal_views.healthz, name="healthz"),
]

handler500 = "helsefellesskap.views.server_error"
