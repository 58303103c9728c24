"""Bad input everywhere: hostile requests to every URL of the portal never give a server error,
and never change anything the sender has no right to change.

The URLs are not listed by hand: they are read from the resolver, so a page added on any branch is
fuzzed as soon as it is merged. Path parameters are filled with real ids and slugs of data built
here, and with hostile ones (huge, negative, non-existent, malformed). Query strings and form
posts carry random and hostile values (very long strings, control characters, NUL, HTML/JS, SQL
fragments, invalid dates and ids, unicode), with every HTTP method, with and without a CSRF
token, as anonymous, as a committee editor and as the secretariat.

The number of requests sent is printed and written to fuzz_requests.json in the test artifacts
folder (tests/artifacts.py).
"""

import json
import re
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import count
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from django.urls.resolvers import (
    _PATH_PARAMETER_COMPONENT_RE,
    LocalePrefixPattern,
    RegexPattern,
    RoutePattern,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.artifacts import artifacts_dir
from tests.factories import (
    make_action_point,
    make_agenda_item,
    make_alice,
    make_committee,
    make_goal,
    make_guideline,
    make_measure,
    make_meeting,
    make_person,
    make_plan_with_measures,
    make_series,
    make_series_change,
    make_status,
    make_subgoal,
    make_totp_device,
)

# Hypothesis examples per URL pattern and persona: the three tests take about 90 s on the
# (busy) 2-core development machine. The editor gets most: hers are the subtle rights.
EXAMPLES_PER_URL = {"anonymous": 5, "editor": 9, "secretariat": 5}

# Alice's own committee's objects get ids from here on, so that no id of another committee's
# object (numbered from 1 by the database) can ever point at one of hers.
OWN_ID_BASE = 100_000

# --- The portal's URLs, read from the resolver.

# Prefixes that are not the portal's own pages.
SKIPPED_PREFIXES = ("admin/", "static/", "media/", "__debug__/")
KNOWN_CONVERTERS = {
    IntConverter: "int",
    SlugConverter: "slug",
    StringConverter: "str",
    PathConverter: "path",
    UUIDConverter: "uuid",
}
# Path parameters that are not objects: a year, a month, a version number, a reset token.
NOT_OBJECTS = {"year", "month", "number", "uidb64", "token"}


@dataclass(frozen=True)
class Slot:
    """A path parameter: its name, what the resolver accepts there, and its kind."""

    name: str
    regex: str
    kind: str
    hint: str = ""  # the path segment before it ("measures"): which model its value names

    @property
    def is_object(self) -> bool:
        return self.name not in NOT_OBJECTS and self.kind != "literal-regex"


@dataclass(frozen=True)
class Route:
    """One URL pattern: literal text and slots, in order."""

    name: str
    parts: tuple

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(part for part in self.parts if isinstance(part, Slot))


def _regex_kind(regex: str) -> str:
    if re.fullmatch(regex, "123") and not re.fullmatch(regex, "abc"):
        return "int"
    return "regex"


def _named_groups(regex: str):
    """Split a regex into literal text and (name, sub-regex) for each top-level named group."""
    out, i, literal = [], 0, ""
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name_end = regex.index(">", i)
            depth, j = 1, name_end + 1
            while depth:
                if regex[j] == "\\":
                    j += 2
                    continue
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            out.append(literal)
            out.append((regex[i + 4 : name_end], regex[name_end + 1 : j - 1]))
            literal, i = "", j
        elif regex[i] == "\\":
            literal += regex[i : i + 2]
            i += 2
        else:
            literal += regex[i]
            i += 1
    out.append(literal)
    return out


def _regex_parts(regex: str) -> tuple:
    regex = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    parts = []
    for piece in _named_groups(regex):
        if isinstance(piece, tuple):
            name, sub = piece
            parts.append(Slot(name, sub, _regex_kind(sub)))
            continue
        text = re.sub(r"\\(.)", r"\1", piece)
        if re.search(r"[()\[\]?*+|{}^$]", text):
            # Not plain text (an unnamed group, a quantifier): generate the whole piece.
            parts.append(Slot("", piece, "literal-regex"))
        elif text:
            parts.append(text)
    return tuple(parts)


def _pattern_parts(pattern) -> tuple:
    if isinstance(pattern, RoutePattern):
        route, parts, last = str(pattern), [], 0
        for match in _PATH_PARAMETER_COMPONENT_RE.finditer(route):
            parts.append(route[last : match.start()])
            name = match["parameter"]
            converter = pattern.converters[name]
            kind = KNOWN_CONVERTERS.get(type(converter), "other")
            parts.append(Slot(name, converter.regex, kind))
            last = match.end()
        parts.append(route[last:])
        return tuple(part for part in parts if part != "")
    if isinstance(pattern, LocalePrefixPattern):
        return (pattern.language_prefix,) if pattern.language_prefix else ()
    if isinstance(pattern, RegexPattern):
        return _regex_parts(pattern._regex)
    # A pattern class of its own: let the generator satisfy whatever it matches.
    return (Slot("", pattern.regex.pattern, "literal-regex"),)


def _is_file_server(callback) -> bool:
    module = getattr(callback, "__module__", "") or ""
    return module.startswith(("django.views.static", "whitenoise"))


def _walk(patterns, prefix=(), namespace=""):
    for entry in patterns:
        parts = prefix + _pattern_parts(entry.pattern)
        literal_start = "".join(p for p in parts if isinstance(p, str))
        if literal_start.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, parts, inner)
        elif isinstance(entry, URLPattern) and not _is_file_server(entry.callback):
            yield Route(f"{namespace}{entry.name or entry.pattern}", _with_hints(parts))


def _with_hints(parts) -> tuple:
    out, segment = [], ""
    for part in parts:
        if isinstance(part, Slot):
            out.append(replace(part, hint=segment))
        else:
            segment = [s for s in part.split("/") if s][-1:] or [segment]
            segment = segment[0]
            out.append(part)
    return tuple(out)


def portal_routes() -> list[Route]:
    """Every URL pattern of the portal except the admin and file serving."""
    return list(_walk(get_resolver().url_patterns))


# --- Hostile values.

LONG = "å" * 10_000
HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\x1b[31m\x07\x08",
    "\u202eevil\u202c",
    "\ufeff",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
    "' OR '1'='1' --",
    "1; DROP TABLE actionplan_measure; --",
    "%",
    "_",
    "\\",
    "../../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "2024-02-30",
    "0000-00-00",
    "31.12.2024",
    "9999-12-31T25:61:00",
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "9" * 60,
    "1e309",
    "NaN",
    "-inf",
    "null",
    "[]",
    '{"a": 1}',
    "true",
    "Ærlig åtferd øyeblikkeleg",
    "😀" * 50,
    "İß\u0301ﷺ",
    "x" * 301,
    LONG,
]
HOSTILE_INTS = ["0", "-1", "2147483648", "9223372036854775808", "9" * 40, "1e3", "٣", " 1"]
HOSTILE_SLUGS = ["does-not-exist", "a" * 300, "--", "æøå", "a b", "a%00", "<b>"]
METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
# Parameter names the portal's pages read, besides the fields found on each page.
COMMON_NAMES = [
    "q",
    "page",
    "sort",
    "year",
    "month",
    "committee",
    "status",
    "priority_group",
    "plan",
    "next",
    "_export",
    "format",
    "version",
    "note",
    "text",
    "title",
    "direction",
    "user",
    "history_id",
    "reason",
    "date",
    "series",
    "measure",
    "csrfmiddlewaretoken",
    "file",
]


def _model_key(word: str) -> str:
    """ "action-points" -> "actionpoint", "series" -> "series": to match model names."""
    word = re.sub(r"[^a-z]", "", word.lower())
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "series")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Pools:
    """Real values for path parameters and form fields, tagged by whose they are."""

    ids: dict  # model name -> ((own ids), (other ids)); own: Alice's committee A's objects
    slugs: dict  # model name -> ((own slugs), (other slugs))
    user_ids: tuple
    years: tuple
    version_numbers: tuple
    words: tuple  # real choice values: statuses, forums, kinds

    def real(self, slot: Slot, values: dict) -> list:
        """(value, tag) of the objects the slot most likely names, else of every object."""
        key = _model_key(slot.hint)
        matching = [name for name in values if key and name.endswith(key) and any(values[name])]
        own, other = set(), set()
        # No rows of the model the URL names (one this test does not build): any object's.
        for name in matching or values:
            own.update(values[name][0])
            other.update(values[name][1])
        return _tagged(sorted(own), "own") + _tagged(sorted(other), "other")

    @property
    def all_ids(self) -> list:
        return sorted({pk for own, other in self.ids.values() for pk in own + other})


def _tagged(values, tag):
    return [(str(v), tag) for v in values]


def _slot_values(slot: Slot, pools: Pools):
    """(value, tag) for one path parameter; tag is "own", "other" or "none"."""
    hostile_ints = st.sampled_from(_tagged(HOSTILE_INTS, "none"))
    if slot.kind == "int":
        if slot.name == "year":
            real = _tagged([*pools.years, 1900, 9999], "none")
        elif slot.name == "month":
            real = _tagged(range(0, 14), "none")
        elif slot.name == "number":
            real = _tagged(pools.version_numbers, "none")
        elif slot.name in ("user_id", "user"):
            real = _tagged(pools.user_ids, "none")
        else:
            real = pools.real(slot, pools.ids)
            # An id of some other kind of object; Alice's own stay tagged as hers.
            anything = [(str(pk), "own" if pk > OWN_ID_BASE else "other") for pk in pools.all_ids]
            return st.one_of(st.sampled_from(real), st.sampled_from(anything), hostile_ints)
        return st.one_of(st.sampled_from(real), hostile_ints)
    if slot.kind == "slug":
        real = pools.real(slot, pools.slugs)
        return st.one_of(st.sampled_from(real), st.sampled_from(_tagged(HOSTILE_SLUGS, "none")))
    # str, path, uuid, regex groups and converters the portal may add later: anything the
    # resolver accepts there, or hostile text.
    fitting = st.from_regex(slot.regex, fullmatch=True).filter(lambda s: len(s) < 200)
    return st.one_of(
        fitting.map(lambda s: (s, "none")),
        st.sampled_from(_tagged(HOSTILE_SLUGS + HOSTILE_INTS, "none")),
    )


def _field_values(pools: Pools):
    real = [*pools.words, *map(str, pools.all_ids + list(pools.user_ids))]
    real += [str(y) for y in pools.years] + [date(2026, 3, 1).isoformat(), "12:30", "on"]
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(real),
        st.text(max_size=30),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
    )


def _path(route: Route, values) -> str:
    out, it = [], iter(values)
    for part in route.parts:
        out.append(quote(next(it)[0], safe="") if isinstance(part, Slot) else part)
    return "/" + "".join(out)


@dataclass
class Fuzzer:
    """Sends the requests, counts them, and checks what the portal answered."""

    routes: list
    field_names: dict  # route name -> names of the fields its page shows
    pools: Pools
    clients: dict  # csrf enforced? -> logged-in Client
    tried: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)

    def strategy(self, route: Route):
        """One hostile request to ``route``."""
        names = sorted({*self.field_names.get(route.name, ()), *COMMON_NAMES})
        field_value = _field_values(self.pools)
        return st.fixed_dictionaries(
            {
                "route": st.just(route),
                "values": st.tuples(*(_slot_values(slot, self.pools) for slot in route.slots)),
                "method": st.sampled_from(METHODS),
                "params": st.dictionaries(
                    st.one_of(st.sampled_from(names), st.text(max_size=12)),
                    st.one_of(field_value, st.lists(field_value, min_size=2, max_size=3)),
                    max_size=8,
                ),
                "upload": st.none() | st.sampled_from(HOSTILE_TEXT[:25]),
                "csrf_enforced": st.booleans(),
                "htmx": st.booleans(),
                "language": st.sampled_from(["nn", "nb", "en", "xx", "*", "\x7f;q=2"]),
            }
        )

    def send(self, request):
        client = self.clients[request["csrf_enforced"]]
        path = _path(request["route"], request["values"])
        method, params = request["method"], request["params"]
        headers = {"HTTP_ACCEPT_LANGUAGE": request["language"]}
        if request["htmx"]:
            headers["HTTP_HX_REQUEST"] = "true"
        query = urlencode(params, doseq=True)
        started = time.perf_counter()
        if method == "POST":
            data = dict(params)
            if request["upload"] is not None:
                data["file"] = SimpleUploadedFile(
                    request["upload"][:100] + ".pdf", b"%PDF-1.4 " + request["upload"].encode()
                )
            response = client.post(path, data, **headers)
        elif method in ("PUT", "PATCH"):
            response = client.generic(
                method, path, query, content_type="application/x-www-form-urlencoded", **headers
            )
        else:
            response = client.generic(method, f"{path}?{query}" if query else path, **headers)
        self.tried[request["route"].name] += 1
        self.seconds[request["route"].name] += time.perf_counter() - started
        if response.streaming:
            # Read it as a WSGI server would; the client closes it when it is read. (Closing it
            # by hand would fire request_finished and close the test's database connection.)
            b"".join(response.streaming_content)
        return path, response


def _discover_field_names(html: str) -> set[str]:
    return set(re.findall(r'\bname="([^"]+)"', html))


_own_ids = count(OWN_ID_BASE + 1)


def _own_pk() -> int:
    return next(_own_ids)


def _build_portal(alice):
    """A plan, meetings and guidelines for committee A (Alice edits it) and for others.

    Committee A's objects carry ids from OWN_ID_BASE up; everything else is numbered by the
    database from 1, so an id in other_ids never names one of Alice's objects.
    """
    plan, others = make_plan_with_measures(6, committees=2)
    committee_b = others[1].goal.committee
    leader = make_person("Bente Berg")
    series_b = make_series(committee=committee_b, leader=leader)
    meeting_b = make_meeting(committee=committee_b, series=series_b, date=date(2026, 3, 2))
    make_meeting(committee=committee_b, is_public=False, date=date(2026, 4, 2))
    make_meeting(date=date(2026, 5, 4))  # the secretariat's: no committee
    make_agenda_item(meeting_b, presenter=leader)
    make_action_point(meeting_b, measure=others[1], committee=committee_b)
    make_series_change(series_b, date(2026, 1, 12))
    guideline_b = make_guideline(body="# Føremål\n\nTekst.", committee=committee_b)
    make_guideline(body="Tekst utan utval.")  # the secretariat's: no committee
    _attach_files(meeting_b, guideline_b)

    committee_a = make_committee("Utval A", slug="utval-a", editors=[alice], pk=_own_pk())
    goal_a = make_goal(plan, committee_a, pk=_own_pk())
    subgoal_a = make_subgoal(goal_a, pk=_own_pk())
    measure_a = make_measure(goal_a, subgoal=subgoal_a, pk=_own_pk())
    make_status(measure_a, 2024, "in_progress", pk=_own_pk())
    series_a = make_series(committee=committee_a, pk=_own_pk())
    meeting_a = make_meeting(committee=committee_a, date=date(2026, 3, 9), pk=_own_pk())
    make_agenda_item(meeting_a, pk=_own_pk())
    make_action_point(meeting_a, measure=measure_a, committee=committee_a, pk=_own_pk())
    make_series_change(series_a, date(2026, 1, 19), pk=_own_pk())
    guideline_a = make_guideline(committee=committee_a, pk=_own_pk())
    _attach_files(meeting_a, guideline_a, pks=(_own_pk(), _own_pk()))
    # Annual reports, where the report pipeline is merged: a failed one of each committee.
    make_report = getattr(factories, "make_report", None)
    if make_report is not None:
        make_report(plan, committee=committee_b, state="failed", error="<b>feil</b>")
        make_report(plan, committee=committee_a, state="failed", pk=_own_pk())
    return plan


def _attach_files(meeting, guideline, pks=(None, None)):
    """A PDF on the meeting and one on the guideline."""
    from guidelines.models import GuidelineAttachment
    from meetings.models import Attachment

    pdf = b"%PDF-1.4"
    Attachment.objects.create(
        pk=pks[0], meeting=meeting, title="Lysark", file=ContentFile(pdf, name="lysark.pdf")
    )
    GuidelineAttachment.objects.create(
        pk=pks[1],
        guideline=guideline,
        title="Skjema",
        file=ContentFile(pdf, name="skjema.pdf"),
        original_name="skjema.pdf",
        kind="pdf",
        size=len(pdf),
    )


def _pools(plan) -> Pools:
    from django.contrib.auth import get_user_model

    from actionplan.models import Status

    ids, slugs = {}, {}
    for model in _content_models():
        name = model._meta.model_name
        # History rows are not addressed by URL; their ids would only blur the pools.
        if name.startswith("historical") or not isinstance(model._meta.pk, models.AutoField):
            continue
        own = model.objects.filter(pk__gt=OWN_ID_BASE)
        other = model.objects.filter(pk__lte=OWN_ID_BASE)
        ids[name] = tuple(tuple(q.values_list("pk", flat=True)) for q in (own, other))
        if any(f.name == "slug" for f in model._meta.fields):
            slugs[name] = (
                tuple(own.values_list("slug", flat=True)),
                tuple(other.values_list("slug", flat=True)),
            )
    return Pools(
        ids=ids,
        slugs=slugs,
        user_ids=tuple(get_user_model().objects.values_list("pk", flat=True)),
        years=tuple(plan.years),
        version_numbers=(1, 2, 3),
        words=(*Status.values, "county", "up", "down", "pdf", "weekly", "csv", "xlsx"),
    )


def _project_apps():
    """The apps in this repository, not the installed packages (whose virtualenv may sit inside
    the checkout, as `make install` puts it)."""
    base = Path(django_settings.BASE_DIR).resolve()
    installed = Path(sys.prefix).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and not Path(config.path).resolve().is_relative_to(installed)
        and "site-packages" not in Path(config.path).parts
    }


def _content_models():
    """The portal's own models, their history and through tables, and users and groups."""
    labels = _project_apps() | {"auth"}
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels and not model._meta.proxy
    ]


def _content_tables() -> list[str]:
    return sorted({model._meta.db_table for model in _content_models()})


def _snapshot_query() -> str:
    tables = _content_tables()
    # Table names come from the model registry, not from a request.
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})"  # noqa: S608
        for t in tables
    )
    return f"SELECT {counts}"


def _snapshot(sql):
    """Row counts of every content table (history included, so any edit shows)."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


@pytest.fixture
def server_errors():
    """Tracebacks of exceptions the views raised (the client turns them into 500 pages)."""
    caught = []

    def receiver(sender, request=None, **kwargs):
        caught.append(traceback.format_exc())

    got_request_exception.connect(receiver, weak=False)
    yield caught
    got_request_exception.disconnect(receiver)


@pytest.fixture(scope="module")
def tried_by_persona():
    counts = {}
    yield counts
    artifact = artifacts_dir() / "fuzz_requests.json"
    previous = json.loads(artifact.read_text()) if artifact.exists() else {}
    previous.update(counts)
    previous["total"] = sum(v["requests"] for k, v in previous.items() if k != "total")
    artifact.write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n")
    print(f"\nfuzz: {previous['total']} requests in all, written to {artifact}")


def _log_in(client, user):
    """Log in with a second factor already given, as after the authenticator code: edit pages
    that ask for two-factor log-in are then fuzzed too, not only their redirect."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first() or make_totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _clients(user):
    clients = {}
    for enforced in (False, True):
        client = Client(enforce_csrf_checks=enforced, raise_request_exception=False)
        if user is not None:
            _log_in(client, user)
        clients[enforced] = client
    return clients


def _an_own_value(slot, pools):
    if slot.name == "year":
        return (str(pools.years[-1]), "none")
    if slot.name == "month":
        return ("3", "none")
    if slot.name in NOT_OBJECTS:
        return ("1", "none")
    real = pools.real(slot, pools.slugs if slot.kind == "slug" else pools.ids)
    return next((value for value in real if value[1] == "own"), ("1", "none"))


def _fuzzer(alice, sara):
    routes = portal_routes()
    plan = _build_portal(alice)
    pools = _pools(plan)
    # Each page's own fields, read from what it shows the secretariat with real values.
    reader = Client(raise_request_exception=False)
    _log_in(reader, sara)
    field_names, readable = {}, []
    for route in routes:
        values = [_an_own_value(slot, pools) for slot in route.slots]
        response = reader.get(_path(route, values))
        if response.status_code == 200:
            readable.append(route.name)
        if response.get("Content-Type", "").startswith("text/html"):
            field_names[route.name] = _discover_field_names(response.content.decode())
    # Most pages open for the secretariat with real values: the fuzzing reaches past log-in,
    # two-factor and "not found" into the views themselves.
    assert len(readable) > len(routes) / 2, f"only {readable} opened"
    return routes, field_names, pools


def _run(persona, user, alice, sara, tried_by_persona, server_errors, *, guard):
    """Send EXAMPLES[persona] hostile requests as ``user``; where ``guard(request)`` holds,
    assert that the request changed no row."""
    routes, field_names, pools = _fuzzer(alice, sara)
    fuzzer = Fuzzer(routes, field_names, pools, _clients(user))
    sql, tables = _snapshot_query(), _content_tables()
    assert len(routes) >= 40, "the resolver walk found too few URLs"

    def check(request):
        must_not_change = guard(request)
        before = _snapshot(sql) if must_not_change else None
        client = fuzzer.clients[request["csrf_enforced"]]
        session = client.cookies.get("sessionid")
        server_errors.clear()
        path, response = fuzzer.send(request)
        context = f"{persona} {request['method']} {path} {request['params']!r}"
        assert response.status_code < 500, f"{context}\n{''.join(server_errors)}"
        if must_not_change:
            after = _snapshot(sql)
            changed = [t for t, b, a in zip(tables, before, after, strict=True) if a != b]
            assert not changed, f"{persona} changed {changed}: {context}"
        # Logging out (or a changed password) ends the session: log the persona in again.
        if user is not None and client.cookies.get("sessionid") != session:
            _log_in(client, user)

    # Route by route, so that every URL gets its share however many there are.
    for route in routes:

        @settings(
            max_examples=EXAMPLES_PER_URL[persona],
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(request=fuzzer.strategy(route))
        def hostile_requests_to_one_url(request):
            check(request)

        hostile_requests_to_one_url()

    total = sum(fuzzer.tried.values())
    slowest = fuzzer.seconds.most_common(3)
    tried_by_persona[persona] = {
        "requests": total,
        "urls": len(routes),
        "seconds": round(sum(fuzzer.seconds.values()), 1),
        "slowest_urls": {name: round(seconds, 1) for name, seconds in slowest},
    }
    print(f"\nfuzz {persona}: {total} requests over {len(routes)} URL patterns")
    assert all(fuzzer.tried[route.name] for route in routes)


def test_anonymous_hostile_requests_change_nothing_and_never_fail(
    db, secretariat, tried_by_persona, server_errors
):
    alice = make_alice()
    _run(
        "anonymous",
        None,
        alice,
        secretariat,
        tried_by_persona,
        server_errors,
        guard=lambda r: True,
    )


def _touches_only_others(request) -> bool:
    """A URL about another committee's objects (or none that exist), none of Alice's own."""
    pairs = list(zip(request["route"].slots, request["values"], strict=True))
    has_object = any(slot.is_object for slot, _ in pairs)
    return has_object and all(tag != "own" for _, (_, tag) in pairs)


def test_editor_changes_nothing_of_other_committees_and_never_fails(
    db, secretariat, tried_by_persona, server_errors
):
    alice = make_alice()
    _run(
        "editor",
        alice,
        alice,
        secretariat,
        tried_by_persona,
        server_errors,
        guard=_touches_only_others,
    )


def test_secretariat_hostile_requests_never_fail(db, secretariat, tried_by_persona, server_errors):
    _run(
        "secretariat",
        secretariat,
        make_alice(),
        secretariat,
        tried_by_persona,
        server_errors,
        guard=lambda r: False,
    )
