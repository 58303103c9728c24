"""Fault: many editors set statuses of the same measures at the same moment, through the web
page, on a real PostgreSQL. Each editor who is told "someone saved since" saves again on top of
what is now stored, as the page invites them to. Nothing may be lost or counted twice: every
change an editor made is in the history exactly once, in one unbroken version sequence.

(tests/actionplan/test_concurrency_postgres.py covers the model method with the loser giving up;
this one goes through the view, and every change must land in the end.)
"""

import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from actionplan.models import MeasureStatus
from tests.artifacts import record_figures
from tests.factories import make_editor_world, make_measure, make_user

EDITORS = 8
CHANGES_PER_EDITOR = 15
YEARS = (2024, 2025)
MAX_TRIES = 100


class Outcome:
    """What the editors saw, gathered from their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.accepted = []  # (measure id, year, note, status, editor id)
        self.conflicts = 0
        self.unexpected = []  # (status code, body start)


def _current_version(measure_id, year) -> int:
    row = MeasureStatus.objects.filter(measure_id=measure_id, year=year).first()
    return row.version if row else 0


def _editor(user, measure_ids, barrier, outcome, seed):
    rng = random.Random(seed)
    client = Client()
    client.force_login(user)
    try:
        barrier.wait()
        for n in range(CHANGES_PER_EDITOR):
            measure_id, year = rng.choice(measure_ids), rng.choice(YEARS)
            status = rng.choice(["done", "in_progress", "not_done"])
            note = f"{user.username}-{n}"
            url = reverse("actionplan:status_update", args=[measure_id, year])
            # The page shows the version stored now; the editor thinks a moment, then saves.
            version = _current_version(measure_id, year)
            for _ in range(MAX_TRIES):
                time.sleep(rng.random() / 500)
                data = {"status": status, "note": note, "version": version, "reason": ""}
                response = client.post(url, data)
                if response.status_code == 302:
                    with outcome.lock:
                        outcome.accepted.append((measure_id, year, note, status, user.pk))
                    break
                if response.status_code != 409:
                    with outcome.lock:
                        outcome.unexpected.append((response.status_code, response.content[:300]))
                    return
                # "Someone saved since": the form now rests on their version; save again.
                with outcome.lock:
                    outcome.conflicts += 1
                version = _current_version(measure_id, year)
            else:
                with outcome.lock:
                    outcome.unexpected.append(("gave up", note))
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_status_updates_through_the_page_lose_and_duplicate_nothing():
    world = make_editor_world()
    measures = [
        world.measure_a,
        make_measure(world.goal_a, "Tiltak A2", subgoal=world.subgoal_a),
        make_measure(world.goal_a, "Tiltak A3"),
    ]
    measure_ids = [measure.pk for measure in measures]
    editors = [make_user(f"redaktor{i}") for i in range(EDITORS)]
    world.committee_a.editors.add(*editors)

    outcome, barrier = Outcome(), threading.Barrier(EDITORS)
    threads = [
        threading.Thread(target=_editor, args=(user, measure_ids, barrier, outcome, i))
        for i, user in enumerate(editors)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    seconds = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads)

    assert outcome.unexpected == []
    intended = EDITORS * CHANGES_PER_EDITOR
    assert len(outcome.accepted) == intended  # every change landed in the end
    assert outcome.conflicts > 0, "the editors should have collided"

    history = list(
        MeasureStatus.history.values_list("measure_id", "year", "version", "note", "status")
    )
    # Nothing lost and nothing twice: each accepted change is one history row, and only those.
    notes = Counter(note for *_, note, _ in history)
    assert sorted(notes) == sorted(note for _, _, note, _, _ in outcome.accepted)
    assert set(notes.values()) == {1}
    by_row = {}
    for measure_id, year, version, note, status in history:
        by_row.setdefault((measure_id, year), []).append((version, note, status))
    for (measure_id, year), versions in by_row.items():
        versions.sort()
        # One unbroken version sequence per status: no two saves claimed the same version.
        assert [v for v, _, _ in versions] == list(range(1, len(versions) + 1))
        row = MeasureStatus.objects.get(measure_id=measure_id, year=year)
        # The stored status is the last accepted save, not an older one written over it.
        assert (row.version, row.note, row.status) == versions[-1]
    history_users = set(MeasureStatus.history.values_list("history_user", flat=True))
    assert history_users <= {user.pk for user in editors}

    record_figures(
        "concurrent_status_updates",
        {
            "database": connection.vendor,
            "editors (threads)": EDITORS,
            "measures": len(measures),
            "years": len(YEARS),
            "changes made": intended,
            "changes in history": len(history),
            "conflicts answered 409 and saved again": outcome.conflicts,
            "lost": intended - len(notes),
            "duplicated": sum(count - 1 for count in notes.values()),
            "seconds": round(seconds, 1),
        },
    )
