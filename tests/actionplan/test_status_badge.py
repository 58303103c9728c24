"""The status badge partial: text and an icon for every status, never colour alone."""

import re

import pytest
from django.template.loader import render_to_string


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


def test_status_tags_give_the_partial_and_the_year_cell_note(db):
    from django.template import engines

    from actionplan.models import MeasureStatus

    template = engines["django"].from_string(
        "{% load actionplan_status %}{% status_badge 'done' %}|{% status_cell cell %}|"
        "{% status_cell None %}"
    )
    html = template.render({"cell": MeasureStatus(status="", note="2024/25 <b>")})
    badge, cell, empty = html.split("|")
    assert badge == render_to_string("includes/_status_badge.html", {"status": "done"}).strip()
    assert "Not reported" in cell
    assert '<span class="status-note">2024/25 &lt;b&gt;</span>' in cell
    assert "Not reported" in empty


def test_status_badge_tag_follows_the_language(settings):
    from django.template import engines
    from django.utils import translation

    template = engines["django"].from_string("{% load actionplan_status %}{% status_badge '' %}")
    with translation.override("en"):
        english = template.render({})
    with translation.override("nb"):
        norwegian = template.render({})
    assert "Not reported" in english
    # Without a catalog the msgid shows; either way the two languages are cached apart.
    from actionplan.templatetags.actionplan_status import _rendered

    assert {key[0] for key in _rendered} >= {"en", "nb"}
    assert norwegian


def test_status_cells_tag_gives_one_cell_per_year_in_order(db):
    from django.template import engines

    from actionplan.models import MeasureStatus

    template = engines["django"].from_string("{% load actionplan_status %}{% status_cells cells %}")
    cells = [
        (2023, MeasureStatus(status="done", note="")),
        (2024, None),
        (2025, MeasureStatus(status="in_progress", note="<i>delayed</i>")),
    ]
    html = template.render({"cells": cells})
    parts = re.split(r'<td class="status-cell" data-label="\d+">', html)[1:]
    assert len(parts) == 3
    assert "Carried out" in parts[0]
    assert "Not reported" in parts[1]
    assert "Being planned / in progress" in parts[2]
    assert '<span class="status-note">&lt;i&gt;delayed&lt;/i&gt;</span>' in parts[2]
