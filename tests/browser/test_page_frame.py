"""The page frame in a real browser: skip link, language switcher and log-out by keyboard alone,
and the accessibility check itself (it must report what it finds)."""

import pytest

from tests.browser.conftest import axe_violations, format_violations, tab_to
from tests.factories import PASSWORD, make_alice, make_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(transactional_db):
    return make_plan()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(visit, plan):
    page = visit.open("/")
    page.keyboard.press("Tab")
    focused = page.locator("*:focus")
    assert focused.inner_text() == "Hopp til hovudinnhaldet"
    assert focused.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_language_switcher_works_with_the_keyboard_and_is_remembered(visit, plan):
    page = visit.open("/", lang="nn")
    select = tab_to(page, "Språk")
    select.select_option("en")  # what arrow keys do on a focused <select>
    with page.expect_navigation():
        tab_to(page, "Byt språk").press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Skip to main content").count() == 1
    # A new page view, without the form: the choice is kept.
    page.goto(page.url)
    assert page.locator("html").get_attribute("lang") == "en"


def test_browser_language_is_used_when_nothing_was_chosen(browser, live_server, plan):
    context = browser.new_context(locale="nb-NO")
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "nb"
        assert page.get_by_role("link", name="Logg inn").first.is_visible()
    finally:
        context.close()


def test_log_in_and_out_with_the_keyboard(visit, plan):
    make_alice()
    page = visit.open("/accounts/login/", lang="en")
    tab_to(page, "Username").type("alice")
    tab_to(page, "Password").type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Alice Aasen").is_visible()
    with page.expect_navigation():
        tab_to(page, "Log out").press("Enter")
    assert page.get_by_role("link", name="Log in").first.is_visible()


def test_failed_log_in_moves_focus_to_the_error_summary(visit, plan):
    page = visit.open("/accounts/login/", lang="en")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    summary = page.locator("ds-error-summary")
    assert summary.is_visible()
    page.wait_for_function("() => document.activeElement.closest('ds-error-summary') !== null")
    summary.get_by_role("link").first.click()
    assert page.evaluate("() => document.activeElement.id") == "id_username"


def test_accessibility_check_reports_violations_readably(visit, plan):
    """The harness is only worth something if it fails: plant two violations and read them."""
    page = visit.open("/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<img src="/static/img/logo.svg">');
            main.insertAdjacentHTML('beforeend', '<input type="text">');
        }"""
    )
    violations = axe_violations(page)
    assert {"image-alt", "label"} <= {v["id"] for v in violations}
    report = format_violations(violations)
    assert "image-alt (critical)" in report
    assert 'img src="/static/img/logo.svg"' in report
