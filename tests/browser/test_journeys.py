"""The three main journeys, with the keyboard alone, as a person would do them:
a committee leader reports a status, the secretariat gets the annual report, and a municipal
nurse finds a guideline section."""

import pytest

from actionplan.models import MeasureStatus, Report
from tests.browser.conftest import tab_to
from tests.factories import PASSWORD, make_editor_world, make_guideline, make_sara

pytestmark = pytest.mark.browser


def _log_in(page, username):
    tab_to(page, "Username").type(username)
    tab_to(page, "Password").type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def _follow(page, name, *, exact=False):
    with page.expect_navigation():
        tab_to(page, name, max_tabs=120, exact=exact).press("Enter")


def test_committee_leader_sets_this_years_status_by_keyboard(visit, assert_accessible):
    world = make_editor_world()
    world.plan.open_revision(2024, by=None)
    page = visit.open("/accounts/login/", lang="en")
    _log_in(page, "alice")
    assert "/plan/mine/" in page.url  # editors land on their own committees

    # The committee's page (its next-step button, which names it too, leads to reporting).
    _follow(page, "Utval A", exact=True)
    tab_to(page, "Update 2024", max_tabs=150).press("Enter")
    status = page.locator("select[name=status]")
    status.wait_for()
    status.focus()
    status.select_option("done")  # what the arrow keys do on a focused select
    tab_to(page, "Comment").type("Ferdig i mars")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the form's save button follows the comment
    page.get_by_text("Saved.").first.wait_for()

    saved = MeasureStatus.objects.get(measure=world.measure_a, year=2024)
    assert (saved.status, saved.note) == ("done", "Ferdig i mars")
    assert_accessible(page)


def test_secretariat_requests_the_annual_report_and_downloads_it(visit, assert_accessible):
    world = make_editor_world()
    make_sara()
    page = visit.open("/accounts/login/", lang="en")
    _log_in(page, "sara")

    _follow(page, "Report archive")
    tab_to(page, "Revision year").select_option("2024")  # what the arrow keys do on a select
    with page.expect_navigation():
        tab_to(page, "Make the annual report").press("Enter")
    # Tasks run in-process here, so the report is done when its page opens: it offers the file.
    with page.expect_download() as download:
        tab_to(page, "Download PDF").press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
    report = Report.objects.get()
    assert (report.plan, report.year, report.state) == (world.plan, 2024, "done")
    assert_accessible(page)


def test_nurse_searches_the_guidelines_and_reads_the_section(visit, assert_accessible):
    make_guideline(
        "Samhandling ved utskriving",
        body="## Før innlegging\n\nRing legevakta.\n\n## Oppfølging\n\nHeimesjukepleia "
        "følgjer opp pasienten med ventilasjonsbehov.",
        status="in_force",
    )
    page = visit.open("/", lang="en")
    tab_to(page, "Search the portal").type("ventilasjonsbehov")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "ventilasjonsbehov" in page.inner_text("main mark")

    _follow(page, "Samhandling ved utskriving")
    tab_to(page, "Oppfølging").press("Enter")  # the table of contents' link to the section
    assert "#sec-oppf" in page.url
    assert "Heimesjukepleia" in page.inner_text("main")
    assert_accessible(page)


@pytest.mark.postgres
def test_nurse_writes_nynorsk_in_the_header_search_and_finds_the_bokmal_guideline(
    visit, assert_accessible
):
    from django.core.management import call_command

    from helsefellesskap.models import SearchSynonym
    from helsefellesskap.search_words import ensure_installed

    ensure_installed(SearchSynonym)  # browser tests empty the tables the migration filled
    call_command("loaddata", "guidelines_seed", verbosity=0)
    for width in (1280, 375):
        page = visit.open("/", lang="nn", viewport={"width": width, "height": 800})
        if width == 375:
            page.get_by_role("button", name="Meny").click()
        for word in ("sjukeheim", "rettleiing", "sykehjemmet"):
            box = page.get_by_role("searchbox", name="Søk i portalen")
            box.fill(word)
            with page.expect_navigation():
                box.press("Enter")
            results = page.locator("#search-guidelines + ul")
            assert "6. Medisinsk og helsefaglig veiledning og samhandling" in results.inner_text()
            if width == 375:
                page.get_by_role("button", name="Meny").click()
        assert_accessible(page)
