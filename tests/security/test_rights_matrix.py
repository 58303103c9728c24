"""The rights matrix: every URL of the portal, what each persona gets from it, GET and POST.

The URL patterns are read from the resolver (tests/test_fuzz_every_url.py `portal_routes`: the
apps' patterns with their include() and i18n prefixes; the admin, static and media files and the
debug toolbar are left out, as Django's own and tested there). A pattern that is not in MATRIX
below fails `test_every_url_is_in_the_matrix`.

Each entry gives the request (URL and, for a page that writes, a VALID form body, so a refusal is
a refusal and not a form error) and the outcome for the five personas, in this order:

    anonymous   no_rights   A_on_B   A_on_A   secretariat

- anonymous: not logged in;
- no_rights: Charlie, logged in, edits nothing;
- A_on_B: Alice, editor of committee A, on committee B's objects;
- A_on_A: Alice on committee A's own objects;
- secretariat: Sara, on committee B's objects.

Outcomes: ok (2xx, or a redirect that is not to the log-in page; for a POST with a body, the
database changed), unchanged (a POST with a valid body answered without an error status, but the
form refused the choice and saved nothing: an editor of A naming committee B in a new meeting),
login (redirect to log-in), 400, 403, 404, 405. Logged-in personas have given their second
factor (as after the authenticator code), so the matrix is about rights, not two-factor log-in.

Every refused POST, and every GET, is checked in the database: no row of any of the portal's
tables (history included) changed. Every POST that succeeds with a body must change something:
that proves the body was valid, so that the refusals above are real. Each persona's request runs
in a savepoint that is rolled back, so the personas see the same world; the world is built once
for the module.
"""

import itertools
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from helsefellesskap import follows
from helsefellesskap.models import Subscriber
from tests.actionplan.endpoints import ENDPOINTS
from tests.factories import make_user
from tests.security.world import PDF, clients, fingerprint, objects_of, refresh
from tests.test_fuzz_every_url import _content_tables, portal_routes

PERSONAS = ("anonymous", "no_rights", "A_on_B", "A_on_A", "secretariat")
# Which committee's objects each persona's request is about.
SIDE = {"anonymous": "b", "no_rights": "b", "A_on_B": "b", "A_on_A": "a", "secretariat": "b"}

# --- Requests: a URL and (for pages that write) a valid body.


def at(name, *attributes):
    """A request to `name` with path arguments read from the side's objects ("meeting.pk");
    an argument that is not a string is given as it is (a year)."""

    def build(world, side):
        o = objects_of(world, side)
        args = []
        for attribute in attributes:
            if not isinstance(attribute, str):
                args.append(attribute)
                continue
            value = o
            for part in attribute.split("."):
                value = getattr(value, part)
            args.append(value)
        return reverse(name, args=args), None

    return build


def with_body(request, body):
    """The request with a POST body made from the side's objects (or, to try naming another
    committee's objects, from `body_side`'s)."""

    def build(world, side, body_side=None):
        url, _ = request(world, side)
        return url, body(objects_of(world, body_side or side), world)

    build.names_objects = body in BODIES_NAMING_OBJECTS
    return build


ENDPOINT = {endpoint.name: endpoint.build for endpoint in ENDPOINTS}


def _meeting_body(o, world, **fields):
    return {
        "title": "Nytt møte",
        "committee": o.committee.pk,
        "date": "2026-06-01",
        "start_time": "10:00",
        "end_time": "11:00",
        "is_public": "on",
        "agenda-TOTAL_FORMS": 0,
        "agenda-INITIAL_FORMS": 0,
        **fields,
    }


def _series_body(o, world):
    return {
        "name": "Ny serie",
        "forum": "county",
        "committee": o.committee.pk,
        "frequency": o.series.frequency,
        "weekdays": [1],
        "start_time": "09:00",
        "end_time": "10:00",
        "valid_from": "2026-02-02",
    }


def _action_point_body(o, world):
    return {
        "text": "Følg opp",
        "status": "open",
        "committee": o.committee.pk,
        "measure": o.measure.pk,
    }


def _guideline_body(o, world):
    return {"committee": o.committee.pk, "status": o.guideline.status}


def _deadline_body(o, world):
    world.plan.open_revision(2024, by=None)
    return {"deadline": "2024-12-01"}


def _new_guideline_body(o, world):
    return {"title": "Ny", "body": "Tekst", **_guideline_body(o, world)}


def _report_body(o, world):
    return {"plan": world.plan.pk, "year": 2024, "committee": o.committee.pk}


# Bodies that name a committee, series or measure: an editor of A tries B's in them too.
BODIES_NAMING_OBJECTS = {
    _meeting_body,
    _series_body,
    _action_point_body,
    _guideline_body,
    _new_guideline_body,
    _report_body,
}


def _plan_document(o, world):
    """The plan as a Word document in its own layout, with this side's measure done in 2024."""
    from tests.actionplan.docx_builder import build_docx, plan_to_doc

    committees = plan_to_doc(
        world.plan, statuses=lambda m: {2024: ("done", "")} if m.pk == o.measure.pk else {}
    )
    data = build_docx(committees, years=world.plan.years)
    return {"document": ContentFile(data, name="plan.docx")}


def _upload(o, world):
    return {"title": "Vedlegg", "file": ContentFile(PDF, name="vedlegg.pdf")}


# --- Following by e-mail digest (helsefellesskap/follows.py).
_visitor_addresses = itertools.count()


def _follow_url(name):
    """follow/<kind>/<pk>/ for the side's committee."""
    return lambda world, side: (
        reverse(name, args=["committee", objects_of(world, side).committee.pk]),
        None,
    )


def _visitor_body(o, world):
    # A new address each time: the form allows a few confirmation e-mails per address a day.
    return {
        "email": f"besokar{next(_visitor_addresses)}@example.no",
        "frequency": "weekly",
        "language": "nn",
    }


def _confirm_url(world, side):
    token = follows.confirmation_token(
        email="besokar@example.no",
        kind="committee",
        object_id=objects_of(world, side).committee.pk,
        frequency="daily",
        language="nb",
    )
    return reverse("follows:confirm", args=[token]), None


def _unsubscribe_url(world, side):
    # Made inside the persona's savepoint, so each persona finds it and it is rolled back.
    subscriber = Subscriber.objects.create(email="besokar@example.no", confirmed_at=timezone.now())
    return reverse("follows:unsubscribe", args=[follows.unsubscribe_token(subscriber)]), None


def _manage_url(name, *path):
    """A visitor's own page by its signed link (the visitor made, following the side's
    committee, inside the persona's savepoint); `path` adds the committee to stop following."""

    def build(world, side):
        committee = objects_of(world, side).committee
        subscriber = Subscriber.objects.create(
            email="besokar@example.no", confirmed_at=timezone.now()
        )
        follows.follow_start(subscriber=subscriber, kind="committee", object_id=committee.pk)
        args = [follows.manage_token(subscriber), *(("committee", committee.pk) if path else ())]
        return reverse(name, args=args), None

    return build


@dataclass(frozen=True)
class Row:
    """One URL: its request, and the GET and POST outcomes in PERSONAS order."""

    request: object
    get: str
    post: str
    #: False for a POST that succeeds without a row changing (the language, log-out).
    writes: bool = True

    def expected(self, method):
        return dict(zip(PERSONAS, getattr(self, method.lower()).split(), strict=True))


def _person_body(o, world):
    return {"first_name": "Ny", "last_name": "Namn", "email": "ny@example.org", "language": "nb"}


def _person_url(name, user=lambda world: world.charlie, body=None):
    """A people page about one account (Charlie unless `user` makes another), with a body."""

    def build(world, side):
        return reverse(name, args=[user(world).pk]), body(world, side) if body else None

    return build


def _not_signed_up(world):
    """Someone invited who has not set up their sign-in yet."""
    user = make_user(email="invitert@example.org")
    user.set_unusable_password()
    user.save()
    return user


def _role_body(world, side):
    return {"role": "editor", "committee": objects_of(world, side).committee.pk}


# Shorthands for the commonest rows.
EVERYONE = "ok ok ok ok ok"
# A page that writes only by POST (log-in is checked first).
POST_ONLY = "login 405 405 405 405"
ALL_405 = "405 405 405 405 405"
# Pages with no object in the URL that any editor opens; a POST naming committee B is refused
# by the form (committee B is not offered to Alice).
EDITORS_CREATE = "login 403 unchanged ok ok"
LOGGED_IN = "login ok ok ok ok"
EDITORS = "login 403 403 ok ok"
SECRETARIAT = "login 403 403 403 ok"

MATRIX = {
    # --- Reading the plan: open to everyone; POST to a page that only reads gets 405 or the page.
    "home": Row(at("home"), EVERYONE, EVERYONE),
    "actionplan:overview": Row(at("actionplan:overview"), EVERYONE, EVERYONE),
    "actionplan:committee": Row(at("actionplan:committee", "committee.slug"), EVERYONE, EVERYONE),
    "actionplan:table": Row(at("actionplan:table"), EVERYONE, ALL_405),
    "actionplan:table_csv": Row(at("actionplan:table_csv"), EVERYONE, ALL_405),
    "actionplan:table_xlsx": Row(at("actionplan:table_xlsx"), EVERYONE, ALL_405),
    "actionplan:plan_docx": Row(at("actionplan:plan_docx"), EVERYONE, ALL_405),
    "actionplan:committee_docx": Row(
        at("actionplan:committee_docx", "committee.slug"), EVERYONE, ALL_405
    ),
    # The plan document: uploading shows a preview and saves nothing; applying writes.
    "actionplan:plan_import": Row(
        with_body(at("actionplan:plan_import"), _plan_document),
        SECRETARIAT,
        SECRETARIAT,
        writes=False,
    ),
    "actionplan:plan_import_apply": Row(ENDPOINT["plan_import_apply"], POST_ONLY, SECRETARIAT),
    "actionplan:measure": Row(at("actionplan:measure", "measure.pk"), EVERYONE, EVERYONE),
    # The whole history names the people who made each change: for those who log in.
    "actionplan:measure_history": Row(
        at("actionplan:measure_history", "measure.pk"), LOGGED_IN, ALL_405
    ),
    "actionplan:status_cell": Row(
        at("actionplan:status_cell", "measure.pk", 2024), EVERYONE, ALL_405
    ),
    # --- The yearly cycle and the editors' pages.
    "actionplan:revision_deadline": Row(
        with_body(at("actionplan:revision_deadline"), _deadline_body),
        SECRETARIAT,
        SECRETARIAT,
    ),
    "actionplan:my_reminders": Row(at("actionplan:my_reminders"), LOGGED_IN, LOGGED_IN),
    "actionplan:plan_next": Row(
        with_body(
            at("actionplan:plan_next"),
            lambda o, w: {"title": "Ny plan", "start_year": 2027, "end_year": 2030, "confirm": 1},
        ),
        SECRETARIAT,
        SECRETARIAT,
    ),
    "actionplan:dashboard": Row(at("actionplan:dashboard"), LOGGED_IN, LOGGED_IN),
    "actionplan:revision_board": Row(at("actionplan:revision_board"), SECRETARIAT, SECRETARIAT),
    "actionplan:revision_open": Row(ENDPOINT["revision_open"], POST_ONLY, SECRETARIAT),
    # Locking and unlocking ask on their own page first (GET), then act (POST).
    "actionplan:revision_lock": Row(ENDPOINT["revision_lock"], SECRETARIAT, SECRETARIAT),
    "actionplan:revision_unlock": Row(ENDPOINT["revision_unlock"], SECRETARIAT, SECRETARIAT),
    "actionplan:committee_editors": Row(ENDPOINT["committee_editors"], SECRETARIAT, SECRETARIAT),
    "actionplan:committee_person_link": Row(
        ENDPOINT["committee_person_link"], POST_ONLY, SECRETARIAT
    ),
    "actionplan:committee_editor_remove": Row(
        ENDPOINT["committee_editor_remove"], POST_ONLY, SECRETARIAT
    ),
    # --- The annual report.
    # Editors see their own committees' reports in the archive; Charlie none.
    "actionplan:reports": Row(at("actionplan:reports"), "login 403 ok ok ok", "login 403 ok ok ok"),
    "actionplan:report_new": Row(
        with_body(at("actionplan:report_new"), _report_body), POST_ONLY, "login 403 400 ok ok"
    ),
    "actionplan:report": Row(at("actionplan:report", "report.pk"), EDITORS, EDITORS),
    "actionplan:report_download": Row(
        at("actionplan:report_download", "report_file.pk"), EDITORS, EDITORS
    ),
    "actionplan:report_retry": Row(
        with_body(at("actionplan:report_retry", "report.pk"), lambda o, w: {"x": 1}),
        POST_ONLY,
        EDITORS,
    ),
    # --- Statuses and editing the plan (bodies shared with tests/actionplan/endpoints.py).
    "actionplan:status_update": Row(ENDPOINT["status_update"], EDITORS, EDITORS),
    "actionplan:report_year": Row(ENDPOINT["report_year"], EDITORS, EDITORS),
    "actionplan:committee_plan_edit": Row(
        at("actionplan:committee_plan_edit", "committee.slug"), EDITORS, EDITORS
    ),
    "actionplan:goal_create": Row(ENDPOINT["goal_create"], EDITORS, EDITORS),
    "actionplan:goal_edit": Row(ENDPOINT["goal_edit"], EDITORS, EDITORS),
    "actionplan:subgoal_create": Row(ENDPOINT["subgoal_create"], EDITORS, EDITORS),
    "actionplan:subgoal_edit": Row(ENDPOINT["subgoal_edit"], EDITORS, EDITORS),
    "actionplan:measure_create": Row(ENDPOINT["measure_create"], EDITORS, EDITORS),
    "actionplan:measure_edit": Row(ENDPOINT["measure_edit"], EDITORS, EDITORS),
    "actionplan:measure_restore_version": Row(
        ENDPOINT["measure_restore_version"], POST_ONLY, SECRETARIAT
    ),
    "actionplan:plan_item_move": Row(ENDPOINT["measure_move"], POST_ONLY, EDITORS),
    "actionplan:plan_item_retire": Row(ENDPOINT["measure_retire"], EDITORS, EDITORS),
    "actionplan:plan_item_restore": Row(ENDPOINT["plan_item_restore"], SECRETARIAT, SECRETARIAT),
    # --- Meetings: calendars and feeds for everyone.
    "meetings:upcoming": Row(at("meetings:upcoming"), EVERYONE, EVERYONE),
    "meetings:month_today": Row(at("meetings:month_today"), EVERYONE, EVERYONE),
    "meetings:month": Row(at("meetings:month", 2026, 3), EVERYONE, EVERYONE),
    "meetings:meeting_list": Row(at("meetings:meeting_list"), EVERYONE, EVERYONE),
    "meetings:calendar_feed": Row(at("meetings:calendar_feed"), EVERYONE, EVERYONE),
    "meetings:feeds": Row(at("meetings:feeds"), EVERYONE, EVERYONE),
    "meetings:series_feed": Row(at("meetings:series_feed", "series.pk"), EVERYONE, EVERYONE),
    "meetings:committee_feed": Row(
        at("meetings:committee_feed", "committee.slug"), EVERYONE, EVERYONE
    ),
    "meetings:meeting": Row(at("meetings:meeting", "meeting.pk"), EVERYONE, EVERYONE),
    "meetings:meeting_feed": Row(at("meetings:meeting_feed", "meeting.pk"), EVERYONE, EVERYONE),
    "meetings:attachment": Row(at("meetings:attachment", "attachment.pk"), EVERYONE, EVERYONE),
    "meetings:action_points": Row(at("meetings:action_points"), EVERYONE, ALL_405),
    "meetings:series_list": Row(at("meetings:series_list"), EVERYONE, EVERYONE),
    "meetings:series": Row(at("meetings:series", "series.pk"), EVERYONE, EVERYONE),
    # --- Organising meetings: the organising committee's editors and the secretariat.
    "meetings:meeting_create": Row(
        with_body(at("meetings:meeting_create"), _meeting_body),
        "login 403 ok ok ok",
        EDITORS_CREATE,
    ),
    "meetings:meeting_edit": Row(
        with_body(at("meetings:meeting_edit", "meeting.pk"), _meeting_body), EDITORS, EDITORS
    ),
    "meetings:attachment_add": Row(
        with_body(at("meetings:attachment_add", "meeting.pk"), _upload), POST_ONLY, EDITORS
    ),
    "meetings:attachment_withdraw": Row(
        with_body(at("meetings:attachment_withdraw", "attachment.pk"), lambda o, w: {"x": 1}),
        POST_ONLY,
        EDITORS,
    ),
    "meetings:minutes_export_new": Row(
        with_body(at("meetings:minutes_export_new", "meeting.pk"), lambda o, w: {"x": 1}),
        POST_ONLY,
        LOGGED_IN,
    ),
    "meetings:minutes_export": Row(
        at("meetings:minutes_export", "minutes_export.pk"), LOGGED_IN, LOGGED_IN
    ),
    "meetings:minutes_export_download": Row(
        at("meetings:minutes_export_download", "minutes_file.pk"), LOGGED_IN, LOGGED_IN
    ),
    "meetings:minutes_export_retry": Row(
        with_body(at("meetings:minutes_export_retry", "minutes_export.pk"), lambda o, w: {"x": 1}),
        POST_ONLY,
        LOGGED_IN,
    ),
    "meetings:action_point_create": Row(
        with_body(at("meetings:action_point_create", "meeting.pk"), _action_point_body),
        EDITORS,
        EDITORS,
    ),
    "meetings:action_point_edit": Row(
        with_body(at("meetings:action_point_edit", "action_point.pk"), _action_point_body),
        EDITORS,
        EDITORS,
    ),
    "meetings:series_create": Row(
        with_body(at("meetings:series_create"), _series_body),
        "login 403 ok ok ok",
        EDITORS_CREATE,
    ),
    "meetings:series_edit": Row(
        with_body(at("meetings:series_edit", "series.pk"), _series_body), EDITORS, EDITORS
    ),
    "meetings:series_exception_create": Row(
        with_body(
            at("meetings:series_exception_create", "series.pk"),
            lambda o, w: {"original_date": "2026-02-02", "cancelled": "on"},
        ),
        EDITORS,
        EDITORS,
    ),
    # --- Guidelines: reading for everyone, writing for the owning committee and the secretariat.
    "guidelines:library": Row(at("guidelines:library"), EVERYONE, EVERYONE),
    # Any editor's list of guidelines due for review (of their own committees).
    "guidelines:review_due": Row(
        at("guidelines:review_due"), "login 403 ok ok ok", "login 403 ok ok ok"
    ),
    "guidelines:detail": Row(at("guidelines:detail", "guideline.slug"), EVERYONE, EVERYONE),
    "guidelines:pdf": Row(at("guidelines:pdf", "guideline.slug"), EVERYONE, EVERYONE),
    "guidelines:versions": Row(at("guidelines:versions", "guideline.slug"), EVERYONE, EVERYONE),
    "guidelines:compare": Row(at("guidelines:compare", "guideline.slug"), EVERYONE, EVERYONE),
    "guidelines:version": Row(at("guidelines:version", "guideline.slug", 1), EVERYONE, EVERYONE),
    "guidelines:attachment": Row(
        at("guidelines:attachment", "guideline.slug", "guideline_attachment.pk"),
        EVERYONE,
        EVERYONE,
    ),
    "guidelines:create": Row(
        with_body(at("guidelines:create"), _new_guideline_body),
        "login 403 ok ok ok",
        EDITORS_CREATE,
    ),
    "guidelines:edit": Row(
        with_body(at("guidelines:edit", "guideline.slug"), _guideline_body), EDITORS, EDITORS
    ),
    "guidelines:publish": Row(
        with_body(
            at("guidelines:publish", "guideline.slug"),
            lambda o, w: {"title": "Ny tittel", "body": "Ny tekst", "change_note": "Endra"},
        ),
        EDITORS,
        EDITORS,
    ),
    "guidelines:attachments": Row(
        with_body(at("guidelines:attachments", "guideline.slug"), _upload), EDITORS, EDITORS
    ),
    "guidelines:remove_attachment": Row(
        with_body(
            at("guidelines:remove_attachment", "guideline.slug", "guideline_attachment.pk"),
            lambda o, w: {"x": 1},
        ),
        POST_ONLY,
        EDITORS,
    ),
    # --- Accounts: each persona on their own account.
    "two_factor:overview": Row(at("two_factor:overview"), LOGGED_IN, LOGGED_IN),
    "two_factor:setup": Row(at("two_factor:setup"), LOGGED_IN, LOGGED_IN),
    "two_factor:verify": Row(at("two_factor:verify"), LOGGED_IN, LOGGED_IN),
    "two_factor:recovery_codes": Row(at("two_factor:recovery_codes"), ALL_405, LOGGED_IN),
    # The secretariat must keep its second factor.
    "two_factor:disable": Row(at("two_factor:disable"), ALL_405, "login ok ok ok 403"),
    "login": Row(at("login"), EVERYONE, EVERYONE),
    "logout": Row(at("logout"), ALL_405, EVERYONE, writes=False),
    # Sign-in at an OpenID provider: none is configured here, so the provider's page is 404 and
    # a callback without a state of this session goes back to the log-in page, changing nothing.
    "oidc_login": Row(
        lambda w, s: (reverse("oidc_login", args=["entra"]), None), "404 404 404 404 404", ALL_405
    ),
    "oidc_callback": Row(at("oidc_callback"), "login login login login login", ALL_405),
    "password_change": Row(at("password_change"), LOGGED_IN, LOGGED_IN),
    "password_change_done": Row(at("password_change_done"), LOGGED_IN, POST_ONLY),
    "password_reset": Row(at("password_reset"), EVERYONE, EVERYONE),
    "password_reset_done": Row(at("password_reset_done"), EVERYONE, ALL_405),
    "password_reset_confirm": Row(
        lambda w, s: (reverse("password_reset_confirm", args=["MQ", "bad-token"]), None),
        EVERYONE,
        EVERYONE,
    ),
    "password_reset_complete": Row(at("password_reset_complete"), EVERYONE, ALL_405),
    "set_language": Row(
        with_body(at("set_language"), lambda o, w: {"language": "nb"}),
        EVERYONE,
        EVERYONE,
        writes=False,
    ),
    # --- People and roles: the secretariat's; each persona's own profile; an invitation's link
    # (a forged one here: refused for everyone, nothing changed).
    "people:profile": Row(with_body(at("people:profile"), _person_body), LOGGED_IN, LOGGED_IN),
    "people:list": Row(at("people:list"), SECRETARIAT, POST_ONLY),
    "people:invite": Row(with_body(at("people:invite"), _person_body), SECRETARIAT, SECRETARIAT),
    "people:person": Row(_person_url("people:person"), SECRETARIAT, POST_ONLY),
    "people:role_add": Row(_person_url("people:role_add", body=_role_body), POST_ONLY, SECRETARIAT),
    "people:role_remove": Row(
        _person_url(
            "people:role_remove",
            user=lambda w: w.alice,
            body=lambda w, s: {"role": "editor", "committee": w.committee_a.pk},
        ),
        POST_ONLY,
        SECRETARIAT,
    ),
    "people:invite_again": Row(
        _person_url("people:invite_again", user=_not_signed_up, body=lambda w, s: {"x": 1}),
        POST_ONLY,
        SECRETARIAT,
    ),
    "people:deactivate": Row(
        _person_url("people:deactivate", body=lambda w, s: {"x": 1}), POST_ONLY, SECRETARIAT
    ),
    "people:reactivate": Row(
        _person_url(
            "people:reactivate",
            user=lambda w: make_user(is_active=False),
            body=lambda w, s: {"x": 1},
        ),
        POST_ONLY,
        SECRETARIAT,
    ),
    "people:committee_members": Row(
        at("people:committee_members", "committee.slug"), EDITORS, POST_ONLY
    ),
    "people:invitation_oidc": Row(
        lambda w, s: (reverse("people:invitation_oidc", args=["MQ:forged:x", "entra"]), None),
        ALL_405,
        "400 400 400 400 400",
    ),
    "people:invitation": Row(
        lambda w, s: (reverse("people:invitation", args=["MQ:forged:x"]), None),
        "400 400 400 400 400",
        "400 400 400 400 400",
    ),
    # --- The open-data API: read-only, the same public view for everybody (no POST).
    # ninja's own root (nothing there), schema and documentation page answer any method.
    "api:api-root": Row(at("api:api-root"), "404 404 404 404 404", "404 404 404 404 404"),
    "api:openapi-json": Row(at("api:openapi-json"), EVERYONE, EVERYONE, writes=False),
    "api:openapi-view": Row(at("api:openapi-view"), EVERYONE, EVERYONE, writes=False),
    # Atom feeds.
    "actionplan:status_feed": Row(at("actionplan:status_feed"), EVERYONE, ALL_405),
    "actionplan:committee_status_feed": Row(
        at("actionplan:committee_status_feed", "committee.slug"), EVERYONE, ALL_405
    ),
    "guidelines:changes_feed": Row(at("guidelines:changes_feed"), EVERYONE, ALL_405),
    "meetings:minutes_feed": Row(at("meetings:minutes_feed"), EVERYONE, ALL_405),
    "dcat_ttl": Row(at("dcat_ttl"), EVERYONE, ALL_405),
    "dcat_jsonld": Row(at("dcat_jsonld"), EVERYONE, ALL_405),
    "api:plans": Row(at("api:plans"), EVERYONE, ALL_405),
    "api:plan": Row(lambda w, s: (reverse("api:plan", args=[w.plan.pk]), None), EVERYONE, ALL_405),
    "api:committees": Row(at("api:committees"), EVERYONE, ALL_405),
    "api:committee": Row(at("api:committee", "committee.slug"), EVERYONE, ALL_405),
    "api:goals": Row(at("api:goals"), EVERYONE, ALL_405),
    "api:goal": Row(at("api:goal", "goal.pk"), EVERYONE, ALL_405),
    "api:subgoals": Row(at("api:subgoals"), EVERYONE, ALL_405),
    "api:subgoal": Row(at("api:subgoal", "subgoal.pk"), EVERYONE, ALL_405),
    "api:measures": Row(at("api:measures"), EVERYONE, ALL_405),
    "api:measure": Row(at("api:measure", "measure.pk"), EVERYONE, ALL_405),
    "api:priority_groups": Row(at("api:priority_groups"), EVERYONE, ALL_405),
    "api:series_list": Row(at("api:series_list"), EVERYONE, ALL_405),
    "api:series": Row(at("api:series", "series.pk"), EVERYONE, ALL_405),
    "api:meetings": Row(at("api:meetings"), EVERYONE, ALL_405),
    # The API is the public's view: a meeting that is not public is not there, for anybody.
    "api:meeting": Row(at("api:meeting", "private_meeting.pk"), "404 404 404 404 404", ALL_405),
    "api:action_points": Row(at("api:action_points"), EVERYONE, ALL_405),
    "api:guidelines": Row(at("api:guidelines"), EVERYONE, ALL_405),
    "api:guideline": Row(at("api:guideline", "guideline.slug"), EVERYONE, ALL_405),
    "api:guideline_version": Row(
        at("api:guideline_version", "guideline.slug", 1), EVERYONE, ALL_405
    ),
    # --- Following by e-mail digest: the button for those signed in, by a confirmed address
    # for visitors, the digest's own unsubscribe link without log-in, and one's own settings.
    "follows:follow": Row(
        with_body(_follow_url("follows:follow"), lambda o, w: {"next": "/"}), POST_ONLY, LOGGED_IN
    ),
    # Nobody follows committee B in the world: stopping answers and changes nothing.
    "follows:unfollow": Row(
        with_body(_follow_url("follows:unfollow"), lambda o, w: {"next": "/"}),
        POST_ONLY,
        LOGGED_IN,
        writes=False,
    ),
    # The form sends the confirmation e-mail and stores nothing until it is confirmed.
    "follows:subscribe": Row(
        with_body(_follow_url("follows:subscribe"), _visitor_body), EVERYONE, EVERYONE, writes=False
    ),
    "follows:confirm": Row(with_body(_confirm_url, lambda o, w: {"x": 1}), EVERYONE, EVERYONE),
    "follows:unsubscribe": Row(
        with_body(_unsubscribe_url, lambda o, w: {"List-Unsubscribe": "One-Click"}),
        EVERYONE,
        EVERYONE,
    ),
    # A visitor's own follows, by the signed link: the link is the right, for everyone.
    "follows:manage": Row(
        with_body(
            _manage_url("follows:manage"), lambda o, w: {"frequency": "daily", "language": "en"}
        ),
        EVERYONE,
        EVERYONE,
    ),
    "follows:manage_unfollow": Row(
        with_body(_manage_url("follows:manage_unfollow", "committee"), lambda o, w: {"x": 1}),
        ALL_405,
        EVERYONE,
    ),
    "follows:manage_stop_everything": Row(
        with_body(_manage_url("follows:manage_stop_everything"), lambda o, w: {"x": 1}),
        ALL_405,
        EVERYONE,
    ),
    # Sends the link to a confirmed visitor's address (here: none), stores nothing.
    "follows:manage_link": Row(
        with_body(at("follows:manage_link"), _visitor_body), EVERYONE, EVERYONE, writes=False
    ),
    "follows:mine": Row(
        with_body(at("follows:mine"), lambda o, w: {"frequency": "daily", "language": "nb"}),
        LOGGED_IN,
        LOGGED_IN,
    ),
    "styleguide": Row(at("styleguide"), SECRETARIAT, SECRETARIAT),
    "healthz": Row(at("healthz"), EVERYONE, ALL_405),
    "accessibility": Row(at("accessibility"), EVERYONE, ALL_405),
    "privacy": Row(at("privacy"), EVERYONE, ALL_405),
    "site_search": Row(at("site_search"), EVERYONE, ALL_405),
}


# --- Running the matrix.


def _outcome(response) -> str:
    code = response.status_code
    if 300 <= code < 400:
        target = urlparse(response["Location"]).path
        return "login" if target == reverse("login") else "ok"
    return "ok" if code < 300 else str(code)


def _send(client, method, url, body):
    if method == "GET":
        return client.get(url)
    response = client.post(url, body or {})
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def observe(world, row, method, persona_clients, tables):
    """What each persona gets, and what went wrong in the database."""
    got, problems = {}, []
    for persona in PERSONAS:
        with transaction.atomic():
            refresh(world)
            url, body = row.request(world, SIDE[persona])
            before = fingerprint(tables)
            response = _send(persona_clients[persona], method, url, body)
            changed = fingerprint(tables) != before
            transaction.set_rollback(True)
        got[persona] = _outcome(response)
        if method == "POST" and body and row.writes and got[persona] == "ok" and not changed:
            # The page answered, but nothing was saved: the form refused what was asked.
            got[persona] = "unchanged"
        if changed and (method == "GET" or got[persona] != "ok"):
            problems.append(f"{persona} {method} {url} -> {got[persona]} changed the database")
    return got, problems


ROUTE_NAMES = [route.name for route in portal_routes()]


def _not_in_matrix() -> list[str]:
    return [route.name for route in portal_routes() if route.name not in MATRIX]


def test_every_url_is_in_the_matrix():
    missing = _not_in_matrix()
    assert not missing, (
        "add these to the rights matrix (tests/security/test_rights_matrix.py): "
        + ", ".join(missing)
    )
    stale = sorted(set(MATRIX) - set(ROUTE_NAMES))
    assert not stale, f"the rights matrix names URLs that no longer exist: {stale}"


def test_a_new_url_without_an_entry_is_found(settings):
    settings.ROOT_URLCONF = "tests.security.urls_with_a_new_page"
    assert _not_in_matrix() == ["new_page"]


@pytest.mark.parametrize("name", sorted(set(ROUTE_NAMES) & set(MATRIX)))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rights(name, method, security_world, db):
    world = security_world
    row = MATRIX[name]
    got, problems = observe(world, row, method, clients(world), _content_tables())
    table = "  ".join(f"{p}={got[p]}" for p in PERSONAS)
    assert got == row.expected(method), f"{method} {name}: got {table}\n" + "\n".join(problems)
    assert not problems, "\n".join(problems)


CROSS_ROWS = sorted(
    name for name, row in MATRIX.items() if getattr(row.request, "names_objects", False)
)


@pytest.mark.parametrize("name", CROSS_ROWS)
def test_an_editor_cannot_name_another_committees_objects_on_her_own_page(name, security_world, db):
    """Alice on committee A's page (or a page with no object) with committee B's committee,
    series or measure in the body: refused, and nothing changed."""
    world = security_world
    client = clients(world)["A_on_A"]
    tables = _content_tables()
    url, body = MATRIX[name].request(world, "a", body_side="b")
    before = fingerprint(tables)
    response = _send(client, "POST", url, body)
    changed = fingerprint(tables) != before
    assert response.status_code in (200, 400, 403), (url, response.status_code)
    assert not changed, f"Alice saved committee B's objects through {url}: {body}"


# A meeting that is not public: the URLs that name it, as if it did not exist for those who do
# not organise it (404, so its existence does not show), and open to its organisers.
PRIVATE_MEETING_ROWS = {
    "meetings:meeting": Row(at("meetings:meeting", "private_meeting.pk"), "404 404 404 ok ok", ""),
    "meetings:meeting_feed": Row(
        at("meetings:meeting_feed", "private_meeting.pk"), "404 404 404 ok ok", ""
    ),
    "meetings:minutes_export_new": Row(
        with_body(at("meetings:minutes_export_new", "private_meeting.pk"), lambda o, w: {"x": 1}),
        "",
        "login 404 404 ok ok",
    ),
}


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (name, m)
        for name, row in PRIVATE_MEETING_ROWS.items()
        for m in ("GET", "POST")
        if getattr(row, m.lower())
    ],
)
def test_a_meeting_that_is_not_public_shows_only_to_its_organisers(
    name, method, security_world, db
):
    row = PRIVATE_MEETING_ROWS[name]
    got, problems = observe(security_world, row, method, clients(security_world), _content_tables())
    assert got == row.expected(method), f"{method} {name}: got {got}\n" + "\n".join(problems)
    assert not problems, "\n".join(problems)
