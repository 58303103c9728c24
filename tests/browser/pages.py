"""The table of page types the accessibility test visits.

To add a page type after merging an app: append a PageType with a name, a function that builds
its URL from the test data (`PortalData`, made once per test in test_accessibility.py), and the
visitors who should see it ("anonymous", "sara" the secretariat, "alice" the committee editor,
"charlie" without rights). Each page type is then checked in nn, nb and en for each visitor.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass
class PortalData:
    """What the pages need: a small plan with committees, measures and statuses, and personas."""

    plan: object
    committee: object
    measures: list
    users: dict = field(default_factory=dict)
    guideline: object = None


@dataclass(frozen=True)
class PageType:
    name: str
    url: Callable[[PortalData], str]
    visitors: tuple[str, ...] = ("anonymous", "sara")
    # Expected HTTP status: the error pages are pages too.
    status: int = 200
    # Also save desktop and phone screenshots (in nn) for the README and CI artifacts.
    screenshot: bool = True
    # Something to do on the page before it is checked, e.g. send a form empty to see its errors.
    prepare: Callable | None = None
    # The URL name this page type needs; until the app that serves it is merged, it is left out.
    needs: str | None = None

    def is_available(self) -> bool:
        if self.needs is None:
            return True
        try:
            reverse(
                self.needs,
                args=[1] if self.needs.endswith(("committee", "measure", "history")) else [],
            )
        except NoReverseMatch:
            return False
        return True


def _digest_settings(data) -> str:
    """Alice's "what I follow" page, following the committee (made on first use)."""
    from helsefellesskap import follows

    subscriber = follows.subscriber_for_user(data.users["alice"], language="nn")
    follows.follow_start(subscriber=subscriber, kind="committee", object_id=data.committee.pk)
    return reverse("follows:mine")


def _visitor_follows(data) -> str:
    """A visitor's own follows by the signed link of their digests (made on first use)."""
    from django.utils import timezone

    from helsefellesskap import follows
    from helsefellesskap.models import Subscriber

    subscriber, _ = Subscriber.objects.get_or_create(
        user=None, email="besokar@example.no", defaults={"confirmed_at": timezone.now()}
    )
    follows.follow_start(subscriber=subscriber, kind="committee", object_id=data.committee.pk)
    return reverse("follows:manage", args=[follows.manage_token(subscriber)])


def _meeting(data) -> str:
    """A public meeting with an agenda item and an action point (made on first use)."""
    from tests.factories import make_action_point, make_agenda_item, make_meeting

    meeting = make_meeting("Samarbeidsmøte HMR og kommunane", purpose="Felles situasjonsbilete.")
    make_agenda_item(meeting, title="Status frå helseføretaket")
    make_action_point(meeting, "Kontaktperson for kvar kommune")
    return meeting.get_absolute_url()


def _revision_year(data, action) -> str:
    """The lock page of an open year, or the unlock page of a locked one (made on first use)."""
    year = data.plan.years[-1]
    revision, _ = data.plan.revision_years.get_or_create(year=year)
    if action == "unlock":
        revision.lock(by=None)
    return reverse(f"actionplan:revision_{action}", args=[year])


def _month_with_meetings(data) -> str:
    """This month with a weekly series on it (made on first use)."""
    from tests.factories import make_series

    make_series("Samarbeidsmøte HMR og kommunane", weekdays=[0, 3])
    today = datetime.date.today()
    return reverse("meetings:month", args=[today.year, today.month])


def _unconfirmed_series(data) -> str:
    """A series whose schedule nobody confirmed, as the 2020 structure is."""
    from tests.factories import make_series

    series = make_series("Lokalt samarbeidsmøte Volda", forum="other", schedule_confirmed=False)
    return series.get_absolute_url()


def _failed_report(data) -> str:
    """A report whose render failed: the page shows the reason and a retry button."""
    from actionplan.models import Report

    report = Report.objects.create(
        plan=data.plan,
        year=data.plan.years[-1],
        requested_by=data.users["sara"],
        state="failed",
        error="Test: the renderer stopped.",
    )
    return report.get_absolute_url()


def submit_main_form(page):
    """Send the page's main form as it is (empty), to check the page that shows the errors."""
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()


def _invitation(data) -> str:
    """The link of an invitation the secretariat sent (made on first use)."""
    from actionplan.people.services import invitation_token, person_invite

    invitation = person_invite(
        email="kari.nordmann@kommune.example",
        first_name="Kari",
        last_name="Nordmann",
        language="nn",
        by=data.users["sara"],
    )
    return reverse("people:invitation", args=[invitation_token(invitation)])


PAGE_TYPES = [
    PageType("overview", lambda data: reverse("actionplan:overview")),
    PageType("home", lambda data: "/", screenshot=False),
    PageType("login", lambda data: reverse("login"), visitors=("anonymous",)),
    PageType(
        "login-with-errors",
        lambda data: reverse("login"),
        visitors=("anonymous",),
        prepare=submit_main_form,
    ),
    # The public plan pages (they appear here once the public pages are merged).
    PageType(
        "committee", lambda data: data.committee.get_absolute_url(), needs="actionplan:committee"
    ),
    PageType("plan-table", lambda data: reverse("actionplan:table"), needs="actionplan:table"),
    PageType(
        "plan-table-filtered",
        lambda data: reverse("actionplan:table") + "?status=done&priority_group=",
        needs="actionplan:table",
        screenshot=False,
    ),
    PageType(
        "measure", lambda data: data.measures[0].get_absolute_url(), needs="actionplan:measure"
    ),
    PageType(
        "measure-history",
        lambda data: reverse("actionplan:measure_history", args=[data.measures[0].pk]),
        visitors=("sara",),
        needs="actionplan:measure_history",
        screenshot=False,
    ),
    # The guideline library (once the guidelines app is merged).
    PageType("guidelines", lambda data: reverse("guidelines:library"), needs="guidelines:library"),
    PageType(
        "guidelines-search",
        lambda data: reverse("guidelines:library") + "?q=ventilasjon",
        needs="guidelines:library",
        screenshot=False,
    ),
    PageType(
        "guideline",
        lambda data: reverse("guidelines:detail", args=[data.guideline.slug]),
        needs="guidelines:library",
    ),
    PageType(
        "guideline-versions",
        lambda data: reverse("guidelines:versions", args=[data.guideline.slug]),
        needs="guidelines:library",
        screenshot=False,
    ),
    PageType(
        "guideline-publish-form",
        lambda data: reverse("guidelines:publish", args=[data.guideline.slug]),
        visitors=("sara",),
        needs="guidelines:library",
    ),
    PageType(
        "guideline-publish-form-with-errors",
        lambda data: reverse("guidelines:publish", args=[data.guideline.slug]),
        visitors=("sara",),
        needs="guidelines:library",
        prepare=submit_main_form,
        screenshot=False,
    ),
    PageType(
        "guidelines-review-due",
        lambda data: reverse("guidelines:review_due"),
        visitors=("sara",),
        needs="guidelines:library",
        screenshot=False,
    ),
    # Meetings and action points (once the meetings app is merged).
    PageType("meetings", lambda data: reverse("meetings:upcoming"), needs="meetings:upcoming"),
    PageType(
        "meeting-list",
        lambda data: reverse("meetings:meeting_list"),
        needs="meetings:upcoming",
        screenshot=False,
    ),
    PageType(
        "action-points", lambda data: reverse("meetings:action_points"), needs="meetings:upcoming"
    ),
    # Following by e-mail: one's own digest settings, and a visitor's form (empty: its errors).
    PageType("digest-settings", _digest_settings, visitors=("alice",), needs="follows:mine"),
    PageType(
        "follow-by-e-mail-with-errors",
        lambda data: reverse("follows:subscribe", args=["committee", data.committee.pk]),
        visitors=("anonymous",),
        prepare=submit_main_form,
        screenshot=False,
        needs="follows:mine",
    ),
    # A visitor's own follows by the link of their digests, and the form asking for that link.
    PageType("visitor-follows", _visitor_follows, visitors=("anonymous",), needs="follows:mine"),
    PageType(
        "follow-link-by-e-mail-with-errors",
        lambda data: reverse("follows:manage_link"),
        visitors=("anonymous",),
        prepare=submit_main_form,
        screenshot=False,
        needs="follows:mine",
    ),
    # Editing (once the editing pages are merged).
    PageType(
        "my-committees",
        lambda data: reverse("actionplan:dashboard"),
        visitors=("alice",),
        needs="actionplan:dashboard",
    ),
    PageType(
        "revision-board",
        lambda data: reverse("actionplan:revision_board"),
        visitors=("sara",),
        needs="actionplan:revision_board",
    ),
    PageType("revision-lock", lambda data: _revision_year(data, "lock"), visitors=("sara",)),
    PageType(
        "revision-unlock-with-errors",
        lambda data: _revision_year(data, "unlock"),
        visitors=("sara",),
        prepare=submit_main_form,
        screenshot=False,
    ),
    PageType(
        "retire-confirm",
        lambda data: reverse("actionplan:plan_item_retire", args=["measure", data.measures[0].pk]),
        visitors=("sara",),
    ),
    PageType(
        "report-year",
        lambda data: reverse(
            "actionplan:report_year", args=[data.committee.slug, data.plan.years[-1]]
        ),
        visitors=("sara",),
        needs="actionplan:revision_board",
        screenshot=False,
    ),
    PageType(
        "measure-edit-form",
        lambda data: reverse("actionplan:measure_edit", args=[data.measures[0].pk]),
        visitors=("sara",),
        needs="actionplan:revision_board",
        screenshot=False,
    ),
    # The annual report (its archive holds the request form) and one report's page.
    PageType(
        "reports",
        lambda data: reverse("actionplan:reports"),
        visitors=("sara",),
        needs="actionplan:reports",
    ),
    PageType("report", _failed_report, visitors=("sara",), needs="actionplan:reports"),
    PageType("meeting", _meeting, needs="meetings:upcoming"),
    PageType("meetings-month", _month_with_meetings),
    PageType("meeting-series-unconfirmed", _unconfirmed_series),
    PageType("styleguide", lambda data: reverse("styleguide"), visitors=("sara",)),
    PageType(
        "styleguide-with-errors",
        lambda data: reverse("styleguide") + "?title=",
        visitors=("sara",),
        screenshot=False,
    ),
    PageType("error-404", lambda data: "/finst-ikkje/", status=404),
    # The pages the law expects, linked from every page's footer.
    PageType("accessibility", lambda data: reverse("accessibility"), visitors=("anonymous",)),
    PageType("privacy", lambda data: reverse("privacy"), visitors=("anonymous",)),
    # The site search: hits grouped by kind, and a miss that suggests the nearest words.
    PageType(
        "search",
        lambda data: reverse("site_search") + "?q=rehabilitering",
        visitors=("anonymous",),
        needs="site_search",
    ),
    PageType(
        "search-no-hits",
        lambda data: reverse("site_search") + "?q=rehabiliteringg",
        visitors=("anonymous",),
        needs="site_search",
    ),
    # People and roles (the secretariat), a committee's members (its people), Min profil, and
    # the link in an invitation e-mail.
    PageType(
        "people", lambda data: reverse("people:list"), visitors=("sara",), needs="people:list"
    ),
    PageType(
        "person",
        lambda data: reverse("people:person", args=[data.users["alice"].pk]),
        visitors=("sara",),
        needs="people:list",
    ),
    PageType(
        "invite", lambda data: reverse("people:invite"), visitors=("sara",), needs="people:list"
    ),
    PageType(
        "invite-with-errors",
        lambda data: reverse("people:invite"),
        visitors=("sara",),
        needs="people:list",
        prepare=submit_main_form,
        screenshot=False,
    ),
    PageType(
        "committee-members",
        lambda data: reverse("people:committee_members", args=[data.committee.slug]),
        visitors=("alice",),
        needs="people:list",
    ),
    PageType(
        "profile",
        lambda data: reverse("people:profile"),
        visitors=("alice", "charlie"),
        needs="people:list",
    ),
    PageType("invitation", _invitation, visitors=("anonymous",), needs="people:list"),
    PageType(
        "invitation-refused",
        lambda data: reverse("people:invitation", args=["MQ:forged:x"]),
        visitors=("anonymous",),
        status=400,
        needs="people:list",
        screenshot=False,
    ),
]
