"""The README's screenshots, retaken on every run from the real plan and the seed documents
(load_real_plan), not from test personas, at 1280 px and 375 px, in nynorsk, as a visitor sees
them. Each shot first checks that the page holds the real plan and fits its width. They go to
the test artifacts (tests/artifacts.py); `make screenshots` writes them to docs/screenshots/,
where the README links them (README_SCREENSHOT_DIR), so an ordinary test run never changes the
checkout."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from guidelines.models import Guideline
from tests.artifacts import artifacts_dir
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

# name, URL (or a function of nothing that gives it), a text the page must show, and the part
# of the page to scroll to first (None: its top)
SHOTS = [
    ("plan-overview", "/", "Felles handlingsplan", None),
    ("plan-table", "/plan/table/", "Tiltak", "#plan-table"),
    ("committee", "/plan/committees/rehabilitering/", "Rehabilitering", None),
    ("committee-measures", "/plan/committees/rehabilitering/", "Hovudmål", "main table"),
    ("guidelines", "/guidelines/", "Langtidsmekanisk ventilasjon", None),
    ("guideline", lambda: Guideline.objects.get(slug__contains="veiledning").get_absolute_url(),
     "Medisinsk og helsefaglig veiledning", None),
    ("meetings", "/meetings/all/", "Samarbeidsmøte", None),
]  # fmt: skip


@pytest.fixture
def real_plan(transactional_db):
    call_command("load_real_plan", verbosity=0)


@pytest.fixture
def readme_screenshots() -> Path:
    if os.environ.get("README_SCREENSHOT_DIR"):
        path = Path(os.environ["README_SCREENSHOT_DIR"])
        path.mkdir(parents=True, exist_ok=True)
        return path
    return artifacts_dir("readme-screenshots")


@pytest.mark.parametrize(("name", "url", "shows", "part"), SHOTS, ids=[s[0] for s in SHOTS])
def test_readme_screenshot_of_the_real_plan(
    visit, real_plan, readme_screenshots, name, url, shows, part
):
    url = url() if callable(url) else url
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = visit.open(url, lang="nn", viewport=viewport)
        assert shows in page.locator("main").inner_text()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
        if part:
            page.locator(part).first.evaluate("el => el.scrollIntoView()")
        # What fits on the screen, as a person sees it (a full page of the plan table is
        # metres long).
        page.screenshot(path=readme_screenshots / f"{name}-{label}.png")
