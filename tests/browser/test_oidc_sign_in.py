"""The whole sign-in in a real browser: the portal's button, the provider's page, back signed
in; then log-out at the provider and back to the portal. Also the page's accessibility with the
provider buttons."""

import pytest
from django.contrib.auth import get_user_model

from tests.oidc.conftest import Provider

pytestmark = [pytest.mark.oidc, pytest.mark.browser]


@pytest.fixture
def live_provider(live_server, settings):
    from django.core.cache import cache

    provider = Provider([live_server.url])
    cache.clear()
    settings.OIDC_PROVIDERS = {"test": provider.config()}
    yield provider
    provider.stop()


def test_sign_in_and_out_at_the_provider_in_a_browser(
    visit, live_provider, assert_accessible, screenshot_dir
):
    get_user_model().objects.create_user("kari", email="kari@example.no", first_name="Kari")
    page = visit.open("/accounts/login/?next=/plan/", lang="en")
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / "oidc-login-1280.png", full_page=True)
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in with the test provider").click()
    assert page.url.startswith(live_provider.issuer + "/interaction/")
    page.get_by_label("Account").fill("kari")
    with page.expect_navigation(url=lambda url: url.startswith(visit.live_server.url)):
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url == visit.live_server.url + "/plan/"
    assert page.locator(".account__name").inner_text().strip().endswith("Kari")

    with page.expect_navigation(url=lambda url: url.startswith(live_provider.issuer)):
        page.get_by_role("button", name="Log out").click()
    assert "/session/end" in page.url
    # The provider asks whether to end its session too; yes, and it sends us back.
    with page.expect_navigation(url=lambda url: url.startswith(visit.live_server.url)):
        page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_load_state()
    assert page.url == visit.live_server.url + "/"
    assert page.locator(".account__login").count() == 1
    assert page.locator(".account__name").count() == 0


def test_first_sign_in_of_an_unknown_person_in_a_browser(visit, live_provider):
    page = visit.open("/accounts/login/", lang="en")
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in with the test provider").click()
    page.get_by_label("Account").fill("nyperson")
    with page.expect_navigation(url=lambda url: url.startswith(visit.live_server.url)):
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    person = get_user_model().objects.get(email="ny.person@kommune.example")
    assert not person.groups.exists()
    assert "Ny Person" in page.locator(".account__name").inner_text()
