"""Fault: Redis (the Celery broker and the cache) is down when someone asks for the annual report.

Nothing is mocked: the broker and the cache point at a closed port. The person gets a clear
message at once, the request is refused explicitly (the report row says failed, why, and offers
a retry), no page answers 500, and once Redis is back the retry renders the report on a real
worker.
"""

import time

import pytest
from django.urls import reverse

from tests.artifacts import record_figures
from tests.factories import make_alice, make_plan_with_measures
from tests.test_fuzz_every_url import _log_in

# The report pipeline comes from the "reports" branch; until it is merged there is nothing to test.
render_jobs = pytest.importorskip("helsefellesskap.render_jobs")
JobState = render_jobs.JobState
Report = pytest.importorskip("actionplan.models").Report

CLOSED_PORT = "redis://127.0.0.1:1/0"
# What a person may wait for a "the queue is down" answer; kombu must not retry for minutes.
ANSWER_WITHIN_SECONDS = 10

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _point_celery_at(app, broker_url, result_backend):
    app.conf.broker_url = broker_url
    app.conf.result_backend = result_backend
    # Celery keeps its connection and producer pools for the URL it first used; a process
    # whose broker address changes would be restarted, so drop them as a restart would.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_app(settings):
    from helsefellesskap.celery import app

    yield app
    _point_celery_at(app, settings.CELERY_BROKER_URL, settings.CELERY_RESULT_BACKEND)


def _redis_down(settings, app):
    settings.CELERY_BROKER_URL = CLOSED_PORT
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
        }
    }
    # Broker and result store are the same Redis in production (settings.py): both down.
    _point_celery_at(app, CLOSED_PORT, CLOSED_PORT)


def _redis_back(settings, app, broker_url, caches):
    settings.CELERY_BROKER_URL = broker_url
    settings.CACHES = caches
    _point_celery_at(app, broker_url, settings.CELERY_RESULT_BACKEND)


def test_report_asked_for_while_redis_is_down_is_refused_clearly_and_retry_works_when_back(
    client, secretariat, settings, celery_app
):
    from celery.contrib.testing.worker import start_worker

    import actionplan.tasks  # noqa: F401 - registers the task with the worker below

    plan, _ = make_plan_with_measures(6, committees=2)
    _log_in(client, secretariat)
    broker_url, caches = settings.CELERY_BROKER_URL, settings.CACHES
    _redis_down(settings, celery_app)

    started = time.monotonic()
    response = client.post(
        reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2024}, follow=True
    )
    answered_in = time.monotonic() - started
    assert response.status_code == 200
    assert answered_in < ANSWER_WITHIN_SECONDS
    report = Report.objects.get()
    # Refused explicitly: failed with the reason, offered again; not left "queued" for ever.
    assert report.state == JobState.FAILED
    assert "task queue could not be reached" in report.error
    assert report.can_retry
    page = response.content.decode()
    assert report.error in page
    assert reverse("actionplan:report_retry", args=[report.pk]) in page

    # A retry while Redis is still down says the same, and adds no second report.
    client.post(reverse("actionplan:report_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == JobState.FAILED
    assert Report.objects.count() == 1

    # The rest of the portal keeps answering; /healthz names the broker.
    pages = ["/", reverse("actionplan:table"), reverse("actionplan:reports")]
    pages.append(report.get_absolute_url())
    for url in pages:
        assert client.get(url).status_code == 200, url
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "broker" in health.json()["failing"]

    # Redis is back and a worker runs: the same report, retried, is rendered.
    _redis_back(settings, celery_app, broker_url, caches)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        client.post(reverse("actionplan:report_retry", args=[report.pk]))
        deadline = time.monotonic() + 180
        report.refresh_from_db()
        while report.state in (JobState.QUEUED, JobState.RENDERING):
            assert time.monotonic() < deadline, "the retried report never finished"
            time.sleep(0.5)
            report.refresh_from_db()
    assert report.state == JobState.DONE, report.error
    assert report.is_done
    assert Report.objects.count() == 1

    record_figures(
        "redis_unavailable",
        {
            "fault": f"broker and cache at {CLOSED_PORT}",
            "report request answered in seconds": round(answered_in, 2),
            "outcome while down": "failed with a message, retry offered; no 500",
            "pages checked while down": len(pages) + 1,
            "after Redis is back": "retry rendered the same report (done)",
        },
    )


def test_editor_sees_the_same_clear_refusal_while_redis_is_down(client, settings, celery_app):
    plan, measures = make_plan_with_measures(3, committees=1)
    committee = measures[0].goal.committee
    alice = make_alice()
    committee.editors.add(alice)
    client.force_login(alice)
    _redis_down(settings, celery_app)

    response = client.post(
        reverse("actionplan:report_new"),
        {"plan": plan.pk, "year": 2024, "committee": committee.pk},
        follow=True,
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.state, report.committee) == (JobState.FAILED, committee)
    assert report.error in response.content.decode()
