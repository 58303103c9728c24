"""Context for the editing partials, shared by full pages, htmx fragments and template tags."""

from django.template.defaultfilters import urlencode
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from helsefellesskap.row_urls import reverse_numbers

from .forms import StatusForm
from .rights import can_edit_status
from .status_html import cell as public_cell
from .status_html import year_cell_class

# cell()'s "the caller did not look the status up" (None is "no status that year").
NOT_GIVEN = object()


def cell_id(measure, year) -> str:
    """The element id shared by a status cell and its form, so htmx swaps one for the other."""
    return f"status-{measure.pk}-{year}"


class StatusCells:
    """The status cells of one page as one user sees them: a measure's status for a year, with
    an in-place edit control (htmx, and a plain link without JavaScript) where they may edit.

    A committee page draws hundreds of cells (issue 17: drawn one template at a time they cost
    two thirds of the page after an edit), so the rights are decided once per committee and
    year, the edit URL is reversed once (row_urls), and each cell is put together here rather
    than in a template. Readers get exactly the public cell (status_html.cell)."""

    def __init__(self, *, request, plan, next_url=None):
        self.user = request.user
        self.plan = plan
        self.next_query = urlencode(next_url or request.get_full_path())
        self._rights: dict[tuple, bool] = {}
        self._labels: dict[int, str] = {}
        # Asked once: a page draws its cells in one language.
        self.language = get_language()

    def may_edit(self, measure, year) -> bool:
        """rights.can_edit_status, asked once per committee and year of the page."""
        key = (measure.goal.committee_id, year)
        if key not in self._rights:
            self._rights[key] = can_edit_status(self.user, measure, self.plan, year)
        return self._rights[key]

    @staticmethod
    def edit_url(measure, year) -> str:
        return reverse_numbers("actionplan:status_update", measure.pk, year)

    def cell(
        self, measure, year, *, saved=False, wrapped=False, text=None, status=NOT_GIVEN
    ) -> SafeString:
        """One cell. `wrapped`: in its element (id, class) even for a reader, as the htmx
        fragments that replace a cell must be; `saved`: with "Saved." and the focus on the
        edit link (the fragment after a save); `text`: the measure's short text, escaped, and
        `status`: its MeasureStatus of the year (or None), if the caller has them already."""
        can_edit = self.may_edit(measure, year)
        if status is NOT_GIVEN:
            status = measure.status_for(year)
        badge = public_cell(self.language, status)
        if not (can_edit or wrapped):
            return badge
        element_id = cell_id(measure, year)
        html = f'<div id="{element_id}" class="status-edit-cell">{badge}'
        if saved:
            html += f' <span class="status-saved" role="status">{escape(_("Saved."))}</span>'
        if can_edit:
            if text is None:
                text = self.link_text(measure)
            url = escape(f"{self.edit_url(measure, year)}?next={self.next_query}")
            html += (
                f' <a class="status-edit-link" href="{url}" hx-get="{url}"'
                f' hx-target="#{element_id}" hx-swap="outerHTML"{" autofocus" if saved else ""}>'
                f'{self.label(year)}<span class="visually-hidden"> – {text}</span></a>'
            )
        # Built from escaped parts: the badge and label are our own, the rest escaped above.
        return mark_safe(html + "</div>")  # noqa: S308

    @staticmethod
    def link_text(measure) -> str:
        """What the edit link adds for a screen reader: the measure, shortened, escaped."""
        return escape(Truncator(measure.text).chars(60))

    def label(self, year) -> str:
        """ "Update 2026", escaped, once per year of the page."""
        if year not in self._labels:
            self._labels[year] = escape(_("Update %(year)s") % {"year": year})
        return self._labels[year]

    def row(self, measure, years, current_year) -> SafeString:
        """A <td> per year of a table row, each naming its year for the card layout."""
        text = self.link_text(measure)
        # Joined as text: each cell is safe already.
        return mark_safe(  # noqa: S308
            "".join(
                f'<td class="{year_cell_class(year, current_year)}" data-label="{int(year)}">'
                f"{self.cell(measure, year, text=text, status=status)}</td>"
                for year, status in measure.statuses_by_year(years)
            )
        )


def page_status_cells(request, plan) -> StatusCells:
    """The page's StatusCells for this plan, made once per request."""
    made = request.__dict__.setdefault("_status_cells", {})
    if plan.pk not in made:
        made[plan.pk] = StatusCells(request=request, plan=plan)
    return made[plan.pk]


def status_form_context(
    *, request, measure, year, plan=None, form=None, conflict=None, next_url=None
):
    """Context of actionplan/_status_form.html."""
    plan = plan or measure.goal.plan
    if form is None:
        current = measure.status_for(year)
        form = StatusForm(
            auto_id=f"{cell_id(measure, year)}-%s",
            initial={
                "status": current.status if current else "",
                "note": current.note if current else "",
                "version": current.version if current else 0,
            },
        )
    locked = year in plan.locked_years
    return {
        "measure": measure,
        "year": year,
        "form": form,
        "conflict": conflict,
        "locked": locked,
        "cell_id": cell_id(measure, year),
        "edit_url": reverse("actionplan:status_update", args=[measure.pk, year]),
        "cell_url": reverse("actionplan:status_cell", args=[measure.pk, year]),
        "next_url": next_url or request.get_full_path(),
    }
