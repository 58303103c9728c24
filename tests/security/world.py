"""The world the security suites run against: committees A (Alice edits it) and B, each with
one of everything a URL can name (goal, measure, series, meeting, guideline, files, reports).

Built once per test module (the `security_world` fixture, tests/security/conftest.py); each test
runs in a savepoint rolled back.
"""

import hashlib
from datetime import date
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client

from tests.factories import (
    make_action_point,
    make_agenda_item,
    make_charlie,
    make_editor_world,
    make_guideline,
    make_meeting,
    make_person,
    make_report,
    make_sara,
    make_series,
    make_series_change,
    make_status,
)


def build_world():
    world = make_editor_world()
    world.charlie = make_charlie()
    world.sara = make_sara()
    for side in "ab":
        committee = getattr(world, f"committee_{side}")
        measure = getattr(world, f"measure_{side}")
        make_status(measure, 2023, "in_progress")
        series = make_series(f"Samarbeidsmøte {side.upper()}", committee=committee)
        meeting = make_meeting(
            f"Møte {side.upper()}", committee=committee, series=series, date=date(2026, 3, 2)
        )
        leader = make_person(f"Leiar {side.upper()}")
        make_agenda_item(meeting, presenter=leader)
        guideline = make_guideline(
            f"Retningsline {side.upper()}", body="# Føremål\n\nTekst.", committee=committee
        )
        objects = {
            "series": series,
            "meeting": meeting,
            "action_point": make_action_point(meeting, measure=measure, committee=committee),
            "series_change": make_series_change(series, date(2026, 1, 12)),
            "attachment": _meeting_attachment(meeting),
            "guideline": guideline,
            "guideline_attachment": _guideline_attachment(guideline),
            "report": make_report(world.plan, committee=committee, state="failed", error="x"),
            "report_file": make_report(
                world.plan, committee=committee, state="done", file=ContentFile(PDF, name="r.pdf")
            ),
            "minutes_export": _minutes_export(meeting, state="failed", error="x"),
            # Seen only by those who organise it.
            "private_meeting": make_meeting(
                f"Internt møte {side.upper()}",
                committee=committee,
                is_public=False,
                date=date(2026, 3, 9),
            ),
            "minutes_file": _minutes_export(
                meeting, state="done", file=ContentFile(PDF, name="m.pdf")
            ),
        }
        for name, obj in objects.items():
            setattr(world, f"{name}_{side}", obj)
    return world


PDF = b"%PDF-1.4\n%%EOF\n"


def _meeting_attachment(meeting):
    from meetings.models import Attachment

    return Attachment.objects.create(
        meeting=meeting, title="Lysark", file=ContentFile(PDF, name="lysark.pdf")
    )


def _guideline_attachment(guideline):
    from guidelines.models import GuidelineAttachment

    return GuidelineAttachment.objects.create(
        guideline=guideline,
        title="Skjema",
        file=ContentFile(PDF, name="skjema.pdf"),
        original_name="skjema.pdf",
        kind="pdf",
        size=len(PDF),
    )


def _minutes_export(meeting, **fields):
    from meetings.models import MinutesExport

    return MinutesExport.objects.create(meeting=meeting, **fields)


def refresh(world):
    """Reload every object: an earlier persona's request was rolled back, Python objects not."""
    for value in vars(world).values():
        if hasattr(value, "refresh_from_db"):
            value.refresh_from_db()


def objects_of(world, side):
    """The objects of one committee, by their short names (world.goal_b -> o.goal)."""
    suffix = f"_{side}"
    return SimpleNamespace(
        **{k.removesuffix(suffix): v for k, v in vars(world).items() if k.endswith(suffix)}
    )


def fingerprint(tables) -> str:
    """A hash of every row of the given tables (history included): any write changes it."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in tables:
            # Table names come from the model registry, not from a request.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


def clients(world) -> dict:
    """A client per persona; the logged-in ones have given their second factor."""
    from tests.test_fuzz_every_url import _log_in

    made = {"anonymous": Client(raise_request_exception=False)}
    users = {"no_rights": world.charlie, "A_on_B": world.alice, "A_on_A": world.alice}
    users["secretariat"] = world.sara
    for persona, user in users.items():
        client = Client(raise_request_exception=False)
        _log_in(client, user)
        made[persona] = client
    return made
