"""One word per concept (issue 16 item 2): reporting a year's statuses, the annual report (the
PDF) and the archive of annual reports are three things, and the menus, headings, buttons and
links never call any of them by the bare word "rapport"."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_report, make_revision_year

pytestmark = pytest.mark.nynorsk

# Per language: what each concept is called, and the words of the status itself (a measure
# "not reported"), which are not one of the three.
WORDS = {
    "nn": {
        "reporting": r"rapporter status \d{4}|rapportert status|rapporteringa?\b",
        "annual report": r"årsrapport",
        "archive": r"^rapportarkiv\b|rapportarkivet",
        "status": r"ikkje rapportert",
    },
    "nb": {
        "reporting": r"rapporter status \d{4}|statuser rapportert|rapporteringen?\b",
        "annual report": r"årsrapport",
        "archive": r"^rapportarkiv\b|rapportarkivet",
        "status": r"ikke rapportert",
    },
    "en": {
        "reporting": r"report status \d{4}|statuses reported|\breporting\b",
        "annual report": r"annual report",
        "archive": r"^report archive\b",
        "status": r"not reported",
    },
}


class _Labels(HTMLParser):
    """The texts people navigate by: menu entries, headings, links, buttons and the title."""

    TAGS = {"title", "h1", "h2", "h3", "a", "button", "summary", "caption"}

    def __init__(self):
        super().__init__()
        self.open, self.labels = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.open.append([tag, ""])

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            _tag, text = self.open.pop()
            self.labels.append(" ".join(text.split()))

    def handle_data(self, data):
        for item in self.open:
            item[1] += data


def _labels(client, url, lang) -> list[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Labels()
    parser.feed(response.content.decode())
    return parser.labels


@pytest.fixture
def pages(world, sara, alice_client, sara_client):
    make_revision_year(world.plan, 2024, by=sara, deadline=date(2025, 1, 31))
    report = make_report(world.plan, 2024, by=sara, state="done")
    return [
        (alice_client, reverse("actionplan:dashboard")),
        (alice_client, world.committee_a.get_absolute_url()),
        (alice_client, reverse("actionplan:report_year", args=["utval-a", 2024])),
        (sara_client, reverse("actionplan:revision_board")),
        (sara_client, reverse("actionplan:reports")),
        (sara_client, report.get_absolute_url()),
    ]


@pytest.mark.parametrize("lang", ["nn", "nb", "en"])
def test_reporting_the_annual_report_and_the_archive_have_a_word_each(pages, lang):
    words = WORDS[lang]
    found = {concept: [] for concept in words}
    unclear = []
    for client, url in pages:
        for label in _labels(client, url, lang):
            if "report" not in label.lower() and "rapport" not in label.lower():
                continue
            concepts = [c for c, pattern in words.items() if re.search(pattern, label.lower())]
            if not concepts:
                unclear.append((url, label))
            for concept in concepts:
                found[concept].append(label)
    assert not unclear, f"{lang}: 'report' without saying which of the three: {unclear}"
    for concept in ("reporting", "annual report", "archive"):
        assert found[concept], f"{lang}: nothing says {concept!r}"


def test_menu_calls_the_archive_rapportarkiv(pages):
    client, url = pages[4]
    labels = _labels(client, url, "nn")
    assert "Rapportarkiv" in labels  # the menu entry
    assert labels.count("Rapportarkiv") >= 2  # and the page's own heading
    step = "Rapporter status 2024 (frist 31. januar 2025, 0 av 1 gjort)"
    assert any(label.startswith(step) for label in _labels(*pages[0], "nn"))
