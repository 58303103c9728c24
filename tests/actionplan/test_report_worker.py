"""End to end: a real Celery worker on the real Redis renders the real plan's annual report,
asked for through the web view by the secretariat."""

import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

import actionplan.tasks  # noqa: F401 - registers the task with the worker below
from actionplan.models import Committee, Measure, Plan, Report
from helsefellesskap.render_jobs import JobState

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker_on_redis(settings):
    """A worker thread consuming from the configured Redis broker, as `celery worker` would."""
    from celery.contrib.testing.worker import start_worker

    from helsefellesskap.celery import app

    app.conf.broker_url = settings.CELERY_BROKER_URL
    app.conf.result_backend = settings.CELERY_RESULT_BACKEND
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def _words(text: str) -> str:
    """Text with every run of whitespace as one space (PDF text breaks lines anywhere)."""
    return " ".join(text.split())


def test_worker_renders_the_real_plan_asked_for_through_the_web_view(
    client, secretariat, celery_worker_on_redis
):
    call_command("load_real_plan", verbosity=0)
    plan = Plan.objects.current()
    committees = list(Committee.objects.in_plan(plan))
    measures = list(Measure.objects.for_plan_table(plan))
    assert len(committees) >= 10  # it is the real plan
    assert len(measures) >= 100

    client.force_login(secretariat)
    response = client.post(reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2024})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == report.get_absolute_url()

    deadline = time.monotonic() + 300
    while report.state in (JobState.QUEUED, JobState.RENDERING) and time.monotonic() < deadline:
        time.sleep(0.5)
        report.refresh_from_db()
    assert report.state == JobState.DONE, report.error
    assert report.attempts == 1

    page = client.get(report.get_absolute_url())
    assert reverse("actionplan:report_download", args=[report.pk]) in page.content.decode()
    download = client.get(reverse("actionplan:report_download", args=[report.pk]))
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    text = _words("\n".join(page.extract_text() for page in reader.pages))

    assert len(reader.pages) == report.pages
    for cover_text in [plan.title, plan.motto, "Helsefellesskap Møre og Romsdal", "til SSU"]:
        assert _words(cover_text) in text
    for committee in committees:
        assert _words(committee.name) in text
    for measure in measures[::25]:
        assert _words(measure.text)[:60] in text
    assert f"side 1 av {report.pages}" in text
    assert f"side {report.pages} av {report.pages}" in text
    outline = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    for committee in committees:
        assert outline.count(committee.name) == 1
