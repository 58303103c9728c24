"""Fault: the Celery worker is killed (SIGKILL) in the middle of rendering the annual report.

A real `celery worker` process renders the real plan from the test's PostgreSQL database and
Redis. It is killed while the report is rendering. The report must never stay stuck: the stuck
rule shows it failed-and-retryable once the hard time limit has passed, and a restarted worker
gets the unacknowledged message again (acks_late) and finishes the same report.
"""

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.artifacts import record_figures
from tests.factories import make_sara
from tests.processes import start_celery_worker

# The report pipeline comes from the "reports" branch; until it is merged there is nothing to test.
render_jobs = pytest.importorskip("helsefellesskap.render_jobs")
JobState = render_jobs.JobState

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def _wait_for(report, states, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.state in states:
            return
        time.sleep(0.2)
    raise AssertionError(f"report still {report.state} after {seconds} s, not {states}")


def test_report_survives_the_worker_killed_mid_render(tmp_path):
    from actionplan import services
    from actionplan.models import Plan
    from helsefellesskap.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.connection_for_write().default_channel.client.flushdb()  # no message of earlier runs
    call_command("load_real_plan", verbosity=0)
    plan = Plan.objects.current()
    sara = make_sara()
    log_path = tmp_path / "worker.log"

    first = start_celery_worker(log_path)
    try:
        report, created = services.report_request(plan=plan, year=2024, by=sara)
        assert created
        _wait_for(report, {JobState.RENDERING, JobState.DONE, JobState.FAILED}, 120)
        assert report.state == JobState.RENDERING, "the render ended before it could be killed"
        time.sleep(0.5)
    finally:
        first.kill()
    killed_at = time.monotonic()
    report.refresh_from_db()
    assert report.state == JobState.RENDERING
    assert report.attempts == 1

    # With no worker coming back, the stuck rule shows it failed and retryable once the hard
    # time limit (plus a margin) has passed, instead of "rendering" for ever.
    later = report.started_at + timedelta(seconds=render_jobs.RENDER_HARD_TIME_LIMIT + 61)
    assert report.is_stuck(now=later)
    assert not report.is_stuck()

    # A worker is started again: the unacknowledged message comes back and the same report is
    # finished, without anyone asking again.
    second = start_celery_worker(log_path)
    try:
        _wait_for(report, {JobState.DONE, JobState.FAILED}, 240)
    finally:
        second.kill()
    recovered_in = time.monotonic() - killed_at
    assert report.state == JobState.DONE, report.error + log_path.read_text()[-2000:]
    assert report.attempts == 2
    assert (report.pages or 0) > 10
    assert (settings.MEDIA_ROOT / report.file.name).stat().st_size == report.size
    assert type(report).objects.count() == 1

    record_figures(
        "worker_killed",
        {
            "fault": "celery worker SIGKILLed while rendering the real plan's report",
            "state right after the kill": "rendering (attempt 1)",
            "without a restart": "shown failed and retryable after the hard limit + 60 s",
            "after a restart": f"done on attempt {report.attempts}, {report.pages} pages",
            "seconds from kill to done": round(recovered_in, 1),
        },
    )


def _has_received_a_task(log_path) -> bool:
    return log_path.exists() and b"received" in log_path.read_bytes()


def _kill_the_rendering_one_of_two_workers(tmp_path, hosts: list[dict]):
    """Two workers (each with the environment of its host) run; the one rendering the real
    plan's report is killed; the other, already running, gets the unacknowledged message once
    the visibility timeout has passed. The report as it ended, and the seconds that took."""
    from actionplan import services
    from actionplan.models import Plan
    from helsefellesskap.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.connection_for_write().default_channel.client.flushdb()  # no message of earlier runs
    call_command("load_real_plan", verbosity=0)
    plan = Plan.objects.current()
    sara = make_sara()
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    workers = [start_celery_worker(path, **env) for path, env in zip(logs, hosts, strict=True)]
    try:
        report, created = services.report_request(plan=plan, year=2024, by=sara)
        assert created
        _wait_for(report, {JobState.RENDERING, JobState.DONE, JobState.FAILED}, 120)
        assert report.state == JobState.RENDERING, "the render ended before it could be killed"
        rendering = [n for n, path in enumerate(logs) if _has_received_a_task(path)]
        assert len(rendering) == 1, [path.read_text()[-500:] for path in logs]
        victim, survivor = rendering[0], 1 - rendering[0]
        workers[victim].kill()
        killed_at = time.monotonic()

        _wait_for(report, {JobState.DONE, JobState.FAILED}, 240)
        recovered_in = time.monotonic() - killed_at
    finally:
        for process in workers:
            process.stop()
    assert report.state == JobState.DONE, report.error + logs[survivor].read_text()[-2000:]
    assert report.attempts == 2
    assert _has_received_a_task(logs[survivor])
    assert (report.pages or 0) > 10
    assert type(report).objects.count() == 1
    return report, recovered_in


@pytest.mark.s3
def test_on_two_hosts_that_share_only_the_bucket_the_second_worker_finishes_the_report(
    tmp_path, s3_storage, moto_server
):
    """No folder in common: each worker has its own media and part folders, and the files
    (the report, the laid-out parts) are in the object storage."""
    bucket = {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": s3_storage.bucket,
        "S3_ENDPOINT_URL": moto_server.url,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "testing-key",
        "S3_SECRET_ACCESS_KEY": "testing-secret",
    }
    hosts = [
        {
            **bucket,
            "MEDIA_ROOT": str(tmp_path / f"host-{n}"),
            "PDF_PART_CACHE_DIR": str(tmp_path / f"host-{n}" / "parts"),
        }
        for n in (1, 2)
    ]

    report, _ = _kill_the_rendering_one_of_two_workers(tmp_path, hosts)

    stored = s3_storage.head_object(Bucket=s3_storage.bucket, Key=report.file.name)
    assert stored["ContentLength"] == report.size
    listing = s3_storage.list_objects_v2(Bucket=s3_storage.bucket, Prefix="pdf-parts/")
    assert listing.get("KeyCount", 0) > 3  # the laid-out parts, for the next render on any host
    for host in hosts:  # nothing kept on either host
        assert not any(path.is_file() for path in Path(host["MEDIA_ROOT"]).rglob("*"))


def test_a_second_worker_finishes_the_report_of_a_worker_killed_mid_render(tmp_path):
    """Two workers on one host (one media folder); the one rendering is killed; the other
    finishes the report."""
    report, recovered_in = _kill_the_rendering_one_of_two_workers(tmp_path, [{}, {}])
    assert (settings.MEDIA_ROOT / report.file.name).stat().st_size == report.size

    record_figures(
        "worker_killed_second_worker_finishes",
        {
            "fault": "one of two celery workers SIGKILLed while rendering the real plan's report",
            "finished by": "the other worker, already running, without a restart",
            "attempts": report.attempts,
            "pages": report.pages,
            "seconds from kill to done": round(recovered_in, 1),
        },
    )
