"""Several editors save the same statuses at the same moment on a real PostgreSQL: every
accepted save is in the history exactly once, refused saves change nothing, nothing is lost."""

import random
import threading
import time
from collections import defaultdict

import pytest
from django.db import connection

from actionplan.models import Measure, MeasureStatus
from actionplan.services import measure_status_set
from actionplan.versioning import VersionConflict
from tests.factories import make_editor_world, make_measure, make_user

THREADS = 6
ATTEMPTS = 12
YEARS = (2024, 2025)


def _editor_saves(user, measure_ids, barrier, accepted, refused, lock, seed):
    rng = random.Random(seed)
    try:
        barrier.wait()
        for attempt in range(ATTEMPTS):
            measure = Measure.objects.select_related("goal__plan").get(pk=rng.choice(measure_ids))
            year = rng.choice(YEARS)
            current = MeasureStatus.objects.filter(measure=measure, year=year).first()
            expected = current.version if current else 0
            time.sleep(rng.random() / 200)  # the editor reads, thinks, then saves
            note = f"{user.username}-{attempt}"
            try:
                saved = measure_status_set(
                    measure=measure,
                    year=year,
                    status=rng.choice(["done", "in_progress", "not_done"]),
                    note=note,
                    by=user,
                    expected_version=expected,
                )
            except VersionConflict:
                with lock:
                    refused.append(note)
            else:
                with lock:
                    accepted[(measure.pk, year)].append((saved.version, note, user.pk))
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_status_saves_keep_every_accepted_change_in_history():
    world = make_editor_world()
    second = make_measure(world.goal_a, "Tiltak A2", subgoal=world.subgoal_a)
    measure_ids = [world.measure_a.pk, second.pk]
    editors = [make_user(f"redaktor{i}") for i in range(THREADS)]
    world.committee_a.editors.add(*editors)

    accepted, refused, lock = defaultdict(list), [], threading.Lock()
    barrier = threading.Barrier(THREADS)
    threads = [
        threading.Thread(
            target=_editor_saves,
            args=(user, measure_ids, barrier, accepted, refused, lock, i),
        )
        for i, user in enumerate(editors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    total_accepted = sum(len(saves) for saves in accepted.values())
    assert total_accepted + len(refused) == THREADS * ATTEMPTS
    assert refused, "the editors should have collided at least once"

    for (measure_id, year), saves in accepted.items():
        row = MeasureStatus.objects.get(measure_id=measure_id, year=year)
        history = list(
            row.history.order_by("version").values_list("version", "note", "history_user")
        )
        # Each accepted save is one version, in the history exactly once, with its author.
        assert history == sorted(saves)
        assert [version for version, _, _ in history] == list(range(1, len(saves) + 1))
        # The row holds the last accepted save: nothing overwritten behind anyone's back.
        assert (row.version, row.note) == max(saves)[:2]

    refused_notes = set(refused)
    stored_notes = set(MeasureStatus.history.values_list("note", flat=True))
    assert not refused_notes & stored_notes
    assert MeasureStatus.objects.count() == len(accepted)
