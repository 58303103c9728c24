"""The status badge partial: text and an icon for every status, never colour alone."""

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("status", "css", "label"),
    [
        ("done", "status--done", "Carried out"),
        ("in_progress", "status--in_progress", "Being planned / in progress"),
        ("not_done", "status--not_done", "Not carried out"),
        ("", "status--not_reported", "Not reported"),
        (None, "status--not_reported", "Not reported"),
        ("nonsense", "status--not_reported", "Not reported"),
    ],
)
def test_badge_shows_text_and_icon_for_every_status(status, css, label):
    html = render_to_string("includes/_status_badge.html", {"status": status})
    assert f'class="status {css}"' in html
    assert f'<span class="status__label">{label}</span>' in html
    assert '<svg class="status__icon" aria-hidden="true"' in html


def test_badge_names_the_year_for_screen_readers_when_given():
    html = render_to_string("includes/_status_badge.html", {"status": "done", "year": 2024})
    assert '<span class="visually-hidden">2024: </span>' in html


def test_legend_lists_the_document_colour_code_and_not_reported():
    html = render_to_string("includes/_status_legend.html", {"with_priority": True})
    for label in ("Not carried out", "Being planned / in progress", "Carried out", "Not reported"):
        assert label in html
    assert "Priority patient group" in html
