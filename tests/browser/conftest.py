"""Real-browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every test module here sets `pytestmark = pytest.mark.browser`: tests/conftest.py skips them
without Chromium, or fails the run under REQUIRE_SERVICES=1. Never `playwright install`: the
browser is Debian's /usr/bin/chromium.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.artifacts import artifacts_dir

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a thread
# with a running loop unless told that this is safe (it is: the test and the server don't share it).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


# One browser per module, not per session: Playwright's sync API runs an event loop, and a test
# elsewhere that starts its own sync_playwright() must not find this one still running.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshot_dir() -> Path:
    if os.environ.get("SCREENSHOT_DIR"):
        path = Path(os.environ["SCREENSHOT_DIR"])
        path.mkdir(parents=True, exist_ok=True)
        return path
    return artifacts_dir("screenshots")


class Visit:
    """Opens portal pages in a fresh browser context as a given visitor and language."""

    def __init__(self, browser, live_server):
        self.browser = browser
        self.live_server = live_server
        self.contexts = []

    def open(self, url: str, *, lang: str = "nn", user=None, viewport=None):
        """A new page (own cookies) at url, in lang, logged in as user (or anonymous)."""
        context = self.browser.new_context(
            viewport=viewport or DESKTOP,
            locale={"nn": "nn-NO", "nb": "nb-NO", "en": "en-GB"}[lang],
            # axe-core is injected as a script; a Content Security Policy must not stop it.
            bypass_csp=True,
        )
        self.contexts.append(context)
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": self.live_server.url}
        ]
        if user is not None:
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": _session_for(user),
                            "url": self.live_server.url})  # fmt: skip
        context.add_cookies(cookies)
        page = context.new_page()
        page.goto(self.live_server.url + url)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


def _session_for(user) -> str:
    """A logged-in session for user, as the log-in form would have made it."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="helsefellesskap.auth_backend.PortalModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def visit(browser, live_server, transactional_db):
    helper = Visit(browser, live_server)
    yield helper
    helper.close()


def format_violations(violations: list[dict]) -> str:
    """axe's findings as a readable list: rule, impact, help, and each offending element."""
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(t) for t in node["target"])
            summary = re.sub(r"\s+", " ", node.get("failureSummary") or "")
            lines.append(f"    at {target}\n      {node['html'][:200]}\n      {summary[:400]}")
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_TAGS,
    )
    return result["violations"]


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): zero axe violations, with a readable report when there are some."""

    def check(page):
        violations = axe_violations(page)
        assert not violations, (
            f"{len(violations)} accessibility violations on {page.url}:\n"
            + format_violations(violations)
        )

    return check


def tab_to(page, name: str, *, max_tabs: int = 60, exact: bool = False):
    """Press Tab until the focused element's accessible text contains name (is name, with
    `exact`); return its locator.

    For keyboard-journey tests: it fails (rather than clicking) if the element can't be reached.
    """
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        text = page.evaluate(
            """() => {
                const el = document.activeElement;
                // A scrollable region is a tab stop too, but its text is a whole table's.
                if (!el || el === document.body || el.getAttribute('role') === 'region') return '';
                const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
                return [el.getAttribute('aria-label'), label, el.innerText, el.value]
                    .filter(Boolean).join(' ');
            }"""
        )
        if (text.strip().lower() == name.lower()) if exact else (name.lower() in text.lower()):
            return page.locator("*:focus")
    raise AssertionError(f"Could not reach {name!r} with {max_tabs} presses of Tab on {page.url}")
