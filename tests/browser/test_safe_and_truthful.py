"""Irreversible actions are safe and the meeting list tells the truth (issue 16 items 3 and 6),
in Chromium at 1280 and 375 px: locking a year goes through its confirmation page, a locked year
is unlocked only with a reason that the year's history then shows, and "Kommande møte" lists no
series of the 2020 structure whose schedule nobody confirmed, until someone does."""

import pytest
from django.core.management import call_command

from actionplan.models import RevisionYear
from meetings.models import MeetingSeries
from tests.browser.conftest import DESKTOP
from tests.factories import make_editor_world, make_sara

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 812}
WIDTHS = [pytest.param(DESKTOP, id="1280"), pytest.param(PHONE_375, id="375")]


def _click(page, locator):
    with page.expect_navigation():
        locator.click()


@pytest.mark.parametrize("viewport", WIDTHS)
def test_locking_needs_its_page_and_unlocking_a_reason_kept_in_history(
    visit, assert_accessible, viewport
):
    world = make_editor_world()
    sara = make_sara()
    world.plan.open_revision(2024, by=sara)
    page = visit.open("/plan/revision/?year=2024", lang="en", user=sara, viewport=viewport)

    # The board's button only leads to the confirmation page: the year is still open there.
    _click(page, page.get_by_role("link", name="SSU has adopted it: lock 2024…"))
    assert page.url.endswith("/plan/revision/2024/lock/")
    assert page.get_by_role("heading", name="Lock the revision of 2024?").is_visible()
    assert "2 measures have no status for 2024" in page.inner_text("main")
    assert not RevisionYear.objects.get(year=2024).is_locked
    assert_accessible(page)
    _click(page, page.get_by_role("button", name="Lock 2024"))
    assert RevisionYear.objects.get(year=2024).is_locked

    # Unlocking without a reason is refused with the error summary, and the year stays locked.
    _click(page, page.get_by_role("link", name="Unlock 2024…"))
    _click(page, page.get_by_role("button", name="Unlock 2024"))
    assert page.locator("ds-error-summary").is_visible()
    assert RevisionYear.objects.get(year=2024).is_locked
    assert_accessible(page)
    page.get_by_label("Why is the year unlocked?").fill("SSU bad om retting av 2024")
    _click(page, page.get_by_role("button", name="Unlock 2024"))
    assert not RevisionYear.objects.get(year=2024).is_locked

    history = page.locator("details", has_text="History of 2024")
    history.locator("summary").click()
    entry = history.get_by_text("Unlocked by Sara Sekretær")
    assert entry.is_visible()
    assert "SSU bad om retting av 2024" in entry.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", WIDTHS)
def test_upcoming_meetings_hold_no_unconfirmed_2020_series(visit, transactional_db, viewport):
    call_command("load_real_plan", verbosity=0)  # the meetings seed names the plan's people
    unconfirmed = list(MeetingSeries.objects.filter(schedule_confirmed=False))
    assert len(unconfirmed) >= 5  # the "Foreløpig oversikt" of 2020
    page = visit.open("/meetings/", lang="nn", viewport=viewport)
    assert page.get_by_role("heading", name="Kommande møte", exact=True).is_visible()
    listed = page.locator("main").inner_text()
    assert not [s.name for s in unconfirmed if s.name in listed]

    # Once the secretariat confirms a schedule, its dates are listed.
    confirmed = unconfirmed[0]
    confirmed.schedule_confirmed = True
    confirmed.valid_until = None
    confirmed.save()
    page.reload()
    assert confirmed.name in page.locator("main .entry-list").inner_text()
