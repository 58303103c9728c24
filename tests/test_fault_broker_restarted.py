"""Fault: the broker's Redis restarts while a report is on its way.

A private redis-server, configured as docker-compose's `redis-broker` (append-only file,
noeviction), is the Celery broker of the test and of a real `celery worker` process. It is
killed (SIGKILL, a crash) and started again on the same port:

- while the worker renders the real plan's report: the report is finished, once, and the
  message the broker hands back after the restart renders nothing a second time;
- while the report waits in the queue on a broker that keeps nothing (its messages are gone
  with it): the report is never "queued" for ever; once the queued grace has passed it shows
  as failed with a retry, and the retry is rendered by the worker.
"""

import time

import pytest
import redis
from django.core.management import call_command
from django.urls import reverse

from tests.artifacts import record_figures
from tests.factories import make_plan_with_measures, make_sara
from tests.processes import WORKER_VISIBILITY_TIMEOUT, start_celery_worker
from tests.test_fault_redis_unavailable import _point_celery_at

render_jobs = pytest.importorskip("helsefellesskap.render_jobs")
JobState = render_jobs.JobState

COMPOSE_BROKER = ("--appendonly", "yes", "--maxmemory-policy", "noeviction")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def broker(settings, redis_server):
    """Point the portal (this process and the workers it starts) at a broker of its own; yields
    a function starting that broker with the given options and returning its URL."""
    from helsefellesskap.celery import app

    previous = settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND

    def start(*options):
        url = redis_server(*options)
        settings.CELERY_BROKER_URL = url
        _point_celery_at(app, url, url)
        return url

    yield start
    _point_celery_at(app, *previous)


def _wait_for(report, states, seconds):
    deadline = time.monotonic() + seconds
    report.refresh_from_db()
    while report.state not in states:
        assert time.monotonic() < deadline, f"report still {report.state} after {seconds} s"
        time.sleep(0.2)
        report.refresh_from_db()


def _messages_left(url) -> int:
    """Messages waiting in the queue or handed out and not yet acknowledged."""
    client = redis.Redis.from_url(url)
    return client.llen("celery") + client.hlen("unacked")


def test_a_report_rendering_while_the_broker_restarts_is_finished_once(
    broker, redis_server, tmp_path
):
    from actionplan import services
    from actionplan.models import Plan, Report

    url = broker(*COMPOSE_BROKER)
    call_command("load_real_plan", verbosity=0)
    plan = Plan.objects.current()
    sara = make_sara()
    worker = start_celery_worker(tmp_path / "worker.log")
    try:
        report, _ = services.report_request(plan=plan, year=2024, by=sara)
        _wait_for(report, {JobState.RENDERING, JobState.DONE, JobState.FAILED}, 120)
        assert report.state == JobState.RENDERING, "the render ended before the broker went"
        redis_server.kill(url)
        report.refresh_from_db()
        assert report.state == JobState.RENDERING, "the render ended before the broker went"
        restarted_at = time.monotonic()
        redis_server.start_again(url)

        _wait_for(report, {JobState.DONE, JobState.FAILED}, 240)
        finished_in = time.monotonic() - restarted_at
        retried = report.state == JobState.FAILED
        if retried:  # allowed, if it says so and offers the retry that then works
            assert report.can_retry, report.error
            report = services.report_retry(report=report, by=sara)
            _wait_for(report, {JobState.DONE, JobState.FAILED}, 240)
        assert report.state == JobState.DONE, report.error + worker.log()[-2000:]

        # The message of the render survived in the append-only file, unacknowledged: the
        # broker hands it back after the visibility timeout, and the worker, reconnected,
        # takes it and renders nothing twice.
        deadline = time.monotonic() + WORKER_VISIBILITY_TIMEOUT + 120
        while _messages_left(url):
            assert time.monotonic() < deadline, "the worker never took the message back"
            time.sleep(0.5)
        received = worker.log().count(" received")
    finally:
        worker.stop()
    report.refresh_from_db()
    assert (report.state, report.attempts) == (JobState.DONE, 2 if retried else 1)
    assert Report.objects.count() == 1

    record_figures(
        "broker_restarted_mid_render",
        {
            "fault": "broker Redis (append-only, noeviction) SIGKILLed and started again "
            "while the worker rendered the real plan's report",
            "outcome": "failed, retried, done" if retried else "done without a retry",
            "pages": report.pages,
            "seconds from the restart to done": round(finished_in, 1),
            "renders": report.attempts,
            "messages the worker received (the first, and those handed back)": received,
        },
    )


def test_a_report_whose_message_the_restarted_broker_lost_shows_failed_and_a_retry_renders_it(
    broker, redis_server, tmp_path, sara_client, sara
):
    from actionplan import services
    from actionplan.models import Report

    # A broker that keeps nothing on disk (the fixture's default): what was queued is gone.
    url = broker()
    plan, _ = make_plan_with_measures(6, committees=2)
    report, _ = services.report_request(plan=plan, year=2024, by=sara)
    report.refresh_from_db()
    assert report.state == JobState.QUEUED
    assert _messages_left(url) == 1
    redis_server.kill(url)
    redis_server.start_again(url)
    assert _messages_left(url) == 0  # the message went with the broker

    # No worker will ever get it. Not "queued" for ever: once the queued grace has passed
    # (an hour; the row is aged by that much here) the page shows it failed, with a retry.
    assert not report.is_stuck()
    aged = report.requested_at - render_jobs._queued_grace()
    Report.objects.filter(pk=report.pk).update(requested_at=aged)
    report.refresh_from_db()
    assert report.is_stuck()
    assert (report.shown_state, report.can_retry) == (JobState.FAILED, True)
    page = sara_client.get(report.get_absolute_url()).content.decode()
    assert report.shown_error in page
    assert reverse("actionplan:report_retry", args=[report.pk]) in page

    # The retry goes to the restarted broker (through this process's pooled connection from
    # before the restart) and a worker renders it.
    worker = start_celery_worker(tmp_path / "worker.log")
    try:
        sara_client.post(reverse("actionplan:report_retry", args=[report.pk]))
        _wait_for(report, {JobState.DONE, JobState.FAILED}, 240)
    finally:
        worker.stop()
    assert report.state == JobState.DONE, report.error + worker.log()[-2000:]
    assert Report.objects.count() == 1

    record_figures(
        "broker_restarted_message_lost",
        {
            "fault": "broker Redis without persistence SIGKILLed and started again while a "
            "report waited in the queue",
            "queued message after the restart": "lost",
            "shown after the queued grace (1 h)": "failed, with a retry button",
            "after the retry": f"done ({report.pages} pages), still one report",
        },
    )
