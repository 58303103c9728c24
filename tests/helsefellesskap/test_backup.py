"""Backup and restore: everything goes into one archive and comes back identical into an empty
database; a restore never overwrites anything and leaves nothing half-done."""

import io
import json
import shutil
import sys
import tarfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from actionplan.models import Measure, MeasureStatus, RevisionYear, Status
from helsefellesskap.backup import backed_up_models, media_files
from tests.factories import (
    make_alice,
    make_committee,
    make_goal,
    make_measure,
    make_plan_with_measures,
    make_sara,
    make_status,
    make_user,
    person_of,
)

REPORT = b"%PDF-1.7 a generated report\n" + bytes(range(256)) * 40


def build_portal_content():
    """Plan, statuses with history, users with memberships and an uploaded file."""
    sara = make_sara()
    alice = make_alice()
    plan, measures = make_plan_with_measures(15)
    committee = measures[0].goal.committee
    committee.editors.add(alice)
    committee.leader = person_of(alice)
    committee.save()
    # History: each save records a historical row, with who made it.
    status = measures[0].statuses.get(year=2023)
    for value in (Status.NOT_DONE, Status.IN_PROGRESS, Status.DONE):
        status.status = value
        status.note = f"Endra til {value}"
        status._history_user = alice
        status.save()
    measure = measures[1]
    measure.text = "Tiltak med ny tekst – «æøå»"
    measure.save()
    measure.priority_groups.clear()
    RevisionYear.objects.create(plan=plan, year=2024, opened_by=sara)
    default_storage.save("reports/plan-2024.pdf", ContentFile(REPORT))
    default_storage.save("guidelines/rettleiar.txt", ContentFile("Rettleiar for samhandling\n"))
    return plan


def snapshot() -> dict:
    """Every backed-up row, exactly (microseconds kept), and every media file."""
    rows = {
        model._meta.label_lower: serializers.serialize(
            "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        for model in backed_up_models()
    }
    media = {}
    for name in media_files():
        with default_storage.open(name, "rb") as file:
            media[name] = file.read()
    return {"rows": rows, "media": media}


def empty_the_portal(settings):
    """What a fresh installation has: a migrated database and no files.

    The tests run outside a test transaction (transactional_db): PostgreSQL cannot empty tables
    inside a transaction that has pending constraint checks."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def archive(transactional_db, tmp_path):
    """A backup of the built content, as a file."""
    build_portal_content()
    path = tmp_path / "backup.tar.gz"
    call_command("backup", str(path), verbosity=0)
    return path


def test_restore_brings_back_everything_identical(transactional_db, settings, tmp_path):
    build_portal_content()
    before = snapshot()
    path = tmp_path / "backup.tar.gz"
    call_command("backup", str(path))
    empty_the_portal(settings)
    assert MeasureStatus.objects.count() == 0

    call_command("restore", str(path))

    after = snapshot()
    assert set(after["media"]) == {"reports/plan-2024.pdf", "guidelines/rettleiar.txt"}
    assert after["media"] == before["media"]
    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, label
    # The round trip really carried content, history and memberships.
    assert len(before["rows"]["actionplan.historicalmeasurestatus"]) >= 15 + 3
    assert len(before["rows"]["actionplan.historicalmeasure_priority_groups"]) >= 1
    assert MeasureStatus.history.filter(history_user__username="alice").count() == 3
    assert get_user_model().objects.get(username="sara").groups.get().name == "secretariat"
    assert (
        get_user_model().objects.get(username="sara").check_password("correct-horse-battery-staple")
    )


def test_after_a_restore_everyone_logs_in_again(archive, settings, client):
    """Sessions are read from the cache (helsefellesskap/sessions.py): a copy there must not
    bring back a session the restored database does not have."""
    client.force_login(get_user_model().objects.get(username="sara"))
    assert client.get("/").wsgi_request.user.is_authenticated
    empty_the_portal(settings)
    call_command("restore", str(archive), verbosity=0)

    assert not client.get("/").wsgi_request.user.is_authenticated


def test_restored_database_takes_new_content(archive, settings):
    empty_the_portal(settings)
    call_command("restore", str(archive), verbosity=0)
    highest = Measure.objects.order_by("-pk").first()

    # Fresh ids do not collide with restored ones (sequences follow the restored rows).
    goal = make_goal(highest.goal.plan, make_committee())
    measure = make_measure(goal)
    make_status(measure, 2025, Status.DONE)
    make_user("nina")
    Group.objects.create(name="redaksjon")

    assert measure.pk > highest.pk


def test_restore_refuses_a_database_that_is_not_empty(archive):
    statuses = MeasureStatus.objects.count()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), verbosity=0)

    assert MeasureStatus.objects.count() == statuses


def test_restore_refuses_to_overwrite_media_files(archive, settings):
    call_command("flush", interactive=False, verbosity=0)
    default_storage.delete("guidelines/rettleiar.txt")

    with pytest.raises(CommandError, match="already exist"):
        call_command("restore", str(archive), verbosity=0)

    assert get_user_model().objects.count() == 0


def test_restore_rejects_a_truncated_archive(archive, settings):
    empty_the_portal(settings)
    archive.write_bytes(archive.read_bytes()[:2000])

    with pytest.raises(CommandError, match="Not a readable backup archive"):
        call_command("restore", str(archive), verbosity=0)

    assert get_user_model().objects.count() == 0


def _rewrite_archive(path, change):
    """Copy the archive with `change(name, data) -> data` applied to every file in it."""
    members = []
    with tarfile.open(path, "r:gz") as original:
        for member in original.getmembers():
            data = original.extractfile(member).read() if member.isfile() else None
            members.append((member, data))
    with tarfile.open(path, "w:gz") as rewritten:
        for member, data in members:
            if data is not None:
                data = change(member.name, data)
                member.size = len(data)
                rewritten.addfile(member, io.BytesIO(data))
            else:
                rewritten.addfile(member)


def test_restore_of_a_damaged_media_file_changes_nothing(archive, settings):
    empty_the_portal(settings)
    _rewrite_archive(
        archive,
        lambda name, data: data[:-1] + b"X" if name == "media/reports/plan-2024.pdf" else data,
    )

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(archive), verbosity=0)

    assert get_user_model().objects.count() == 0
    assert MeasureStatus.history.count() == 0
    assert not default_storage.exists("guidelines/rettleiar.txt")


def test_restore_rejects_entries_outside_the_archive_layout(archive, settings):
    empty_the_portal(settings)
    with tarfile.open(archive, "r:gz") as original:
        members = [(m, original.extractfile(m).read()) for m in original.getmembers()]
    with tarfile.open(archive, "w:gz") as hostile:
        for member, data in members:
            hostile.addfile(member, io.BytesIO(data))
        intruder = tarfile.TarInfo("../../etc/cron.d/intruder")
        intruder.size = 4
        hostile.addfile(intruder, io.BytesIO(b"evil"))

    with pytest.raises(CommandError, match="Unexpected entry"):
        call_command("restore", str(archive), verbosity=0)

    assert get_user_model().objects.count() == 0


def test_backup_refuses_to_overwrite_an_archive(archive):
    with pytest.raises(CommandError, match="not overwriting"):
        call_command("backup", str(archive), verbosity=0)


def test_restore_refuses_a_backup_from_another_schema_version(archive, settings):
    empty_the_portal(settings)

    def from_a_newer_portal(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append(["actionplan", "9999_from_the_future"])
        return json.dumps(manifest).encode()

    _rewrite_archive(archive, from_a_newer_portal)

    with pytest.raises(CommandError, match=r"schema differs.*actionplan\.9999_from_the_future"):
        call_command("restore", str(archive), verbosity=0)


def test_backup_and_restore_stream_through_standard_output_and_input(
    transactional_db, settings, monkeypatch
):
    """As in `docker compose exec -T web python manage.py backup - > portal.tar.gz`."""
    build_portal_content()
    before = snapshot()
    stdout = io.TextIOWrapper(io.BytesIO())
    monkeypatch.setattr(sys, "stdout", stdout)
    call_command("backup", "-")
    streamed = stdout.buffer.getvalue()
    monkeypatch.undo()
    empty_the_portal(settings)

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(streamed)))
    call_command("restore", "-", stdout=io.StringIO())

    assert snapshot() == before


def test_real_plan_with_its_history_survives_a_round_trip(transactional_db, settings, tmp_path):
    call_command("load_real_plan", verbosity=0)
    sara = make_sara()
    # A year of reporting on top of the document: new statuses and changed ones, with history.
    for measure in Measure.objects.active().order_by("pk")[:20]:
        status, _ = MeasureStatus.objects.get_or_create(measure=measure, year=2025)
        status.status = Status.IN_PROGRESS
        status.note = "Oppfølgt i 2025 – «arbeid pågår»"
        status._history_user = sara
        status.save()
    before = snapshot()
    path = tmp_path / "backup.tar.gz"
    call_command("backup", str(path), verbosity=0)
    empty_the_portal(settings)

    call_command("restore", str(path), verbosity=0)

    after = snapshot()
    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, label
    assert len(before["rows"]["actionplan.measure"]) > 100
    assert len(before["rows"]["actionplan.historicalmeasurestatus"]) >= 20
    assert MeasureStatus.history.filter(history_user=sara, year=2025).count() >= 20


def test_the_laid_out_pdf_parts_are_left_out_of_the_backup(settings):
    """A cache rebuilt by the next render (in the bucket under STORAGE_BACKEND=s3 too)."""
    default_storage.save("pdf-parts/abc.pdf", ContentFile(b"%PDF part"))
    default_storage.save("reports/report.pdf", ContentFile(REPORT))

    assert list(media_files()) == ["reports/report.pdf"]
