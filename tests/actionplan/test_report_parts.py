"""The annual report laid out as parts reads as one document: numbers, contents, headers."""

import io
import re

import pytest
from pypdf import PdfReader

from actionplan.models import Status
from actionplan.report import render_report_pdf
from tests.factories import make_plan_with_measures

pytestmark = pytest.mark.nynorsk  # the report is written in nynorsk


@pytest.fixture
def plan_and_measures(db, settings, tmp_path):
    settings.PDF_PART_CACHE_DIR = tmp_path / "parts"
    return make_plan_with_measures(12, committees=3)


def _render(plan) -> PdfReader:
    return PdfReader(io.BytesIO(render_report_pdf(plan=plan, year=2024).content))


def test_contents_give_the_page_each_committee_starts_on(plan_and_measures):
    plan, measures = plan_and_measures
    reader = _render(plan)
    starts = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline}
    contents = reader.pages[1].extract_text()
    for committee in {measure.goal.committee for measure in measures}:
        # "Name ........ 7": the leader dots, then the page the bookmark points at.
        line = re.search(re.escape(committee.name) + r"[ .]*(\d+)", contents)
        assert int(line.group(1)) == starts[committee.name]
        assert f"side {starts[committee.name]} av {len(reader.pages)}" in (
            reader.pages[starts[committee.name] - 1].extract_text()
        )


def test_a_committees_first_page_keeps_the_running_header(plan_and_measures):
    plan, measures = plan_and_measures
    reader = _render(plan)
    committee = measures[0].goal.committee
    (start,) = [
        reader.get_destination_page_number(i) for i in reader.outline if i.title == committee.name
    ]
    text = reader.pages[start].extract_text()
    assert plan.title in text
    assert "Helsefellesskap Møre og Romsdal" in text
    assert "side 1 av" in reader.pages[0].extract_text()


def test_after_one_status_change_only_the_parts_that_show_it_are_laid_out_again(
    plan_and_measures, settings
):
    plan, measures = plan_and_measures
    first = _render(plan)
    laid_out = set(settings.PDF_PART_CACHE_DIR.glob("*.pdf"))
    status = measures[0].statuses.get(year=2024)
    status.status = Status.DONE if status.status != Status.DONE else Status.NOT_DONE
    status.save()
    again = _render(plan)
    new = set(settings.PDF_PART_CACHE_DIR.glob("*.pdf")) - laid_out
    # The summary (its counts), the committee's own part and the closing chapter (its count
    # of changes); the cover and contents, the other committees are reused.
    assert len(new) == 3
    assert len(again.pages) == len(first.pages)
    committee_page = next(
        again.get_destination_page_number(i)
        for i in again.outline
        if i.title == measures[0].goal.committee.name
    )
    assert status.get_status_display() in again.pages[committee_page].extract_text()
