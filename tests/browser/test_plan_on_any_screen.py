"""The plan on any screen (issue 16 item 1), on the real plan in Chromium: at 1280 px the measure
and this year's status side by side with no sideways scrolling, earlier years behind "Vis alle
år"; at 375 px cards instead of tables and a header of one short row with a menu button."""

import pytest
from django.core.management import call_command

from actionplan.models import Committee, Measure
from tests.browser.conftest import DESKTOP
from tests.factories import make_alice

pytestmark = pytest.mark.browser

PHONE_375 = {"width": 375, "height": 812}
CURRENT_YEAR = 2026  # the real plan's last year, and the calendar year the portal runs in
PLAN_TABLE = "/plan/table/"
# The committee whose measures fill the most text columns (responsible, measured, notes).
WIDEST_COMMITTEE = "/plan/committees/helsefremmende-og-forebyggende/"
COMMITTEE = "/plan/committees/rehabilitering/"
ACTION_POINTS = "/meetings/action-points/"


@pytest.fixture
def real_plan(transactional_db):
    call_command("load_real_plan", verbosity=0)
    committee = Committee.objects.get(slug="helsefremmende-og-forebyggende")
    editor = make_alice()
    committee.editors.add(editor)
    # The longest words a measure may hold still wrap inside its cell.
    measure = Measure.objects.filter(goal__committee=committee).first()
    measure.responsible = "Kommunehelsetenestekoordinatorane i samarbeid med helseføretaket"
    measure.save()
    return {"editor": editor}


def _no_sideways_scrolling(page):
    """The page and every table box fit the window (nothing to scroll sideways)."""
    widths = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            window: innerWidth,
            tables: [...document.querySelectorAll('main table')].map(table => ({
                table: [table.scrollWidth, table.clientWidth],
                box: [table.parentElement.scrollWidth, table.parentElement.clientWidth],
                right: table.getBoundingClientRect().right,
            })),
        })"""
    )
    assert widths["page"] <= widths["window"], widths
    assert widths["tables"], "no table on the page"
    for table in widths["tables"]:
        assert table["table"][0] <= table["table"][1], table
        assert table["box"][0] <= table["box"][1], table
        assert table["right"] <= widths["window"], table


def _current_year_cells_in_view(page, *, window_width):
    """Every visible heading and cell of this year's column lies inside the window."""
    rights = page.evaluate(
        """(year) => [...document.querySelectorAll('main table')].flatMap(table => {
            const heads = [...table.querySelectorAll('thead th')];
            const index = heads.findIndex(th => th.innerText.trim().startsWith(String(year)));
            if (index < 0) return [['missing', table.caption && table.caption.innerText]];
            const cells = [...table.querySelectorAll('tbody tr')]
                .map(row => row.querySelector(`[data-label="${year}"]`)).filter(Boolean);
            return [heads[index], ...cells].map(el => {
                const box = el.getBoundingClientRect();
                return [box.width > 0 ? box.right : 'hidden', el.innerText.slice(0, 40)];
            });
        })""",
        CURRENT_YEAR,
    )
    assert len(rights) > 1
    for right, text in rights:
        assert right != "missing", text
        assert right != "hidden", text
        assert right <= window_width, text


@pytest.mark.parametrize(
    ("url", "as_editor"),
    [(PLAN_TABLE, False), (COMMITTEE, False), (WIDEST_COMMITTEE, False), (WIDEST_COMMITTEE, True)],
)
def test_this_years_status_is_beside_the_measure_at_1280_px(
    visit, real_plan, assert_accessible, url, as_editor
):
    page = visit.open(url, user=real_plan["editor"] if as_editor else None, viewport=DESKTOP)
    _no_sideways_scrolling(page)
    _current_year_cells_in_view(page, window_width=DESKTOP["width"])
    # The earlier years are folded, not gone: one button shows them all.
    earlier = page.locator(f'main [data-label="{CURRENT_YEAR - 1}"]').first
    assert not earlier.is_visible()
    toggle = page.get_by_role("button", name="Vis alle år")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert earlier.is_visible()
    assert_accessible(page)
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not earlier.is_visible()


def test_plan_table_groups_rows_under_goal_and_sub_goal(visit, real_plan):
    page = visit.open(PLAN_TABLE, viewport=DESKTOP)
    table = page.locator("#plan-table")
    headings = table.locator("thead th").all_inner_texts()
    # Measure, this year; the committee, goal and sub-goal head the groups of rows instead.
    assert [h.strip(" ↕▲▼") for h in headings if not h.startswith(("202",))] == ["Tiltak"]
    assert table.get_by_role("rowheader").first.is_visible()
    group_heads = table.locator("tbody > tr.plan-group__head th[scope=rowgroup]")
    assert group_heads.count() > 5
    assert "Hovudmål:" in group_heads.first.inner_text()


@pytest.mark.parametrize("url", [PLAN_TABLE, COMMITTEE, ACTION_POINTS])
def test_phone_shows_cards_instead_of_a_table(visit, real_plan, assert_accessible, url):
    page = visit.open(url, viewport=PHONE_375)
    _no_sideways_scrolling(page)
    layout = page.evaluate(
        """() => {
            const row = document.querySelector('main table tbody tr:not(.plan-group__head)');
            const cell = row.querySelector('td[data-label]:not(.year-other)');
            return {
                row: getComputedStyle(row).display,
                cell: getComputedStyle(cell).display,
                label: getComputedStyle(cell, '::before').content,
                width: row.getBoundingClientRect().width,
            };
        }"""
    )
    assert layout["row"] == "block"
    assert layout["cell"] == "block"
    assert layout["label"] not in ("none", "normal", "")  # each cell names what it holds
    assert layout["width"] <= PHONE_375["width"]
    assert_accessible(page)


def test_phone_header_is_one_short_row_with_a_menu_button(visit, real_plan, assert_accessible):
    page = visit.open(PLAN_TABLE, viewport=PHONE_375)
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] < 120
    language = page.get_by_label("Språk")
    log_in = page.locator("header").get_by_role("link", name="Logg inn")
    assert not language.is_visible()
    assert not log_in.is_visible()

    # By keyboard: the menu button comes right after the site name.
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site name
    page.keyboard.press("Tab")
    button = page.locator("*:focus")
    assert button.inner_text().strip() == "Meny"
    assert button.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    assert language.is_visible()
    assert log_in.is_visible()
    assert page.locator("header nav").get_by_role("link", name="Plan", exact=True).is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_375["width"]
    assert_accessible(page)
    # Escape closes it and leaves focus on the button.
    language.focus()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.classList.contains('site-menu-button')")
    assert not language.is_visible()


def test_desktop_header_has_no_menu_button(visit, real_plan):
    page = visit.open(PLAN_TABLE, viewport=DESKTOP)
    assert not page.locator(".site-menu-button").is_visible()
    assert page.get_by_label("Språk").is_visible()
    assert page.locator("header").get_by_role("link", name="Logg inn").is_visible()
