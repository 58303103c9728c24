"""In a real browser, the portal's pages break no rule of the Content Security Policy: no inline
script or style, nothing loaded from elsewhere. The policy would silently disable such code."""

import pytest
from django.test import Client

from actionplan.models import Committee, Measure
from tests.factories import log_in_with_two_factor, make_guideline, make_sara

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports each violation to the page's console, where the test collects it.
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _pages(guideline_slug: str) -> list[str]:
    committee = Committee.objects.order_by("order").first()
    measure = Measure.objects.order_by("pk").first()
    return [
        "/",
        "/plan/",
        "/plan/table/",
        f"/plan/committees/{committee.slug}/",
        f"/plan/measures/{measure.pk}/",
        "/guidelines/",
        f"/guidelines/{guideline_slug}/",
        f"/guidelines/{guideline_slug}/versions/",
        "/guidelines/new/",
        f"/guidelines/{guideline_slug}/edit/",
        "/meetings/",
        "/meetings/calendar/",
        "/meetings/all/",
        "/meetings/action-points/",
        "/meetings/series/",
        "/meetings/new/",
        "/accounts/two-factor/",
        "/admin/",
    ]


def test_pages_break_no_content_security_policy_rule(live_server, settings):
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    call_command("load_real_plan", verbosity=0)
    sara = make_sara()
    sara.is_staff = True  # she opens the admin too
    sara.save()
    guideline = make_guideline("Utskriving frå sjukehus", body="# Føremål\n\nTekst.", by=sara)
    client = Client()
    log_in_with_two_factor(client, sara)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Before Playwright starts: its event loop forbids the ORM in this thread.
    pages = _pages(guideline.slug)

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        context = browser.new_context()
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        context.add_init_script(WATCH_VIOLATIONS)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text or "CSP violation" in message.text
                else None
            ),
        )
        for path in pages:
            response = page.goto(live_server.url + path)
            assert response.status == 200, f"{path}: {response.status}"
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
        browser.close()

    assert problems == []
