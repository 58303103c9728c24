"""Every page type passes axe-core's WCAG 2.0/2.1 A and AA rules in nn, nb and en, logged out and
logged in, and leaves desktop and phone screenshots for the README and CI.

The page types are listed in tests/browser/pages.py; add new ones there.
"""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.pages import PAGE_TYPES, PortalData
from tests.factories import (
    make_alice,
    make_charlie,
    make_committee,
    make_goal,
    make_measure,
    make_plan,
    make_sara,
    make_status,
    make_subgoal,
    person_of,
)

pytestmark = pytest.mark.browser

LANGUAGES = ["nn", "nb", "en"]
CASES = [
    pytest.param(page_type, lang, visitor, id=f"{page_type.name}-{lang}-{visitor}")
    for page_type in PAGE_TYPES
    if page_type.is_available()
    for lang in LANGUAGES
    for visitor in page_type.visitors
]


@pytest.fixture
def portal_data(transactional_db) -> PortalData:
    """A small plan as the real one looks: a committee with a goal, sub-goal and measures."""
    plan = make_plan()
    alice = make_alice()
    committee = make_committee(
        "Fagleg samarbeidsutval for rehabilitering",
        short_name="Rehabilitering",
        slug="rehabilitering",
        leader=person_of(alice),
        editors=[alice],
    )
    goal = make_goal(plan, committee, "Pasientar får samanhengande rehabiliteringstenester")
    subgoal = make_subgoal(goal, "Felles forståing av ansvar for rehabilitering")
    measures = []
    for i, status in enumerate(["done", "in_progress", "not_done", ""]):
        measure = make_measure(goal, f"Tiltak {i + 1}: kartlegge tilbodet", subgoal=subgoal)
        make_status(measure, 2024, status)
        measures.append(measure)
    users = {
        "sara": make_sara(),
        "alice": alice,
        "charlie": make_charlie(),
    }
    data = PortalData(plan=plan, committee=committee, measures=measures, users=users)
    if "guidelines" in settings.INSTALLED_APPS and _has_guidelines():
        from tests.factories import make_guideline

        data.guideline = make_guideline(
            "Langtidsmekanisk ventilasjon (LTMV)",
            body="# Føremål\n\nRetningslina skildrar ansvar ved langtidsmekanisk ventilasjon.\n\n"
            "- Kommunen\n- Helseføretaket",
            committee=committee,
            by=users["sara"],
        )
    return data


FRONT_PAGE = {"nn": "Framside", "nb": "Forside", "en": "Home"}


def _breadcrumbs_start_at_the_front_page(page, lang):
    """One breadcrumb trail, and its first step is the front page, on every page kind."""
    trails = page.locator("nav.breadcrumbs")
    assert trails.count() == 1, f"{trails.count()} breadcrumb trails on {page.url}"
    first = trails.locator("li").first
    assert first.inner_text().strip() == FRONT_PAGE[lang]
    if first.locator("[aria-current=page]").count():
        # Only the front page is the root itself (the plan's overview, at / and at /plan/).
        assert urlsplit(page.url).path in ("/", "/plan/")
    else:
        assert first.locator("a").get_attribute("href") == "/"


def _one_icon_per_badge(page):
    """Every status badge shows one icon: its own (an svg or glyph) or the stylesheet's."""
    counts = page.evaluate(
        """() => [...document.querySelectorAll('.status')].map(badge => {
            const before = getComputedStyle(badge, '::before');
            const drawn = before.content !== 'none' && before.display !== 'none' ? 1 : 0;
            const own = [...badge.querySelectorAll('svg, .status__icon, [aria-hidden=true]')]
                .filter(el => !el.parentElement.closest('.status__icon')
                              && el.closest('.status') === badge).length;
            return [drawn + own, badge.outerHTML.slice(0, 160)];
        })"""
    )
    wrong = [html for count, html in counts if count != 1]
    assert not wrong, f"badges without exactly one icon on {page.url}: {wrong}"


def _has_guidelines() -> bool:
    try:
        reverse("guidelines:library")
    except NoReverseMatch:
        return False
    return True


@pytest.mark.parametrize(("page_type", "lang", "visitor"), CASES)
def test_page_has_no_accessibility_violations(
    page_type, lang, visitor, visit, portal_data, assert_accessible, screenshot_dir
):
    user = portal_data.users.get(visitor)
    url = page_type.url(portal_data)
    page = visit.open(url, lang=lang, user=user)
    # The page itself, not a log-in or two-factor page it redirected to.
    assert urlsplit(page.url).path == urlsplit(url).path
    response_status = page.evaluate(
        "() => performance.getEntriesByType('navigation')[0].responseStatus"
    )
    assert response_status == page_type.status
    if page_type.prepare:
        page_type.prepare(page)
    assert page.locator("html").get_attribute("lang") == lang

    assert_accessible(page)
    _breadcrumbs_start_at_the_front_page(page, lang)
    _one_icon_per_badge(page)
    # The same rules at a phone's width, where the menu and the tables change their layout.
    page.set_viewport_size(PHONE)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    if page_type.screenshot and lang == "nn":
        # Nothing is wider than a phone, down to the narrowest one the portal supports: no
        # sideways scrolling of the whole page (wide tables scroll inside their own box).
        for width in (360, PHONE["width"]):
            page.set_viewport_size({"width": width, "height": PHONE["height"]})
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        stem = f"{page_type.name}-{visitor}"
        page.screenshot(path=screenshot_dir / f"{stem}-phone.png", full_page=True)
        page.set_viewport_size(DESKTOP)
        page.screenshot(path=screenshot_dir / f"{stem}-desktop.png", full_page=True)
