"""The SVG status charts: numbers on the bars, a text alternative, never colour alone."""

import re

from actionplan.charts import status_bar_svg, status_years_svg
from actionplan.models import StatusCounts


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_bar_has_title_and_desc_with_every_count_in_words():
    svg = status_bar_svg(
        StatusCounts(done=3, in_progress=2, not_done=1, not_reported=4), title="Rehab, 2024"
    )
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert "<title id=" in svg
    assert ">Rehab, 2024</title>" in svg
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", svg).group(1)
    assert "10 measures" in desc
    for words in (
        "Carried out: 3",
        "Being planned / in progress: 2",
        "Not carried out: 1",
        "Not reported: 4",
    ):
        assert words in desc


def test_bar_writes_the_numbers_on_the_segments():
    svg = status_bar_svg(StatusCounts(done=3, in_progress=2, not_done=1, not_reported=4), title="t")
    assert _texts(svg) == ["3", "2", "1", "4"]


def test_bar_marks_statuses_with_patterns_not_only_colour():
    svg = status_bar_svg(StatusCounts(in_progress=1, not_done=1, not_reported=1), title="t")
    assert svg.count("<pattern") == 3
    assert svg.count('fill="url(#') == 3


def test_bar_escapes_the_title():
    svg = status_bar_svg(StatusCounts(done=1), title="<script>x</script>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg


def test_bar_for_no_measures_says_so():
    svg = status_bar_svg(StatusCounts(), title="Empty")
    assert "No measures" in svg
    assert "0 measures" in svg


def test_bar_with_legend_names_each_status():
    svg = status_bar_svg(StatusCounts(done=1), title="t", legend=True)
    for label in ("Carried out", "Being planned / in progress", "Not carried out", "Not reported"):
        assert f">{label}</text>" in svg


def test_two_charts_get_different_ids_and_one_chart_renders_the_same_twice():
    one = status_bar_svg(StatusCounts(done=1), title="A")
    other = status_bar_svg(StatusCounts(done=1), title="B")
    assert re.search(r'id="(\w+)-title"', one).group(1) != re.search(
        r'id="(\w+)-title"', other
    ).group(1)
    assert one == status_bar_svg(StatusCounts(done=1), title="A")


def test_years_chart_has_a_column_per_year_with_numbers_and_desc():
    svg = status_years_svg(
        {2023: StatusCounts(done=5, not_reported=1), 2024: StatusCounts(in_progress=4, not_done=2)},
        title="Status per year for Rehab",
    )
    texts = _texts(svg)
    assert "2023" in texts
    assert "2024" in texts
    assert {"5", "4", "2"} <= set(texts)
    assert ">Status per year for Rehab</title>" in svg
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", svg).group(1)
    assert "2023: Carried out: 5" in desc
    assert "2024: Carried out: 0, Being planned / in progress: 4, Not carried out: 2" in desc
