"""In a real browser: the status is updated in place with htmx, a stale save shows the conflict
in place (409 is swapped in), and the same link and form work with JavaScript turned off."""

import os

import pytest

from actionplan.models import MeasureStatus
from actionplan.services import measure_status_set
from tests.browser import conftest as browser_harness
from tests.factories import PASSWORD, make_editor_world

# The browser harness's Chromium (its flags, one per module), not a second launcher.
browser = browser_harness.browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_only(settings):
    """Only English on offer. Unlike the test client, a real browser sends an Accept-Language
    of its own (whatever its build and the machine give it), which outranks LANGUAGE_CODE
    (tests/conftest.py): this keeps these pages, and their English assertions, in English."""
    settings.LANGUAGES = [("en", "English")]


def _logged_in_page(browser, live_server, *, javascript=True):
    page = browser.new_context(java_script_enabled=javascript).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", PASSWORD)
    page.click("main form [type=submit]")
    return page


def _screenshot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_status_is_updated_in_place_and_conflict_shown_in_place(browser, live_server, english_only):
    world = make_editor_world()
    page = _logged_in_page(browser, live_server)
    measure_url = f"{live_server.url}{world.measure_a.get_absolute_url()}"
    page.goto(measure_url)
    cell = f"#status-{world.measure_a.pk}-2024"
    page.click(f"{cell} a.status-edit-link")
    page.wait_for_selector(f"form{cell}")
    assert page.url == measure_url  # swapped in place, no navigation
    page.select_option(f"{cell}-status", "done")
    page.fill(f"{cell}-note", "Ferdig i mars")
    page.click(f"form{cell} button[type=submit]")
    page.wait_for_selector(f"div{cell} .status-saved")
    assert "Ferdig i mars" in page.inner_text(f"div{cell}")
    _screenshot(page, "status-saved-in-place")
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).status == "done"

    # Alice opens the form again; meanwhile Sara saves the same status.
    page.click(f"{cell} a.status-edit-link")
    page.wait_for_selector(f"form{cell}")
    measure_status_set(
        measure=world.measure_a,
        year=2024,
        status="not_done",
        note="Sara retta",
        by=None,
        expected_version=1,
    )
    page.select_option(f"{cell}-status", "in_progress")
    page.click(f"form{cell} button[type=submit]")
    page.wait_for_selector(f"form{cell} .conflict")
    assert "Sara retta" in page.inner_text(f"form{cell} .conflict")
    _screenshot(page, "status-conflict-in-place")
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).note == "Sara retta"


def test_status_update_works_without_javascript(browser, live_server, english_only):
    world = make_editor_world()
    page = _logged_in_page(browser, live_server, javascript=False)
    measure_url = f"{live_server.url}{world.measure_a.get_absolute_url()}"
    page.goto(measure_url)
    page.click(f"#status-{world.measure_a.pk}-2024 a.status-edit-link")
    assert "/status/2024/" in page.url  # a page of its own
    page.select_option(f"#status-{world.measure_a.pk}-2024-status", "in_progress")
    page.click("form.status-form button[type=submit]")
    assert page.url == measure_url
    assert "Status for 2024 saved" in page.inner_text(".messages")
    assert MeasureStatus.objects.get(measure=world.measure_a, year=2024).status == "in_progress"
