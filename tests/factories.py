"""Small builders for what a test needs. Each returns a saved object."""

from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from actionplan.models import (
    Committee,
    Goal,
    Measure,
    MeasureStatus,
    Person,
    Plan,
    PriorityGroup,
    SubGoal,
)
from helsefellesskap.secretariat import SECRETARIAT_GROUP

_seq = count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(username=None, *, secretariat=False, password=PASSWORD, **fields):
    username = username or f"user{next(_seq)}"
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if secretariat:
        group, _ = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
        user.groups.add(group)
    return user


def make_person(name=None, *, user=None, **fields):
    return Person.objects.create(name=name or f"Person {next(_seq)}", user=user, **fields)


# --- The test world's people, defined once. tests/conftest.py offers them as fixtures (alice,
# bob, charlie, sara, with committees A and B); tests that cannot take a function fixture
# (module-scoped data, a live server's thread, a backup made before the test database) call
# these. Anyone else a test needs is made with make_user and a name of its own.


def _make_editor(first_name, last_name, edits):
    user = make_user(
        first_name.lower(),
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}@example.org",
    )
    make_person(f"{first_name} {last_name}", user=user)
    if edits is not None:
        edits.editors.add(user)
    return user


def make_alice(*, edits=None):
    """Alice Aasen, who edits committee A (`edits`) and nothing else."""
    return _make_editor("Alice", "Aasen", edits)


def make_bob(*, edits=None):
    """Bob Berg, who edits committee B (`edits`) and nothing else."""
    return _make_editor("Bob", "Berg", edits)


def make_charlie():
    """Charlie Christensen is signed in and may edit nothing."""
    return make_user(
        "charlie", first_name="Charlie", last_name="Christensen", email="charlie@example.org"
    )


def make_sara():
    """Sara Sekretær from the secretariat: may edit everything."""
    return make_user(
        "sara", secretariat=True, first_name="Sara", last_name="Sekretær", email="sara@example.org"
    )


def person_of(user):
    """The person (name in the plan) a persona is."""
    return Person.objects.get(user=user)


def make_plan(**fields):
    defaults = {
        "title": "Felles handlingsplan 2023-2026",
        "motto": "Heilskaplege helsetenester",
        "start_year": 2023,
        "end_year": 2026,
        "first_status_year": 2022,
    }
    return Plan.objects.create(**{**defaults, **fields})


def make_committee(name=None, *, leader=None, deputy=None, editors=(), **fields):
    n = next(_seq)
    name = name or f"Utval {n}"
    committee = Committee.objects.create(
        name=name,
        short_name=fields.pop("short_name", name),
        slug=fields.pop("slug", f"utval-{n}"),
        leader=leader,
        deputy=deputy,
        order=fields.pop("order", n),
        **fields,
    )
    committee.editors.add(*editors)
    return committee


def make_goal(plan, committee, text=None, **fields):
    return Goal.objects.create(
        plan=plan, committee=committee, text=text or f"Hovudmål {next(_seq)}", **fields
    )


def make_subgoal(goal, text=None, **fields):
    return SubGoal.objects.create(goal=goal, text=text or f"Delmål {next(_seq)}", **fields)


def make_measure(goal, text=None, *, subgoal=None, priority_groups=(), **fields):
    measure = Measure.objects.create(
        goal=goal, subgoal=subgoal, text=text or f"Tiltak {next(_seq)}", **fields
    )
    measure.priority_groups.add(*priority_groups)
    return measure


def make_status(measure, year, status="", note="", **fields):
    return MeasureStatus.objects.create(
        measure=measure, year=year, status=status, note=note, **fields
    )


def make_priority_groups():
    names = [
        ("barn-og-unge", "Barn og unge"),
        ("psykisk-rus", "Personar med alvorlege psykiske lidingar og rusproblem"),
        ("skropelege-eldre", "Skrøpelege eldre"),
        ("kroniske-lidingar", "Personar med fleire kroniske lidingar"),
    ]
    return [
        PriorityGroup.objects.get_or_create(slug=slug, defaults={"name": name, "order": i})[0]
        for i, (slug, name) in enumerate(names)
    ]


def make_plan_with_measures(n_measures, *, committees=3, among=None, plan=None, years=(2023, 2024)):
    """A plan with n measures spread over committees (new ones, or those `among`) and goals,
    each with statuses."""
    plan = plan or make_plan()
    groups = make_priority_groups()
    made = []
    comms = list(among) if among else [make_committee() for _ in range(committees)]
    current = {}  # committee pk -> (goal, subgoal) that new measures go under
    for i in range(n_measures):
        committee = comms[i % len(comms)]
        if committee.pk not in current or i % 7 == 0:
            goal = make_goal(plan, committee)
            current[committee.pk] = (goal, make_subgoal(goal))
        goal, subgoal = current[committee.pk]
        measure = make_measure(goal, subgoal=subgoal, priority_groups=[groups[i % 4]])
        for y, status in zip(years, ["done", "in_progress"], strict=False):
            make_status(measure, y, status)
        made.append(measure)
    return plan, made


def make_report(plan, year=2024, *, committee=None, by=None, **fields):
    """An annual report row (not rendered) of a plan, year and scope."""
    from actionplan.models import Report

    return Report.objects.create(
        plan=plan, year=year, committee=committee, requested_by=by, **fields
    )


def make_revision_year(plan, year, *, locked=False, by=None, deadline=None):
    """An opened (and optionally locked) revision year."""
    revision = plan.open_revision(year, by=by, deadline=deadline)
    if locked:
        revision.lock(by=by)
    return revision


def make_editor_world(*, alice=None, committee_a=None, committee_b=None):
    """Committee A (Alice edits it) and committee B, each with a goal, sub-goal and measure.

    The test world's fixtures (tests/conftest.py) pass in their own Alice and committees; tests
    that cannot use fixtures (a live server in another thread) let it make them."""
    from types import SimpleNamespace

    plan = make_plan()
    alice = alice or make_alice()
    committee_a = committee_a or make_committee("Utval A", slug="utval-a", editors=[alice])
    committee_b = committee_b or make_committee("Utval B", slug="utval-b")
    goal_a = make_goal(plan, committee_a, order=10)
    goal_b = make_goal(plan, committee_b, order=10)
    subgoal_a = make_subgoal(goal_a, order=10)
    subgoal_b = make_subgoal(goal_b, order=10)
    return SimpleNamespace(
        plan=plan,
        alice=alice,
        committee_a=committee_a,
        committee_b=committee_b,
        goal_a=goal_a,
        goal_b=goal_b,
        subgoal_a=subgoal_a,
        subgoal_b=subgoal_b,
        measure_a=make_measure(goal_a, "Tiltak A", subgoal=subgoal_a, order=10),
        measure_b=make_measure(goal_b, "Tiltak B", subgoal=subgoal_b, order=10),
    )


def make_guideline(title=None, *, body="", committee=None, priority_groups=(), by=None, **fields):
    """A guideline with its text published as version 1."""
    from guidelines.models import Guideline

    title = title or f"Retningsline {next(_seq)}"
    guideline = Guideline.objects.create(title=title, body=body, committee=committee, **fields)
    guideline.priority_groups.add(*priority_groups)
    guideline.publish_current_text(by=by)
    return guideline


# --- Meetings


def make_series(name=None, **fields):
    import datetime

    from meetings.models import MeetingSeries

    defaults = {
        "name": name or f"Samarbeidsmøte {next(_seq)}",
        "forum": "county",
        "weekdays": [0],
        "start_time": datetime.time(12, 30),
        "end_time": datetime.time(13, 30),
        "valid_from": datetime.date(2026, 1, 5),
    }
    return MeetingSeries.objects.create(**{**defaults, **fields})


def make_meeting(title=None, **fields):
    from meetings.models import Meeting

    return Meeting.objects.create(title=title or f"Møte {next(_seq)}", **fields)


def make_agenda_item(meeting, title=None, **fields):
    from meetings.models import AgendaItem

    return AgendaItem.objects.create(meeting=meeting, title=title or f"Sak {next(_seq)}", **fields)


def make_action_point(meeting, text=None, **fields):
    from meetings.models import ActionPoint

    return ActionPoint.objects.create(
        meeting=meeting, text=text or f"Aksjonspunkt {next(_seq)}", **fields
    )


def make_series_change(series, original_date, *, moved_to=None, **fields):
    """Cancel one date of a series, or move it when moved_to (an aware datetime) is given."""
    from meetings.models import SeriesException

    return SeriesException.objects.create(
        series=series,
        original_date=original_date,
        cancelled=moved_to is None,
        new_start=moved_to,
        **fields,
    )


def make_totp_device(user, *, confirmed=True):
    """An authenticator app for the user (django-otp TOTP device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=confirmed)


def current_totp(device) -> str:
    """The 6-digit code the user's authenticator app shows now."""
    from django_otp.oath import totp

    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def log_in_with_two_factor(client, user):
    """Log in with password and authenticator code, as a person would (device made if needed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or make_totp_device(user)
    client.force_login(user)
    response = client.post("/accounts/two-factor/verify/", {"token": current_totp(device)})
    assert response.status_code == 302, "the authenticator code was refused"
    return device
