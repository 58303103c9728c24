"""The annual report: asking for it, the pipeline's states, permissions, the archive, the PDF."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actionplan import services
from actionplan.models import Report
from helsefellesskap import render_jobs
from helsefellesskap.render_jobs import JobState, RenderedFile
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_person,
    make_plan_with_measures,
    make_report,
    make_status,
)

# Transactional, so the enqueue that waits for the commit runs when the view commits, as live.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan_and_measures(committee_a, committee_b):
    return make_plan_with_measures(6, among=[committee_a, committee_b])


@pytest.fixture
def plan(plan_and_measures):
    return plan_and_measures[0]


class StubRenderer:
    """Stands in for WeasyPrint in the tests about the job's life (queue, failure, retry): it
    counts its calls and raises what `failures` holds, one per call, before it succeeds."""

    def __init__(self):
        self.calls = 0
        self.failures = []

    def __call__(self, job):
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return RenderedFile(content=b"%PDF-1.7 stub", pages=1)


@pytest.fixture(autouse=True)
def renderer(request, monkeypatch):
    """The stub renderer, unless the test asks for `real_pdf` (it reads what the PDF says)."""
    if "real_pdf" in request.fixturenames:
        return None
    stub = StubRenderer()
    monkeypatch.setitem(render_jobs._renderers, Report.renderer, stub)
    return stub


@pytest.fixture
def real_pdf():
    """Render the annual report with WeasyPrint, as the worker does."""


def _pdf_text(report: Report) -> str:
    report.file.open("rb")
    reader = PdfReader(io.BytesIO(report.file.read()))
    report.file.close()
    return "\n".join(page.extract_text() for page in reader.pages)


# --- Asking for a report, through the web view.


def test_secretariat_request_renders_the_whole_plan(client, secretariat, plan, real_pdf):
    client.force_login(secretariat)
    response = client.post(reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2024})
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == report.get_absolute_url()
    assert report.state == JobState.DONE
    assert report.committee is None
    assert report.requested_by == secretariat
    assert report.pages >= 4
    assert report.size == report.file.size
    assert report.duration is not None
    assert report.attempts == 1
    assert "side 1 av" in _pdf_text(report)


def test_report_page_offers_the_download_when_done(client, secretariat, plan):
    client.force_login(secretariat)
    report, _ = services.report_request(plan=plan, year=2024, by=secretariat)
    page = client.get(report.get_absolute_url()).content.decode()
    assert reverse("actionplan:report_download", args=[report.pk]) in page
    assert "hx-trigger" not in page  # nothing left to poll for
    download = client.get(reverse("actionplan:report_download", args=[report.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_report_page_polls_while_rendering_and_htmx_gets_the_partial(client, secretariat, plan):
    client.force_login(secretariat)
    report = make_report(plan, by=secretariat, state=JobState.RENDERING, started_at=timezone.now())
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Refresh" in page or "Oppdater" in page  # works without JavaScript too
    partial = client.get(report.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="report-state"')
    assert "<html" not in partial


def test_same_request_twice_while_one_is_queued_does_not_render_again(secretariat, plan):
    running = make_report(plan, by=secretariat)  # queued, its task not yet run
    with mock.patch("actionplan.tasks.render_report.apply_async") as send:
        report, created = services.report_request(plan=plan, year=2024, by=secretariat)
    assert (report, created) == (running, False)
    send.assert_not_called()
    assert Report.objects.count() == 1


def test_database_refuses_a_second_report_of_a_scope_in_flight(secretariat, plan, committee_a):
    from django.db import IntegrityError, transaction

    make_report(plan, committee=committee_a, state=JobState.RENDERING)
    make_report(plan, committee=None)  # another scope is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(plan, committee=committee_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_report(plan, committee=None)


def test_done_report_does_not_block_a_new_request(secretariat, plan):
    first, _ = services.report_request(plan=plan, year=2024, by=secretariat)
    second, created = services.report_request(plan=plan, year=2024, by=secretariat)
    assert created
    assert second != first
    assert {r.state for r in Report.objects.all()} == {JobState.DONE}


def test_year_outside_the_plan_is_refused_with_a_message(client, secretariat, plan):
    client.force_login(secretariat)
    response = client.post(reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2019})
    assert response.status_code == 400
    assert not Report.objects.exists()


# --- Failure, retry, the stuck rule, and the queue being down.


def test_render_failure_is_recorded_with_a_reason_and_retry_works(
    client, secretariat, plan, renderer
):
    client.force_login(secretariat)
    renderer.failures = [ValueError("font went missing")]
    client.post(reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2024})
    report = Report.objects.get()
    assert report.state == JobState.FAILED
    assert "font went missing" in report.error
    assert not report.file
    page = client.get(report.get_absolute_url()).content.decode()
    assert "font went missing" in page
    assert reverse("actionplan:report_retry", args=[report.pk]) in page
    assert client.get(reverse("actionplan:report_download", args=[report.pk])).status_code == 404

    client.post(reverse("actionplan:report_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.state == JobState.DONE
    assert report.error == ""
    assert report.attempts == 1  # a person's retry starts the count over
    assert Report.objects.count() == 1


def test_transient_error_is_retried_then_succeeds(secretariat, plan, renderer):
    from django.db import OperationalError

    renderer.failures = [OperationalError("connection reset")]
    report, _ = services.report_request(plan=plan, year=2024, by=secretariat)
    report.refresh_from_db()
    assert renderer.calls == 2  # the failed try, then the one that worked
    assert report.state == JobState.DONE
    assert report.attempts == 2


def test_task_is_idempotent_for_a_done_report(secretariat, plan, renderer):
    from actionplan.tasks import render_report

    report, _ = services.report_request(plan=plan, year=2024, by=secretariat)
    report.refresh_from_db()
    name = report.file.name
    render_report.apply(args=[report.pk])
    assert renderer.calls == 1
    report.refresh_from_db()
    assert (report.state, report.file.name, report.attempts) == (JobState.DONE, name, 1)


def test_redelivered_render_gives_up_after_too_many_attempts(secretariat, plan, renderer):
    from actionplan.tasks import render_report
    from helsefellesskap.render_jobs import RENDER_MAX_ATTEMPTS

    # As if the worker had been killed at the hard limit each time and the message redelivered.
    report = make_report(
        plan, state=JobState.RENDERING, started_at=timezone.now(), attempts=RENDER_MAX_ATTEMPTS
    )
    render_report.apply(args=[report.pk])
    assert renderer.calls == 0
    report.refresh_from_db()
    assert report.state == JobState.FAILED
    assert "giving up" in report.error or str(RENDER_MAX_ATTEMPTS) in report.error


def test_rendering_past_the_hard_limit_shows_failed_and_can_be_retried(client, secretariat, plan):
    client.force_login(secretariat)
    long_ago = timezone.now() - timedelta(hours=2)
    stuck = make_report(plan, state=JobState.RENDERING, started_at=long_ago, requested_at=long_ago)
    fresh = make_report(plan, year=2023, state=JobState.RENDERING, started_at=timezone.now())
    assert stuck.is_stuck()
    assert stuck.shown_state == JobState.FAILED
    assert stuck.can_retry
    assert not fresh.is_stuck()
    assert fresh.shown_state == JobState.RENDERING
    assert list(Report.objects.stuck()) == [stuck]

    # Asking again for the same scope is not blocked by the dead one.
    report, created = services.report_request(plan=plan, year=2024, by=secretariat)
    stuck.refresh_from_db()
    assert created
    assert report.state == JobState.DONE
    assert stuck.state == JobState.FAILED


def test_stuck_report_retry_renders_it(client, secretariat, plan):
    client.force_login(secretariat)
    long_ago = timezone.now() - timedelta(hours=2)
    stuck = make_report(plan, state=JobState.RENDERING, started_at=long_ago, attempts=1)
    client.post(reverse("actionplan:report_retry", args=[stuck.pk]))
    stuck.refresh_from_db()
    assert stuck.state == JobState.DONE
    assert stuck.attempts == 1


def test_unreachable_queue_marks_the_report_failed_with_a_message(client, secretariat, plan):
    from kombu.exceptions import OperationalError

    client.force_login(secretariat)
    with mock.patch(
        "actionplan.tasks.render_report.apply_async",
        side_effect=OperationalError("Error 111 connecting to redis"),
    ):
        response = client.post(
            reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2024}, follow=True
        )
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.state == JobState.FAILED
    assert "task queue could not be reached" in report.error
    assert report.error in response.content.decode()
    assert report.can_retry


# --- Who may do what.


def test_editor_may_request_her_own_committees_report(client, alice, plan, committee_a, real_pdf):
    client.force_login(alice)
    response = client.post(
        reverse("actionplan:report_new"),
        {"plan": plan.pk, "year": 2024, "committee": committee_a.pk},
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert report.committee == committee_a
    assert report.state == JobState.DONE
    text = _pdf_text(report)
    assert committee_a.name in text


def test_editor_cannot_request_other_committees_or_whole_plan(alice, plan, committee_b, client):
    client.force_login(alice)
    for data in ({"committee": committee_b.pk}, {}):
        response = client.post(
            reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2024, **data}
        )
        assert response.status_code == 400  # not a choice she has
    assert not Report.objects.exists()
    with pytest.raises(PermissionDenied):
        services.report_request(plan=plan, year=2024, committee=committee_b, by=alice)
    with pytest.raises(PermissionDenied):
        services.report_request(plan=plan, year=2024, by=alice)


def test_editor_cannot_see_other_committees_report(client, alice, secretariat, plan, committee_b):
    other = make_report(plan, committee=committee_b, by=secretariat)
    whole = make_report(plan, by=secretariat)
    client.force_login(alice)
    for report in (other, whole):
        for name in ("report", "report_download"):
            url = reverse(f"actionplan:{name}", args=[report.pk])
            assert client.get(url).status_code == 403
        assert client.post(reverse("actionplan:report_retry", args=[report.pk])).status_code == 403


def test_user_without_rights_gets_403_and_anonymous_goes_to_login(client, charlie, plan):
    report = make_report(plan)
    urls = [reverse("actionplan:reports"), report.get_absolute_url()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url
    client.force_login(charlie)
    for url in urls:
        assert client.get(url).status_code == 403
    response = client.post(reverse("actionplan:report_new"), {"plan": plan.pk, "year": 2024})
    assert response.status_code == 403


# --- The archive.


def test_archive_shows_secretariat_everything_and_editors_their_committee(
    client, secretariat, alice, plan, committee_a, committee_b
):
    mine = make_report(plan, committee=committee_a, by=alice)
    make_report(plan, committee=committee_b, by=secretariat)
    make_report(plan, by=secretariat)
    client.force_login(secretariat)
    assert len(client.get(reverse("actionplan:reports")).context["page"].object_list) == 3
    client.force_login(alice)
    assert list(client.get(reverse("actionplan:reports")).context["page"].object_list) == [mine]


@pytest.mark.parametrize("n_reports", [3, 60])
def test_archive_query_count_is_constant(
    client, secretariat, plan, committee_a, n_reports, django_assert_max_num_queries
):
    other_plan_committee = make_committee()
    for i in range(n_reports):
        make_report(
            plan,
            year=2022 + i % 5,
            committee=committee_a if i % 2 else other_plan_committee,
            by=secretariat,
            state=JobState.DONE,
            pages=10,
            size=1000,
            duration=timedelta(seconds=3),
        )
    client.force_login(secretariat)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("actionplan:reports"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n_reports, 25)


# --- What the PDF holds.


def test_pdf_holds_cover_contents_sections_and_bookmarks(
    secretariat, plan, plan_and_measures, real_pdf
):
    _, measures = plan_and_measures
    report, _ = services.report_request(plan=plan, year=2024, by=secretariat)
    report.file.open("rb")
    reader = PdfReader(io.BytesIO(report.file.read()))
    report.file.close()
    text = "\n".join(page.extract_text() for page in reader.pages)
    committees = {m.goal.committee.name for m in measures}
    for name in [plan.title, plan.motto, "Helsefellesskap Møre og Romsdal", "til SSU", "2024"]:
        assert name in text
    for measure in measures[:3]:
        assert measure.text in text
    assert f"side 1 av {len(reader.pages)}" in text
    outline_titles = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    for name in committees:
        assert outline_titles.count(name) == 1
    assert reader.metadata["/Title"].startswith(plan.title)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nn"
    assert root["/MarkInfo"]["/Marked"]  # tagged for screen readers
    assert "/StructTreeRoot" in root


def test_the_annual_report_is_a_pdf_1_7_with_a_valid_pdf_ua_1_identification(
    secretariat, plan, plan_and_measures, real_pdf
):
    """PDF/UA-1 is built on PDF 1.7 (ISO 32000-1): the joined report must say 1.7 in its
    header and catalogue, and keep what PDF/UA-1 asks of the whole document (issue 17)."""
    import pikepdf

    report, _ = services.report_request(plan=plan, year=2024, by=secretariat)
    with report.file.open("rb") as stored:
        content = stored.read()

    assert content.startswith(b"%PDF-1.7")
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert pdf.pdf_version == "1.7"
        if "/Version" in pdf.Root:  # a catalogue /Version overrides the header
            assert str(pdf.Root.Version) == "/1.7"
        metadata = pdf.open_metadata()
        assert metadata["pdfuaid:part"] == "1"
        assert metadata["dc:title"].startswith(plan.title)
        assert str(pdf.trailer.Info.Title).startswith(plan.title)
        assert str(pdf.Root.Lang) == "nn"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        # One structure tree: one Document, a Part per laid-out part, every page in it.
        structure = pdf.Root.StructTreeRoot
        (document,) = structure.K
        assert document.S == "/Document"
        assert len(document.K) > 1
        assert {str(part.S) for part in document.K} == {"/Part"}
        assert all("/StructParents" in page.obj for page in pdf.pages)
        assert int(structure.ParentTreeNextKey) > max(
            int(page.obj.StructParents) for page in pdf.pages
        )
        assert pdf.check_pdf_syntax() == []


def test_pdf_summary_counts_statuses_for_the_year(secretariat, plan, committee_a, real_pdf):
    from actionplan.report import build_report

    built = build_report(plan=plan, year=2024)
    summary = {s.label: s.counts for s in built.summaries}
    # make_plan_with_measures gives every measure "in progress" in 2024.
    assert summary[committee_a.name].in_progress == 3
    assert summary[committee_a.name].total == 3
    assert sum(g.total for g in built.by_priority_group) == 6
    assert ">3</text>" in built.summaries[0].chart  # the number is written on the bar


def test_pdf_committee_section_names_leader_and_deputy(secretariat, plan, real_pdf):
    leader, deputy = make_person("Lena Leiar"), make_person("Dag Nestleiar")
    committee = make_committee("Fagrådet for rehabilitering", leader=leader, deputy=deputy)
    goal = make_goal(plan, committee, "Betre rehabilitering")
    measure = make_measure(goal, "Felles rutinar for overføring", responsible="LSU Molde")
    make_status(measure, 2024, "not_done", note="Utsett")
    report, _ = services.report_request(plan=plan, year=2024, committee=committee, by=secretariat)
    text = _pdf_text(report)
    for expected in ["Lena Leiar", "Dag Nestleiar", "Betre rehabilitering", "LSU Molde", "Utsett"]:
        assert expected in text
    assert "Ikkje gjennomført" in text or "Not carried out" in text


def test_changes_section_lists_status_changes_added_and_retired(
    secretariat, plan, committee_a, real_pdf
):
    from actionplan.models import Status, status_label
    from actionplan.report import build_report

    goal = make_goal(plan, committee_a)
    added = make_measure(goal, "Nytt tiltak i år")
    status = make_status(added, 2024, "in_progress")
    status.status = "done"
    status.save()
    retired = make_measure(goal, "Avslutta tiltak")
    retired.retired = True
    retired.save()
    changes = build_report(plan=plan, year=timezone.now().year).changes
    # The window is the calendar year of the history; only check when "now" is in the plan.
    assert changes["has_history"]
    assert "Nytt tiltak i år" in [r.text for r in changes["added"]]
    assert "Avslutta tiltak" in [r.text for r in changes["retired"]]
    done = [c for c in changes["status_changes"] if c["measure"] == added]
    none, in_progress, done_label = (status_label(""), Status.IN_PROGRESS.label, Status.DONE.label)
    assert [(c["before"], c["after"]) for c in done] == [
        (none, in_progress),
        (in_progress, done_label),
    ]


def test_changes_section_says_so_when_there_is_no_history(secretariat, plan, real_pdf):
    from actionplan.models import Measure, MeasureStatus
    from actionplan.report import build_report

    Measure.history.all().delete()
    MeasureStatus.history.all().delete()
    assert build_report(plan=plan, year=2024).changes["has_history"] is False


def test_guidelines_section_lists_those_in_force_with_their_dates(secretariat, plan, real_pdf):
    import datetime

    from actionplan.report import build_report, report_html_parts
    from guidelines.models import GuidelineStatus
    from tests.factories import make_guideline

    make_guideline("Langtidsmekanisk ventilasjon", last_updated_on=datetime.date(2024, 3, 5))
    make_guideline("Gammal rutine", status=GuidelineStatus.WITHDRAWN)
    built = build_report(plan=plan, year=2024)
    assert [g.title for g in built.contributed["guidelines"]] == ["Langtidsmekanisk ventilasjon"]
    html = "".join(report_html_parts(built))
    assert "Langtidsmekanisk ventilasjon" in html
    assert "5.3.2024" in html
    assert "Gammal rutine" not in html


def test_guidelines_section_says_none_registered_when_there_are_none(secretariat, plan, real_pdf):
    from actionplan.report import build_report, report_html_parts

    html = "".join(report_html_parts(build_report(plan=plan, year=2024)))
    assert 'id="guidelines"' in html
    assert "Ingen felles retningsliner" in html or "No shared guidelines" in html


def test_page_counter_css_follows_the_translation():
    from helsefellesskap.pdf import page_counter_css

    assert page_counter_css("side %(page)s av %(pages)s") == (
        '"side " counter(page) " av " counter(pages)'
    )
    assert page_counter_css('%(page)s/"%(pages)s') == 'counter(page) "/\\22 " counter(pages)'
