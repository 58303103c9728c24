"""The plan table: filters in the URL, sorting, paging and the CSV download."""

import csv
import io
import re

import pytest

from tests.factories import (
    make_committee,
    make_goal,
    make_measure,
    make_plan,
    make_plan_with_measures,
    make_priority_groups,
    make_status,
    make_subgoal,
)


@pytest.fixture
def plan_rows(db):
    """Two committees; measures with known texts, groups and 2024 statuses."""
    plan = make_plan()
    children, _mental, elderly, _chronic = make_priority_groups()
    barn = make_committee("Barn og unge", short_name="Barn og unge", slug="barn-og-unge", order=1)
    rehab = make_committee("Rehabilitering", short_name="Rehab", slug="rehabilitering", order=2)
    goal_barn = make_goal(plan, barn, "Koordinerte tenester for barn", order=1)
    sub_barn = make_subgoal(goal_barn, "Koordinatorrolla")
    goal_rehab = make_goal(plan, rehab, "Gode samarbeidsformer", order=1)
    measures = {
        "koordinatorskule": make_measure(
            goal_barn,
            "Felles koordinatorskule",
            subgoal=sub_barn,
            order=1,
            priority_groups=[children],
        ),
        "konferanse": make_measure(goal_barn, "Konferanse for alle", order=2),
        "heimeside": make_measure(
            goal_rehab,
            "Lage heimeside om rehabilitering",
            order=1,
            priority_groups=[elderly],
            responsible="HMR og kommunane",
        ),
        "retningsliner": make_measure(goal_rehab, "Felles retningsliner", order=2),
    }
    make_status(measures["koordinatorskule"], 2024, "done")
    make_status(measures["konferanse"], 2024, "in_progress")
    make_status(measures["heimeside"], 2024, "not_done")
    make_status(measures["heimeside"], 2023, "done")
    make_status(measures["retningsliner"], 2024, "", note="Årleg")  # a note, no status
    make_measure(goal_rehab, "Pensjonert tiltak", retired=True)
    return plan, measures


def _measure_texts(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    return re.findall(r'<th scope="row"><a href="/plan/measures/\d+/">([^<]*)</a>', html)


def test_table_lists_all_active_measures_in_plan_order(client, plan_rows):
    # A measure directly under a goal comes before the goal's sub-goals, as in the document.
    assert _measure_texts(client.get("/plan/table/")) == [
        "Konferanse for alle",
        "Felles koordinatorskule",
        "Lage heimeside om rehabilitering",
        "Felles retningsliner",
    ]


def test_table_has_a_status_column_per_plan_year(client, plan_rows):
    html = client.get("/plan/table/").content.decode()
    for year in (2022, 2023, 2024, 2025, 2026):
        assert re.search(
            rf'<th scope="col"[^>]*>\s*<a class="sort-link" href="\?sort=status_{year}">{year}',
            html,
        )
    assert "<caption>Measures of the plan</caption>" in html


def test_table_row_shows_priority_groups_and_each_years_status(client, plan_rows):
    html = client.get("/plan/table/").content.decode()
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S)
    row = next(row for row in rows if "Lage heimeside" in row)
    assert '<span class="priority-tag">Skrøpelege eldre</span>' in row
    assert '<td data-label="Responsible">HMR og kommunane</td>' in row
    cells = re.findall(r'<td class="status-cell[^"]*" data-label="(\d+)">(.*?)</td>', row, re.S)
    labels = [
        (int(year), re.search(r'status__label">([^<]*)<', cell).group(1)) for year, cell in cells
    ]
    # 2022-2026: nothing, done in 2023, not done in 2024, nothing after.
    assert labels == [
        (2022, "Not reported"),
        (2023, "Carried out"),
        (2024, "Not carried out"),
        (2025, "Not reported"),
        (2026, "Not reported"),
    ]


def test_rows_are_grouped_under_their_goal_and_sub_goal_not_repeated(client, plan_rows):
    html = client.get("/plan/table/").content.decode()
    heads = re.findall(r'<th scope="rowgroup" colspan="(\d+)">(.*?)</th>', html, re.S)
    # Barn og unge: the goal with its own measure, then its sub-goal; Rehab: one goal. Each
    # goal is named once, in the head of its first group, not on every row.
    assert len(heads) == 3
    assert "Barn og unge" in heads[0][1]
    assert "Koordinerte tenester for barn" in heads[0][1]
    assert "Koordinatorrolla" not in heads[0][1]
    assert "Koordinatorrolla" in heads[1][1]
    assert "Koordinerte tenester for barn" not in heads[1][1]
    assert "Rehab" in heads[2][1]
    assert "Gode samarbeidsformer" in heads[2][1]
    assert html.count("Gode samarbeidsformer") == 1
    assert html.count("Koordinerte tenester for barn") == 1
    # Measure, responsible and the five years: the head spans them all.
    assert {span for span, _head in heads} == {"7"}


def test_years_before_the_current_one_fold_and_the_empty_responsible_column_goes(client, plan_rows):
    html = client.get("/plan/table/?committee=barn-og-unge").content.decode()
    assert "Responsible" not in html.split("<tbody")[0].split("<thead")[1]
    # The current year (2026, the plan's last) stays; the others carry the folding class.
    assert re.search(r'<th scope="col" class="orderable status-cell">\s*<a[^>]*>2026', html)
    for year in (2022, 2023, 2024, 2025):
        assert re.search(
            rf'<th scope="col" class="orderable status-cell year-other">\s*<a[^>]*>{year}', html
        )
    assert re.search(r'<button[^>]*aria-expanded="false" aria-controls="plan-table"', html)
    assert "years-expanded" not in html
    # Sorted by a folded year, the page opens with every year shown.
    sorted_html = client.get("/plan/table/?sort=status_2024").content.decode()
    assert re.search(r'<button[^>]*aria-expanded="true" aria-controls="plan-table"', sorted_html)
    assert "years-expanded" in sorted_html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("committee=rehabilitering", ["Lage heimeside om rehabilitering", "Felles retningsliner"]),
        ("priority_group=barn-og-unge", ["Felles koordinatorskule"]),
        ("priority_group=skropelege-eldre", ["Lage heimeside om rehabilitering"]),
        ("year=2024&status=done", ["Felles koordinatorskule"]),
        ("year=2024&status=in_progress", ["Konferanse for alle"]),
        ("year=2024&status=not_done", ["Lage heimeside om rehabilitering"]),
        ("year=2023&status=done", ["Lage heimeside om rehabilitering"]),
        ("year=2024&status=not_reported", ["Felles retningsliner"]),
        (
            "year=2023&status=not_reported",
            ["Konferanse for alle", "Felles koordinatorskule", "Felles retningsliner"],
        ),
        ("q=felles", ["Felles koordinatorskule", "Felles retningsliner"]),
        ("q=koordinatorrolla", ["Felles koordinatorskule"]),  # sub-goal text
        ("q=samarbeidsformer", ["Lage heimeside om rehabilitering", "Felles retningsliner"]),
        ("q=felles+barn", ["Felles koordinatorskule"]),  # every word must match
        ("q=pensjonert", []),  # retired measures are not in the table
        ("committee=barn-og-unge&year=2024&status=in_progress", ["Konferanse for alle"]),
        ("year=2024", None),  # the year alone filters nothing
    ],
)
def test_filters_return_the_right_rows(client, plan_rows, query, expected):
    if expected is None:
        expected = _measure_texts(client.get("/plan/table/"))
    assert _measure_texts(client.get(f"/plan/table/?{query}")) == expected


def test_status_filter_without_a_year_uses_the_current_year(client, plan_rows, settings):
    plan, measures = plan_rows
    year = plan.default_year()
    make_status(measures["retningsliner"], year, "done") if year != 2024 else None
    texts = _measure_texts(client.get("/plan/table/?status=done"))
    expected_done = [
        m.text for m in measures.values() if (s := m.status_for(year)) and s.status == "done"
    ]
    assert texts == expected_done
    assert f"Current year ({year})" in client.get("/plan/table/").content.decode()


def test_invalid_filter_values_show_an_error_and_no_rows_never_a_500(client, plan_rows):
    response = client.get("/plan/table/?status=bogus&committee=nope&year=1900")
    assert response.status_code == 200
    html = response.content.decode()
    assert _measure_texts(response) == []
    assert "Select a valid choice" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "text",
            [
                "Felles koordinatorskule",
                "Felles retningsliner",
                "Konferanse for alle",
                "Lage heimeside om rehabilitering",
            ],
        ),
        (
            "-text",
            [
                "Lage heimeside om rehabilitering",
                "Konferanse for alle",
                "Felles retningsliner",
                "Felles koordinatorskule",
            ],
        ),
        # Least progress first; "not reported" (no status or a note only) before all.
        (
            "status_2024",
            [
                "Felles retningsliner",
                "Lage heimeside om rehabilitering",
                "Konferanse for alle",
                "Felles koordinatorskule",
            ],
        ),
        (
            "-status_2024",
            [
                "Felles koordinatorskule",
                "Konferanse for alle",
                "Lage heimeside om rehabilitering",
                "Felles retningsliner",
            ],
        ),
        (
            "-committee",  # the whole document order, reversed
            [
                "Felles retningsliner",
                "Lage heimeside om rehabilitering",
                "Felles koordinatorskule",
                "Konferanse for alle",
            ],
        ),
    ],
)
def test_sorting_orders_the_rows(client, plan_rows, sort, expected):
    texts = _measure_texts(client.get(f"/plan/table/?sort={sort}"))
    assert texts == expected


def test_sorted_column_carries_aria_sort(client, plan_rows):
    html = client.get("/plan/table/?sort=-status_2024").content.decode()
    assert re.search(
        r'<th scope="col" class="desc orderable status-cell year-other" aria-sort="descending">\s*'
        r'<a class="sort-link" href="\?sort=status_2024">2024',
        html,
    )
    assert html.count("aria-sort=") == 1


def test_a_sort_link_starts_again_from_the_first_page_and_keeps_the_filters(client, db):
    make_plan_with_measures(60)
    html = client.get("/plan/table/?page=2&q=Tiltak").content.decode()
    sort_links = re.findall(r'class="sort-link" href="([^"]+)"', html)
    assert sort_links
    assert all("page=" not in link and "q=Tiltak" in link for link in sort_links)
    page_links = re.findall(r'<a rel="prev" href="([^"]+)"', html)
    assert page_links == ["?page=1&amp;q=Tiltak"]


def test_table_pages_by_fifty_with_an_accessible_pagination(client, db):
    make_plan_with_measures(60)
    first = client.get("/plan/table/")
    assert len(_measure_texts(first)) == 50
    html = first.content.decode()
    assert '<nav class="pagination" aria-label="Pages">' in html
    assert 'aria-current="page"' in html
    assert "60 measures" in html
    assert len(_measure_texts(client.get("/plan/table/?page=2"))) == 10


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_a_header_and_every_row_with_status_labels(client, plan_rows):
    rows = _csv_rows(client.get("/plan/table.csv"))
    assert rows[0] == [
        "Committee",
        "Main goal",
        "Sub-goal",
        "Measure",
        "Responsible",
        "How it is measured",
        "Priority patient groups",
        "Notes",
        "2022",
        "2023",
        "2024",
        "2025",
        "2026",
    ]
    assert len(rows) == 1 + 4
    heimeside = next(row for row in rows if row[3] == "Lage heimeside om rehabilitering")
    assert heimeside[:5] == [
        "Rehab",
        "Gode samarbeidsformer",
        "",
        "Lage heimeside om rehabilitering",
        "HMR og kommunane",
    ]
    assert heimeside[6] == "Skrøpelege eldre"
    assert heimeside[8:] == [
        "Not reported",
        "Carried out",
        "Not carried out",
        "Not reported",
        "Not reported",
    ]


def test_csv_holds_only_the_filtered_rows_in_the_chosen_order(client, plan_rows):
    rows = _csv_rows(client.get("/plan/table.csv?committee=rehabilitering&sort=-text"))
    assert [row[3] for row in rows[1:]] == [
        "Lage heimeside om rehabilitering",
        "Felles retningsliner",
    ]
    same = _csv_rows(client.get("/plan/table/?committee=rehabilitering&sort=-text&_export=csv"))
    assert same == rows


def test_csv_holds_every_filtered_row_not_just_one_page(client, db):
    make_plan_with_measures(60)
    assert len(_csv_rows(client.get("/plan/table.csv?page=1"))) == 61


def test_csv_link_keeps_the_filters(client, plan_rows):
    html = client.get("/plan/table/?committee=rehabilitering&page=1").content.decode()
    assert 'href="/plan/table.csv?committee=rehabilitering"' in html


def test_csv_keeps_a_formula_like_cell_as_text(client, plan_rows):
    _plan, measures = plan_rows
    measures["heimeside"].responsible = "=HYPERLINK(1)"
    measures["heimeside"].save()
    rows = _csv_rows(client.get("/plan/table.csv?committee=rehabilitering"))
    assert rows[1][4] == "'=HYPERLINK(1)"


def test_fast_csv_values_equal_django_tables2_own_export(db, rf):
    import django_tables2

    from actionplan.models import Measure
    from actionplan.tables import PlanTable

    plan, _measures = make_plan_with_measures(12)
    make_status(Measure.objects.first(), 2025, "", note="Årleg")
    table = PlanTable(Measure.objects.for_plan_table(plan), years=plan.years)
    theirs = [
        ["" if cell is None else cell for cell in row]  # both are an empty CSV cell
        for row in django_tables2.Table.as_values(table)
    ]
    assert list(table.as_values()) == theirs


def test_filter_form_offers_the_plans_committees_and_keeps_the_choice(client, plan_rows):
    html = client.get("/plan/table/?committee=rehabilitering").content.decode()
    select = re.search(r'<select name="committee".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    assert options == [
        ("", "", "All committees"),
        ("barn-og-unge", "", "Barn og unge"),
        ("rehabilitering", " selected", "Rehabilitering"),
    ]
    assert '<label for="id_committee">Committee</label>' in html


def test_filter_choices_are_read_without_a_server_side_cursor(plan_rows):
    # iterator() would DECLARE a cursor on PostgreSQL: three round trips for a few rows.
    from unittest import mock

    from django.db.models.query import QuerySet

    from actionplan.filters import MeasureFilter
    from actionplan.models import Measure

    plan, _measures = plan_rows
    filterset = MeasureFilter({}, Measure.objects.all(), plan=plan, default_year=2024)
    with mock.patch.object(QuerySet, "iterator", side_effect=AssertionError("iterator()")):
        html = str(filterset.form["committee"]) + str(filterset.form["priority_group"])
    assert "Rehabilitering" in html
    assert "Skrøpelege eldre" in html
