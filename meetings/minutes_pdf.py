"""A meeting's agenda, minutes and action points as a PDF, in nynorsk like the annual report.

The document's words carry the context "meeting minutes" in the catalog, so that their nynorsk
wording changes nothing elsewhere in the portal.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import pgettext, pgettext_lazy

from helsefellesskap.pdf import html_to_pdf_with_pages, page_counter_css
from helsefellesskap.render_jobs import RenderedFile

from .models import ActionPointStatus, Meeting

MINUTES_LANGUAGE = "nn"

STATUS_TEXT = {
    ActionPointStatus.OPEN: pgettext_lazy("meeting minutes", "Open"),
    ActionPointStatus.IN_PROGRESS: pgettext_lazy("meeting minutes", "In progress"),
    ActionPointStatus.DONE: pgettext_lazy("meeting minutes", "Done"),
    ActionPointStatus.DROPPED: pgettext_lazy("meeting minutes", "Dropped"),
}
STATUS_NOT_GIVEN = pgettext_lazy("meeting minutes", "Not given")


def action_point_status_text(status: str) -> str:
    """An action point's status as words (the PDF is read on paper: no colours to rely on)."""
    return str(STATUS_TEXT.get(status, STATUS_NOT_GIVEN))


def render_minutes_html(meeting: Meeting) -> str:
    """The meeting's minutes as one HTML document, in the minutes' language."""
    with translation.override(MINUTES_LANGUAGE):
        action_points = list(meeting.action_points.all())
        for point in action_points:
            point.status_text = action_point_status_text(point.status)
        return render_to_string(
            "meetings/minutes_pdf.html",
            {
                "meeting": meeting,
                "agenda_items": meeting.agenda_items.all(),
                "action_points": action_points,
                "generated_on": timezone.localdate(),
                "page_counter": page_counter_css(
                    pgettext("meeting minutes", "page %(page)s of %(pages)s")
                ),
                "language": MINUTES_LANGUAGE,
            },
        )


def render_minutes_pdf(meeting: Meeting) -> RenderedFile:
    """Load the meeting with its agenda and action points, lay it out and write the PDF."""
    meeting = Meeting.objects.with_agenda_and_action_points().get(pk=meeting.pk)
    content, pages = html_to_pdf_with_pages(render_minutes_html(meeting))
    return RenderedFile(content=content, pages=pages)


def render_minutes(export) -> RenderedFile:
    """The renderer of a MinutesExport job (registered under "meetings.minutes")."""
    return render_minutes_pdf(export.meeting)
