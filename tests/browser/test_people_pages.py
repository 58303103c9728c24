"""The secretariat's people page and a person's Min profil in Chromium at 1280 and 375 px: the
secretariat invites a person and gives them a role; the person sets up a password from the
e-mail's link and changes their own profile. Nothing scrolls sideways, and axe finds nothing."""

import re

import pytest
from django.core import mail

from actionplan.models import Committee
from tests.factories import make_committee, make_sara

pytestmark = pytest.mark.browser

WIDTHS = [1280, 375]


def no_sideways_scrolling(page, width):
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


def click(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_secretariat_invites_a_person_and_gives_a_role(visit, assert_accessible, width):
    committee = make_committee("Fagleg samarbeidsutval for rehabilitering", short_name="Rehab")
    sara = make_sara()
    viewport = {"width": width, "height": 900}
    page = visit.open("/people/", lang="en", user=sara, viewport=viewport)
    assert page.get_by_role("heading", name="People and roles", level=1).is_visible()
    no_sideways_scrolling(page, width)
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Invite a person").click()
    page.get_by_role("textbox", name="First name").fill("Kari")
    page.get_by_role("textbox", name="Last name").fill("Nordmann")
    page.get_by_role("textbox", name="E-mail").fill("kari@kommune.example")
    page.get_by_label("Bokmål", exact=True).check()
    click(page, "Send the invitation")
    assert page.get_by_text("The invitation is sent to kari@kommune.example").is_visible()
    assert "Hei Kari Nordmann" in mail.outbox[-1].body

    page.get_by_role("combobox", name="Role").select_option("deputy")
    page.get_by_role("combobox", name="Committee").select_option(str(committee.pk))
    click(page, "Give the role")
    assert page.get_by_text("Kari Nordmann is now Deputy in Rehab.").is_visible()
    assert Committee.objects.get(pk=committee.pk).deputy.name == "Kari Nordmann"
    no_sideways_scrolling(page, width)
    assert_accessible(page)

    # Giving the same place again is refused on the page, with nothing changed.
    page.get_by_role("combobox", name="Role").select_option("deputy")
    page.get_by_role("combobox", name="Committee").select_option(str(committee.pk))
    click(page, "Give the role")
    assert page.get_by_text("Nothing was changed").is_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_invited_person_sets_a_password_and_edits_min_profil(visit, assert_accessible, width):
    from actionplan.people.services import person_invite

    committee = make_committee("Utval for helseberedskap", short_name="Beredskap")
    sara = make_sara()
    invitation = person_invite(
        email="ola@kommune.example", first_name="Ola", last_name="N", language="nn", by=sara
    )
    committee.leader = invitation.user.person
    committee.save()
    link = re.search(r"(/people/invitation/\S+/)", mail.outbox[-1].body).group(1)
    viewport = {"width": width, "height": 900}
    page = visit.open(link, lang="en", viewport=viewport)
    no_sideways_scrolling(page, width)
    page.locator("input[name=new_password1]").fill("ein-lang-og-god-passord")
    page.locator("input[name=new_password2]").fill("ein-lang-og-god-passord")
    click(page, "Save the password")
    assert page.get_by_text("Your password is set").is_visible()
    # The log-in page it leads to takes the new password.
    page.locator("input[name=username]").fill(invitation.user.username)
    page.locator("input[name=password]").fill("ein-lang-og-god-passord")
    click(page, "Log in")
    profile_link = page.get_by_role("link", name="My profile")
    if not profile_link.is_visible():  # on a phone it is inside the menu
        page.get_by_role("button", name="Menu").click()
    with page.expect_navigation():
        profile_link.click()
    assert page.get_by_role("heading", name="My profile", level=1).is_visible()
    assert page.get_by_text("Leader:").is_visible()
    no_sideways_scrolling(page, width)
    assert_accessible(page)
    page.get_by_role("textbox", name="Last name").fill("Nordmann")
    page.get_by_label("Bokmål", exact=True).check()
    click(page, "Save")
    assert page.get_by_text("Your profile is saved.").is_visible()
    invitation.user.refresh_from_db()
    assert invitation.user.last_name == "Nordmann"
    assert invitation.user.person.language == "nb"
