"""The plan table as XLSX: the same filtered rows as its CSV, with statuses as colour and text."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actionplan.models import Status, status_label
from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_plan,
    make_priority_groups,
    make_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_data(db):
    plan = make_plan()
    groups = make_priority_groups()
    a = make_committee("Fagrådet for rehabilitering", slug="rehabilitering")
    b = make_committee("Fagrådet for helseberedskap", slug="helseberedskap")
    goal_a = make_goal(plan, a, "Betre overgangar")
    m1 = make_measure(
        goal_a, "Felles rutinar", responsible="LSU Molde", priority_groups=groups[2:3]
    )
    make_status(m1, 2023, Status.DONE)
    make_status(m1, 2024, Status.IN_PROGRESS, note="Pilot i Volda")
    m2 = make_measure(make_goal(plan, b, "Beredskap"), '=HYPERLINK("http://x")')
    make_status(m2, 2024, Status.NOT_DONE)
    make_measure(goal_a, "Gammalt tiltak", retired=True)
    return plan, a, b


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def _cells_by_header(sheet):
    header = [cell.value for cell in sheet[1]]
    return header, [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_xlsx_has_a_row_per_active_measure_with_status_colour_and_text(client, plan_data):
    plan, _a, _b = plan_data
    sheet = _sheet(client.get(reverse("actionplan:table_xlsx")))
    header, rows = _cells_by_header(sheet)
    assert [str(y) for y in plan.years] == [h for h in header if h.isdigit()]
    assert len(rows) == 2  # the retired measure is left out, as on the page
    by_text = {row[header[3]].value: row for row in rows}
    rutinar = by_text["Felles rutinar"]
    assert rutinar["2024"].value == status_label(Status.IN_PROGRESS)
    assert rutinar["2024"].fill.start_color.rgb.endswith("F2C94C")
    assert rutinar["2023"].fill.start_color.rgb.endswith("2E7D32")
    assert rutinar["2022"].value == status_label("")  # "not reported" is text, uncoloured
    assert rutinar["2022"].fill.fill_type is None
    assert sheet.freeze_panes == "A2"


def test_xlsx_keeps_formula_like_text_as_text(client, plan_data):
    sheet = _sheet(client.get(reverse("actionplan:table_xlsx")))
    header, rows = _cells_by_header(sheet)
    cell = next(row[header[3]] for row in rows if "HYPERLINK" in row[header[3]].value)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_xlsx_for_one_committee_holds_the_same_rows_as_the_csv(client, plan_data):
    _plan, a, _b = plan_data
    query = {"committee": a.slug}
    sheet = _sheet(client.get(reverse("actionplan:table_xlsx"), query))
    csv_text = client.get(reverse("actionplan:table_csv"), query).content.decode("utf-8-sig")
    _header, rows = _cells_by_header(sheet)
    assert [row[_header[3]].value for row in rows] == ["Felles rutinar"]
    assert "Felles rutinar" in csv_text
    assert "HYPERLINK" not in csv_text


@pytest.mark.parametrize("n", [5, 60])
def test_xlsx_query_count_is_constant(client, plan_data, n, django_assert_max_num_queries):
    plan, a, _b = plan_data
    goal = make_goal(plan, a)
    for i in range(n):
        make_status(make_measure(goal, f"T{i}"), 2024, Status.DONE)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("actionplan:table_xlsx"))
    assert _sheet(response).max_row == n + 3
