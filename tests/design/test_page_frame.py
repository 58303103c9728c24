"""The page frame every page shares: menu, language, log-in state, error pages, form partials."""

import datetime

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import formats, translation

from helsefellesskap import navigation
from helsefellesskap.navigation import main_menu
from tests.factories import (
    make_alice,
    make_charlie,
    make_committee,
    make_plan,
    make_sara,
    make_user,
)

ALL_SECTIONS = "tests.design.urls_all_sections"


@pytest.fixture
def plan(db):
    return make_plan()


def test_default_language_is_nynorsk(client, plan):
    html = client.get("/").content.decode()
    assert '<html lang="nn"' in html
    assert "Hopp til hovudinnhaldet" in html


def test_browser_language_picks_bokmal(client, plan):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="nb"' in html
    assert "Hopp til hovedinnholdet" in html


def test_language_switcher_choice_is_remembered_for_a_year(client, plan):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.cookies["django_language"]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 364 * 24 * 3600
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert '<html lang="en"' in html
    assert "Skip to main content" in html


@pytest.mark.parametrize("logged_in", [False, True])
def test_language_switcher_needs_no_csrf_token(plan, logged_in):
    # The anonymous pages carry no token (they are served from a shared cache), so the switch
    # must work without one, for visitors and logged-in users alike.
    client = Client(enforce_csrf_checks=True)
    if logged_in:
        client.force_login(make_user())
    form = client.get("/").content.decode().split('class="language-switcher"', 1)[1]
    assert "csrfmiddlewaretoken" not in form.split("</form>", 1)[0]
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/plan/table/"})
    assert response.status_code == 302
    assert response["Location"] == "/plan/table/"
    assert '<html lang="en"' in client.get("/").content.decode()


def test_language_switcher_ignores_a_next_on_another_site(client, plan):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nn", "16. mars 2020"), ("nb", "16. mars 2020"), ("en", "March 16, 2020")],
)
def test_dates_follow_the_language(lang, expected):
    with translation.override(lang):
        assert formats.date_format(datetime.date(2020, 3, 16)) == expected


def test_numbers_follow_the_language():
    with translation.override("nn"):
        assert formats.number_format(1234.5, 1, force_grouping=True) == "1\xa0234,5"
    with translation.override("en"):
        assert formats.number_format(1234.5, 1, force_grouping=True) == "1,234.5"


def test_anonymous_visitor_sees_log_in_link_and_no_logout(client, plan):
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/?next=/"' in html
    assert "account__logout" not in html


def test_logged_in_user_sees_name_and_logout_button(client, plan):
    client.force_login(make_charlie())
    html = client.get("/").content.decode()
    assert "Charlie Christensen" in html
    assert 'action="/accounts/logout/" method="post"' in html


def test_menu_marks_current_section(settings, rf, db):
    settings.ROOT_URLCONF = ALL_SECTIONS
    visitor = AnonymousUser()
    menu = main_menu("/meetings/action-points/", visitor)
    current = [item["key"] for item in menu if item["current"]]
    assert current == ["action_points"]
    assert [item["key"] for item in main_menu("/", visitor) if item["current"]] == ["plan"]


def test_menu_shows_editing_sections_only_to_those_who_may(settings, db):
    settings.ROOT_URLCONF = ALL_SECTIONS

    def keys(user):
        return [item["key"] for item in main_menu("/", user)]

    public = keys(AnonymousUser())
    assert public == ["plan", "committees", "meetings", "action_points", "guidelines"]
    assert keys(make_charlie()) == public
    assert keys(make_alice(edits=make_committee())) == [*public, "dashboard", "reports"]
    assert keys(make_sara()) == [*public, "dashboard", "revision", "reports", "people"]


def test_a_restricted_section_whose_app_registered_no_right_is_shown_to_nobody(
    settings, db, monkeypatch
):
    settings.ROOT_URLCONF = ALL_SECTIONS
    monkeypatch.delitem(navigation._SECTION_RIGHTS, "people")
    assert "people" not in [item["key"] for item in main_menu("/", make_sara())]


def test_menu_leaves_out_sections_whose_pages_do_not_exist_yet(db):
    keys = [item["key"] for item in main_menu("/", make_sara())]
    assert "plan" in keys
    # On a portal without the meetings app's pages the menu must not link to a 404.
    from django.urls import Resolver404, resolve

    try:
        resolve("/meetings/")
    except Resolver404:
        assert "meetings" not in keys


def test_editor_sees_own_sections_but_not_the_revision_board(settings, client, plan):
    settings.ROOT_URLCONF = ALL_SECTIONS
    alice = make_alice()
    make_committee(editors=[alice])
    client.force_login(alice)
    html = client.get("/plan/").content.decode()
    assert 'href="/plan/reports/"' in html
    assert 'href="/plan/revision/"' not in html  # the revision board is the secretariat's
    assert 'href="/plan/" aria-current="page"' in html
    assert 'action="/search/"' in html  # the site-wide search


def test_charlie_does_not_see_revision_link(settings, client, plan, charlie):
    settings.ROOT_URLCONF = ALL_SECTIONS
    client.force_login(charlie)
    assert 'href="/plan/revision/"' not in client.get("/plan/").content.decode()


def test_404_page_has_site_look_and_language(client, plan):
    response = client.get("/finst-ikkje/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Vi fann ikkje sida" in html
    assert 'class="site-header"' in html


def test_403_page_offers_log_in_to_anonymous(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/plan/revision/")
    request.user = AnonymousUser()
    with translation.override("nb"):
        response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Du har ikke tilgang til denne siden" in html
    assert "/accounts/login/?next=/plan/revision/" in html


def test_500_page_renders_without_request_or_database(django_assert_num_queries, db):
    with translation.override("nn"), django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Noko gjekk gale hos oss" in html
    assert 'class="site-header"' in html


def test_server_error_view_uses_the_portal_page():
    from django.views.defaults import server_error

    with translation.override("nb"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Noe gikk galt hos oss" in response.content.decode()


class _ExampleForm(forms.Form):
    title = forms.CharField(label="Title", help_text="As in the plan.")
    year = forms.ChoiceField(
        label="Year", choices=[("2025", "2025"), ("2026", "2026")], widget=forms.RadioSelect
    )


def test_field_partial_ties_help_and_error_to_the_input():
    form = _ExampleForm(data={"title": ""})
    with translation.override("en"):
        html = render_to_string("includes/_form_fields.html", {"form": form})
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_title_helptext id_title_error"' in html
    assert 'id="id_title_helptext"' in html
    assert 'id="id_title_error"' in html
    # The radio group is a fieldset described by its error.
    assert 'aria-describedby="id_year_error"' in html
    assert "<legend" in html


def test_error_summary_links_each_error_to_its_field():
    form = _ExampleForm(data={"title": ""})
    with translation.override("nn"):
        html = render_to_string("includes/_form_errors.html", {"form": form})
    assert "Rett opp dette før du lagrar" in html
    assert 'href="#id_title"' in html
    assert 'href="#id_year_0"' in html


def test_error_summary_is_absent_for_a_valid_form():
    form = _ExampleForm(data={"title": "Tiltak", "year": "2026"})
    assert form.is_valid()
    assert render_to_string("includes/_form_errors.html", {"form": form}).strip() == ""


def test_login_page_shows_errors_next_to_fields(client, db):
    response = client.post("/accounts/login/", {"username": "", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_username_error"' in html
    assert "ds-error-summary" in html


def test_400_page_has_site_look_and_language(db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import SuspiciousOperation
    from django.views.defaults import bad_request

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with translation.override("nn"):
        response = bad_request(request, SuspiciousOperation())
    assert response.status_code == 400
    assert "Portalen forstod ikkje førespurnaden" in response.content.decode()
