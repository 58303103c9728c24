"""The plan table as XLSX and CSV: the filtered measures, statuses as colour and text."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from actionplan.exports import plan_table_values, xlsx_bytes
from actionplan.models import Measure, Status
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
        goal_a, "Felles rutinar", responsible="LSU Molde", priority_groups=[groups[2]]
    )
    make_status(m1, 2023, Status.DONE)
    make_status(m1, 2024, Status.IN_PROGRESS, note="Pilot i Volda")
    m2 = make_measure(make_goal(plan, b, "Beredskap"), "Øvingar kvart år")
    make_status(m2, 2024, Status.NOT_DONE)
    make_measure(goal_a, "Gammalt tiltak", retired=True)
    return plan, a, b


def test_xlsx_has_a_row_per_measure_with_status_colour_and_text(client, plan_data):
    plan, _a, _b = plan_data
    response = client.get(reverse("actionplan:plan_export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[-len(plan.years) :] == tuple(str(y) for y in plan.years)
    by_measure = {row[3]: row for row in rows[1:]}
    assert set(by_measure) == {"Felles rutinar", "Øvingar kvart år"}  # retired left out
    year_col = header.index("2024") + 1
    cells = {sheet.cell(row=r, column=4).value: sheet.cell(row=r, column=year_col) for r in (2, 3)}
    in_progress = cells["Felles rutinar"]
    assert in_progress.value == f"{Status.IN_PROGRESS.label} – Pilot i Volda"
    assert in_progress.fill.start_color.rgb.endswith("F9C74F")
    assert cells["Øvingar kvart år"].fill.start_color.rgb.endswith("C62828")
    assert by_measure["Felles rutinar"][6] == "Skrøpelege eldre"
    assert sheet.freeze_panes == "A2"


def test_csv_for_one_committee_holds_only_its_measures(client, plan_data):
    _plan, a, _b = plan_data
    response = client.get(reverse("actionplan:plan_export", args=["csv"]), {"committee": a.slug})
    assert "rehabilitering.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [row[3] for row in rows[1:]] == ["Felles rutinar"]
    assert rows[1][0] == a.name
    assert str(Status.DONE.label) in rows[1]


def test_xlsx_export_accepts_any_filtered_queryset(plan_data):
    plan, _a, b = plan_data
    measures = Measure.objects.in_plan(plan).active().filter(goal__committee=b)
    sheet = load_workbook(
        io.BytesIO(xlsx_bytes(plan_table_values(measures, plan.years), sheet_title="x"))
    ).active
    assert [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Øvingar kvart år"]


def test_unknown_export_format_is_404(client, plan_data):
    assert client.get(reverse("actionplan:plan_export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("n", [5, 60])
def test_export_query_count_is_constant(client, plan_data, n, django_assert_max_num_queries):
    plan, a, _b = plan_data
    goal = make_goal(plan, a)
    for i in range(n):
        make_status(make_measure(goal, f"T{i}"), 2024, Status.DONE)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("actionplan:plan_export", args=["csv"]))
    assert response.content.decode("utf-8-sig").count("\n") == n + 3
