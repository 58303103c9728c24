"""Files in S3-compatible object storage (STORAGE_BACKEND=s3), against moto's S3 server on
loopback: attachments and rendered reports land in the private bucket, come back only through the
portal's permission-checked views (streamed, never a redirect to a bucket address), /healthz
writes its probe there, and a backup carries the bucket's files through a restore."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from actionplan import services
from actionplan.models import Report
from guidelines.models import GuidelineAttachment
from helsefellesskap.uploads import STORAGE_UNAVAILABLE
from meetings.models import Attachment, MinutesExport
from meetings.services import minutes_export_request
from tests.artifacts import record_figures
from tests.factories import (
    make_alice,
    make_charlie,
    make_committee,
    make_guideline,
    make_meeting,
    make_plan_with_measures,
    make_sara,
    person_of,
)

pytestmark = [pytest.mark.s3, pytest.mark.django_db(transaction=True)]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bucket_names(s3) -> set[str]:
    """The files in the bucket, the laid-out PDF parts' cache (pdf-parts/) left out."""
    listing = s3.list_objects_v2(Bucket=s3.bucket)
    names = {item["Key"] for item in listing.get("Contents", [])}
    return {name for name in names if not name.startswith("pdf-parts/")}


def bucket_bytes(s3, name: str) -> bytes:
    return s3.get_object(Bucket=s3.bucket, Key=name)["Body"].read()


@pytest.fixture
def editor_and_guideline(db):
    committee = make_committee("Fagleg samarbeidsutval for rehabilitering", slug="rehabilitering")
    alice = make_alice()
    committee.leader = person_of(alice)
    committee.save()
    return alice, make_guideline("Samarbeid om innlegging", committee=committee)


def _storages_from_environment(**env) -> dict:
    """settings.STORAGES["default"] as the portal builds it from these environment variables."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.STORAGES['default'], default=repr))"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter and a fixed snippet
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "helsefellesskap.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_storage_backend_s3_from_the_environment_is_a_private_bucket():
    storage = _storages_from_environment(
        STORAGE_BACKEND="s3",
        S3_BUCKET="portal-files",
        S3_ENDPOINT_URL="https://s3.example.no",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
    )

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"]) == (
        "portal-files",
        "https://s3.example.no",
    )
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    assert options["default_acl"] is None  # no public-read
    assert options["file_overwrite"] is False
    assert "connect_timeout" not in options  # set inside client_config, shown as its repr
    assert options["client_config"].startswith("<botocore.config.Config")


def test_the_local_folder_stays_the_default():
    storage = _storages_from_environment(STORAGE_BACKEND="")

    assert storage["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_the_default_storage_is_the_bucket(s3_storage, settings):
    name = default_storage.save("probe/hello.txt", ContentFile(b"hei"))

    assert bucket_bytes(s3_storage, name) == b"hei"
    assert not (settings.MEDIA_ROOT / "probe").exists()
    # A name is never reused for other bytes: a second save gets a name of its own.
    assert default_storage.save("probe/hello.txt", ContentFile(b"hallo")) != name


def test_a_guideline_attachment_goes_to_the_bucket_and_back_through_the_portal(
    client, s3_storage, editor_and_guideline
):
    alice, guideline = editor_and_guideline
    client.force_login(alice)
    upload = SimpleUploadedFile("Retningsline.pdf", PDF_BYTES)

    response = client.post(
        reverse("guidelines:attachments", args=[guideline.slug]), {"file": upload, "title": "R"}
    )

    assert response.status_code == 302
    attachment = GuidelineAttachment.objects.get()
    assert bucket_names(s3_storage) == {attachment.file.name}
    assert bucket_bytes(s3_storage, attachment.file.name) == PDF_BYTES
    download = client.get(attachment.get_absolute_url())
    # Streamed by the portal after its check: no redirect to a (presigned or public) bucket URL.
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "Retningsline.pdf" in download["Content-Disposition"]


def test_a_removed_attachment_in_the_bucket_is_not_served(client, s3_storage, editor_and_guideline):
    alice, guideline = editor_and_guideline
    client.force_login(alice)
    client.post(
        reverse("guidelines:attachments", args=[guideline.slug]),
        {"file": SimpleUploadedFile("R.pdf", PDF_BYTES), "title": "R"},
    )
    attachment = GuidelineAttachment.objects.get()
    attachment.remove(by=alice)

    assert client.get(attachment.get_absolute_url()).status_code == 404
    # History kept: the file itself stays in the bucket.
    assert attachment.file.name in bucket_names(s3_storage)


def test_a_rendered_report_is_stored_in_the_bucket_and_served_only_to_its_readers(
    client, s3_storage
):
    plan, _ = make_plan_with_measures(3)
    sara = make_sara()
    report, _ = services.report_request(plan=plan, year=2024, by=sara)
    report.refresh_from_db()
    download_url = reverse("actionplan:report_download", args=[report.pk])

    assert report.file.name in bucket_names(s3_storage)
    assert bucket_bytes(s3_storage, report.file.name).startswith(b"%PDF")
    assert bucket_bytes(s3_storage, report.file.name).__len__() == report.size
    client.force_login(make_charlie())
    assert client.get(download_url).status_code in {403, 404}
    client.force_login(sara)
    download = client.get(download_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_healthz_writes_its_probe_in_the_bucket_and_leaves_nothing(client, s3_storage, settings):
    settings.CELERY_BROKER_URL = ""

    body = client.get("/healthz").json()

    assert body["checks"]["media_storage"]["status"] == "ok"
    assert bucket_names(s3_storage) == set()


def test_healthz_names_the_object_storage_when_its_endpoint_is_down(client, s3_storage, settings):
    settings.CELERY_BROKER_URL = ""
    options = settings.STORAGES["default"]["OPTIONS"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.STORAGES["default"],
            # Nothing listens on port 1 of the loopback address.
            "OPTIONS": {**options, "endpoint_url": "http://127.0.0.1:1"},
        },
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["media_storage"]


def test_backup_and_restore_round_trip_the_buckets_attachments_and_reports(
    client, s3_storage, editor_and_guideline, settings, tmp_path
):
    alice, guideline = editor_and_guideline
    client.force_login(alice)
    client.post(
        reverse("guidelines:attachments", args=[guideline.slug]),
        {"file": SimpleUploadedFile("Retningsline.pdf", PDF_BYTES), "title": "R"},
    )
    plan, _ = make_plan_with_measures(2)
    sara = make_sara()
    report, _ = services.report_request(plan=plan, year=2024, by=sara)
    report.refresh_from_db()
    # A meeting's attachment and its minutes as PDF: every kind of file the portal keeps.
    meeting = make_meeting("Utvalsmøte", committee=guideline.committee)
    client.force_login(sara)
    client.post(
        f"/meetings/{meeting.pk}/attachments/",
        {"title": "Lysark", "file": SimpleUploadedFile("lysark.pdf", PDF_BYTES + b"lysark")},
    )
    minutes, _ = minutes_export_request(meeting=meeting, by=sara)
    minutes.refresh_from_db()
    assert minutes.is_done
    before = {name: bucket_bytes(s3_storage, name) for name in bucket_names(s3_storage)}
    assert len(before) == 4
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    # A fresh installation: empty database, empty bucket.
    call_command("flush", interactive=False, verbosity=0)
    for name in before:
        s3_storage.delete_object(Bucket=s3_storage.bucket, Key=name)
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    call_command("restore", str(archive), verbosity=0)

    after = {name: bucket_bytes(s3_storage, name) for name in bucket_names(s3_storage)}
    assert after == before
    restored = GuidelineAttachment.objects.get()
    client.force_login(restored.uploaded_by)
    download = client.get(restored.get_absolute_url())
    assert b"".join(download.streaming_content) == PDF_BYTES
    # The rows point at the restored objects: each file reads back as it was.
    for row in (Report.objects.get(), MinutesExport.objects.get(), Attachment.objects.get()):
        assert row.file.name in after
        with row.file.open("rb") as stored:
            assert stored.read() == before[row.file.name]


def test_an_upload_while_the_object_storage_is_down_saves_nothing_and_a_retry_works(
    client, s3_storage, s3_outage, editor_and_guideline
):
    alice, guideline = editor_and_guideline
    client.force_login(alice)
    url = reverse("guidelines:attachments", args=[guideline.slug])
    s3_outage.cut()

    started = time.monotonic()
    response = client.post(url, {"file": SimpleUploadedFile("R.pdf", PDF_BYTES), "title": "R"})
    failed_after = time.monotonic() - started

    assert response.status_code == 503
    assert "nothing was saved" in response.content.decode()
    assert not GuidelineAttachment.objects.exists()
    assert bucket_names(s3_storage) == set()
    assert failed_after < 15

    s3_outage.restore()
    retry = client.post(url, {"file": SimpleUploadedFile("R.pdf", PDF_BYTES), "title": "R"})

    assert retry.status_code == 302
    attachment = GuidelineAttachment.objects.get()
    assert bucket_names(s3_storage) == {attachment.file.name}
    assert b"".join(client.get(attachment.get_absolute_url()).streaming_content) == PDF_BYTES


def test_the_object_storage_going_away_in_the_middle_of_an_upload_saves_nothing_and_a_retry_works(
    client, s3_storage, s3_outage, editor_and_guideline
):
    alice, guideline = editor_and_guideline
    client.force_login(alice)
    url = reverse("guidelines:attachments", args=[guideline.slug])
    content = PDF_BYTES + b"%" * (512 * 1024)
    # The endpoint goes away once 128 KiB of this upload have reached it.
    s3_outage.cut_after = s3_outage.sent_upstream + 128 * 1024
    before = s3_outage.sent_upstream

    started = time.monotonic()
    response = client.post(url, {"file": SimpleUploadedFile("R.pdf", content), "title": "R"})
    failed_after = time.monotonic() - started

    reached = s3_outage.sent_upstream - before
    assert 128 * 1024 < reached < len(content)  # the upload had begun, and was cut short
    assert response.status_code == 503
    assert "The file storage cannot be reached just now, so nothing was saved." in (
        response.content.decode()
    )
    assert not GuidelineAttachment.objects.exists()
    assert bucket_names(s3_storage) == set()  # no part of it kept in the bucket

    s3_outage.restore()
    retry = client.post(url, {"file": SimpleUploadedFile("R.pdf", content), "title": "R"})

    assert retry.status_code == 302
    attachment = GuidelineAttachment.objects.get()
    assert bucket_names(s3_storage) == {attachment.file.name}
    assert bucket_bytes(s3_storage, attachment.file.name) == content
    record_figures(
        "s3_cut_mid_upload",
        {
            "fault": "S3 endpoint's connections dropped after 128 KiB of a 512 KiB upload",
            "bytes that reached the endpoint": reached,
            "answer": "503, 'nothing was saved'",
            "seconds to the answer": round(failed_after, 2),
            "rows and objects left": 0,
            "retry once back": "saved, the object byte for byte",
        },
    )


def test_a_report_rendered_while_the_object_storage_is_down_fails_clearly_and_a_retry_works(
    s3_storage, s3_outage
):
    plan, _ = make_plan_with_measures(3)
    sara = make_sara()
    s3_outage.cut()

    report, _ = services.report_request(plan=plan, year=2024, by=sara)  # rendered in-process

    report.refresh_from_db()
    assert report.state == "failed"
    assert report.can_retry
    # What the person reads, not the storage client's error (which names the bucket).
    assert report.error == str(STORAGE_UNAVAILABLE)
    assert not report.file  # the row points at no object
    assert bucket_names(s3_storage) == set()

    s3_outage.restore()
    report = services.report_retry(report=report, by=sara)

    report.refresh_from_db()
    assert report.state == "done"
    assert bucket_names(s3_storage) == {report.file.name}
    assert len(bucket_bytes(s3_storage, report.file.name)) == report.size
