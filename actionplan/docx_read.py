"""Read the plan's own Word document ("Felles handlingsplan") into plain data.

The document is one table: committee | hovudmål | delmål | tiltak | one column per year. The
committee, goal and sub-goal cells run down their rows (merged, or repeated); each year cell is
shaded in the status colour, and any text in it is that year's note. A small colour key
elsewhere in the document says which colour means which status.

Nothing here touches the database: `read_plan_docx(data)` returns a `DocPlan`, or raises
`DocxImportError` with a message for the user. The bytes are checked (size, zip bomb, Word 97
and encrypted files) before python-docx opens them.
"""

import colorsys
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

#: The largest upload the import reads (also the upload page's limit).
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The most a .docx may unpack to, and the highest compression ratio it may have (zip bombs).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_ENTRIES = 2000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

NOT_DONE, IN_PROGRESS, DONE = "not_done", "in_progress", "done"  # models.Status values

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


class DocxImportError(Exception):
    """The file cannot be imported; `message` says why in the user's language."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def max_upload_bytes() -> int:
    return getattr(settings, "PLAN_DOCX_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


# --- The data read ------------------------------------------------------------------------


@dataclass
class YearCell:
    """One year cell: its status (None: no colour, or one that matched nothing) and note."""

    status: str | None = None
    note: str = ""
    colour: str | None = None  # the fill as RRGGBB, None when not shaded

    @property
    def unknown_colour(self) -> bool:
        return self.colour is not None and self.status is None


@dataclass
class DocMeasure:
    text: str
    measurement: str = ""
    years: dict[int, YearCell] = field(default_factory=dict)
    row: int = 0  # the table row (1 = first row under the header), for messages
    responsible: str | None = None  # None: the document does not say
    priority_groups: list[str] | None = None  # group names; None: the document does not say


@dataclass
class DocSubGoal:
    text: str
    measures: list[DocMeasure] = field(default_factory=list)


@dataclass
class DocGoal:
    text: str
    measures: list[DocMeasure] = field(default_factory=list)  # directly under the goal
    subgoals: list[DocSubGoal] = field(default_factory=list)


@dataclass
class DocCommittee:
    name: str
    leader: str = ""
    leader_title: str = ""  # e.g. "Fungerande leiar og sekretær"
    deputy: str = ""
    secretary: str = ""
    goals: list[DocGoal] = field(default_factory=list)

    def measures(self):
        for goal in self.goals:
            yield from goal.measures
            for subgoal in goal.subgoals:
                yield from subgoal.measures


@dataclass
class UnknownColour:
    committee: str
    measure: str
    year: int
    colour: str


@dataclass
class DocPlan:
    years: list[int]
    committees: list[DocCommittee]
    colour_key: dict[str, str]  # RRGGBB -> status, from the document's own key
    priority_colour: str | None = None  # the key's colour for "Dei prioriterte pasientgruppene"
    warnings: list[str] = field(default_factory=list)

    def measures(self):
        for committee in self.committees:
            yield from committee.measures()

    @property
    def unknown_colours(self) -> list[UnknownColour]:
        return [
            UnknownColour(committee.name, measure.text, year, cell.colour)
            for committee in self.committees
            for measure in committee.measures()
            for year, cell in sorted(measure.years.items())
            if cell.unknown_colour
        ]


# --- Text -----------------------------------------------------------------------------------

BULLET_CHARS = "·•▪◦●○‣∙-–—*☐☑"
_BULLET_AT_LINE_START = re.compile(rf"^[ \t]*[{re.escape(BULLET_CHARS)}][ \t]*", re.MULTILINE)
_HYPHEN_BREAK = re.compile(r"(\w)[-\u2010\u2011]\s*(\w)")


def normalise(text: str) -> str:
    """Text as compared with the portal's: case, whitespace, bullets, soft hyphens and words
    hyphenated at a line break ("forventnings-\\navklaring") do not count."""
    text = unicodedata.normalize("NFC", text or "").replace("\u00ad", "").replace("\u200b", "")
    text = _BULLET_AT_LINE_START.sub("", text)
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return " ".join(text.lower().split())


def _clean(text: str) -> str:
    """Stored text: no soft hyphens, no trailing spaces, no blank lines at either end."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "").replace("\u200b", "")
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _paragraph_text(paragraph) -> str:
    text = paragraph.text
    pPr = paragraph._p.pPr
    # A Word list: numbering, or a list style by its id ("ListBullet", nb "Listeavsnitt").
    # (The id, not paragraph.style: resolving the style object costs ~2 ms a paragraph.)
    style_id = (pPr.style or "") if pPr is not None else ""
    is_list = (pPr is not None and pPr.numPr is not None) or style_id.lower().startswith("list")
    if is_list and text.strip() and text.strip()[0] not in BULLET_CHARS:
        text = "· " + text.strip()
    return text


def _cell_text(cell) -> str:
    return _clean("\n".join(_paragraph_text(p) for p in cell.paragraphs))


# --- Colours --------------------------------------------------------------------------------

# Word's highlight colours (w:highlight) as RRGGBB.
HIGHLIGHT_RGB = {
    "yellow": "FFFF00",
    "green": "00FF00",
    "red": "FF0000",
    "darkYellow": "808000",
    "darkGreen": "008000",
    "darkRed": "800000",
    "cyan": "00FFFF",
    "blue": "0000FF",
    "magenta": "FF00FF",
    "darkBlue": "000080",
    "darkCyan": "008080",
    "darkMagenta": "800080",
    "darkGray": "808080",
    "lightGray": "C0C0C0",
    "black": "000000",
}


def _fill_of(element) -> str | None:
    """The w:shd fill of a tcPr, pPr or rPr element, None when unshaded or white."""
    if element is None:
        return None
    shd = element.find(_w("shd"))
    if shd is None:
        return None
    fill = (shd.get(_w("fill")) or "").upper()
    if not re.fullmatch(r"[0-9A-F]{6}", fill) or fill == "FFFFFF":
        return None
    return fill


def cell_colour(cell) -> str | None:
    """The colour a year cell shows: its shading, else a shaded paragraph, else a shaded or
    highlighted run (python-docx reads run highlight; shading has no API and is read here)."""
    fill = _fill_of(cell._tc.tcPr)
    if fill:
        return fill
    for paragraph in cell.paragraphs:
        fill = _fill_of(paragraph._p.pPr)
        if fill:
            return fill
        for run in paragraph.runs:
            fill = _fill_of(run._r.rPr)
            if fill:
                return fill
            highlight = run._r.rPr.highlight_val if run._r.rPr is not None else None
            if highlight is not None:
                name = run._r.rPr.highlight.get(_w("val"))
                if name in HIGHLIGHT_RGB:
                    return HIGHLIGHT_RGB[name]
    return None


def status_by_hue(colour: str) -> str | None:
    """Red, yellow-orange or green as the plan's three statuses; anything else None."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, saturation, value = colorsys.rgb_to_hsv(r, g, b)
    if saturation < 0.3 or value < 0.3:
        return None  # grey, black, pale: no status colour
    degrees = hue * 360
    if degrees < 18 or degrees >= 340:
        return NOT_DONE
    if degrees < 70:
        return IN_PROGRESS
    if 75 <= degrees < 170:
        return DONE
    return None


def _distance(a: str, b: str) -> float:
    return sum((int(a[i : i + 2], 16) - int(b[i : i + 2], 16)) ** 2 for i in (0, 2, 4)) ** 0.5


def status_for_colour(colour: str | None, key: dict[str, str]) -> str | None:
    """The status a colour means: the document's key (a near shade counts), else by hue when
    the document has no key; None when it matches nothing (reported, never guessed)."""
    if colour is None:
        return None
    if not key:
        return status_by_hue(colour)
    if colour in key:
        return key[colour]
    nearest = min(key, key=lambda known: _distance(colour, known))
    return key[nearest] if _distance(colour, nearest) <= 40 else None


# The key's labels and the status words an exported file writes in its year cells.
_STATUS_WORDS = [
    (NOT_DONE, ("ikke gjennomført", "ikkje gjennomført", "ikkje gjennomførd", "not carried out")),
    (
        IN_PROGRESS,
        (
            "under planlegging/ under arbeid",
            "under planlegging / under arbeid",
            "under planlegging",
            "under arbeid",
            "being planned / in progress",
        ),
    ),
    (DONE, ("gjennomført", "gjennomførd", "carried out")),
    # An exported file writes "not reported" where no status is set: no status, no note.
    (None, ("ikkje rapportert", "ikke rapportert", "not reported")),
]


def status_for_words(text: str) -> tuple[str | None, str]:
    """(status, the rest) when the text starts with a status's words ("not reported": None),
    else (None, text)."""
    lowered = text.lower()
    for status, words in _STATUS_WORDS:
        for word in words:
            if lowered.startswith(word):
                rest = text[len(word) :]
                if rest and rest[0].isalnum():
                    continue
                return status, rest.lstrip(" \t:–-\n").strip()
    return None, text


def _key_label(text: str) -> str | None:
    """The status a colour-key label names ("Ikke gjennomført", …), None for other text."""
    text = " ".join(text.split())
    if not text or len(text) > 60:
        return None
    status, rest = status_for_words(text)
    return status if not rest else None


def _is_priority_label(text: str) -> bool:
    return "prioriterte pasientgrupp" in text.lower() and len(text) < 80


def read_colour_key(document, plan_table) -> tuple[dict[str, str], str | None]:
    """The document's colour key: {RRGGBB: status}, and the priority-group colour. Read from
    any small table (a label cell beside a shaded cell, or a shaded labelled cell) and from
    shaded or highlighted paragraphs outside the plan table."""
    key: dict[str, str] = {}
    priority = None
    for table in document.tables:
        if table._tbl is plan_table._tbl or len(table.rows) > 12:
            continue
        for row in table.rows:
            cells = row.cells
            text = " ".join(c.text for c in cells).strip()
            fill = next((f for f in (cell_colour(c) for c in cells) if f), None)
            if not fill:
                continue
            status = _key_label(text)
            if status:
                key.setdefault(fill, status)
            elif _is_priority_label(text):
                priority = priority or fill
    for paragraph in document.paragraphs:
        status = _key_label(paragraph.text)
        if not status:
            continue
        fill = _fill_of(paragraph._p.pPr) or next(
            (f for f in (_run_colour(r) for r in paragraph.runs) if f), None
        )
        if fill:
            key.setdefault(fill, status)
    return key, priority


def _run_colour(run) -> str | None:
    rPr = run._r.rPr
    if rPr is None:
        return None
    fill = _fill_of(rPr)
    if fill:
        return fill
    if rPr.highlight is not None:
        return HIGHLIGHT_RGB.get(rPr.highlight.get(_w("val")))
    return None


# --- The file -------------------------------------------------------------------------------


def check_docx_bytes(data: bytes) -> None:
    """Refuse what is not a .docx we can safely open, with a message saying what it is."""
    if len(data) > max_upload_bytes():
        raise DocxImportError(
            _("The file is larger than %(max)s MB.") % {"max": max_upload_bytes() // 2**20},
            "too_large",
        )
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocxImportError(
                _(
                    "The document is protected with a password. Remove the password in Word "
                    "(File → Info → Protect Document) and upload it again."
                ),
                "encrypted",
            )
        raise DocxImportError(
            _(
                "This is an old Word file (.doc). Open it in Word, save it as a Word document "
                "(.docx) and upload that."
            ),
            "doc",
        )
    if not data.startswith(ZIP_MAGIC):
        raise DocxImportError(
            _("This is not a Word document (.docx). Upload the plan as a .docx file."),
            "not_docx",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocxImportError(
            _("The Word document is damaged and cannot be read. Save it again and retry."),
            "corrupt",
        ) from None
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or unpacked > MAX_UNPACKED_BYTES
        or unpacked / packed > MAX_COMPRESSION_RATIO
    ):
        raise DocxImportError(
            _("The file unpacks to far more than a plan document would; it was not read."),
            "zip_bomb",
        )
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise DocxImportError(
            _("This is not a Word document (.docx). Upload the plan as a .docx file."),
            "not_docx",
        )


def open_docx(data: bytes):
    """The python-docx Document of checked bytes."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_docx_bytes(data)
    try:
        return docx.Document(io.BytesIO(data))
    except ValueError:  # e.g. a macro-enabled .docm or a template: another content type
        raise DocxImportError(
            _("This is not a Word document (.docx). Upload the plan as a .docx file."),
            "not_docx",
        ) from None
    except (PackageNotFoundError, KeyError, zipfile.BadZipFile, OSError, SyntaxError, Exception):
        # lxml's XMLSyntaxError is a SyntaxError; a broken part can raise nearly anything.
        raise DocxImportError(
            _("The Word document is damaged and cannot be read. Save it again and retry."),
            "corrupt",
        ) from None


# --- The plan table -------------------------------------------------------------------------

_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass
class _Columns:
    committee: int
    goal: int
    subgoal: int | None
    measure: int
    years: dict[int, int]  # column -> year
    header_row: int = 0  # rows above it (a title row) are not plan rows


def _header_columns(row) -> _Columns | None:
    texts = [normalise(c.text) for c in row.cells]
    find = lambda *words: next(  # noqa: E731
        (i for i, t in enumerate(texts) if any(w in t for w in words)), None
    )
    committee = find("samarbeidsutval")
    goal = find("hovudmål", "hovedmål")
    measure = find("tiltak")
    years = {i: int(t) for i, t in enumerate(texts) if _YEAR.match(t)}
    if None in (committee, goal, measure) or not years:
        return None
    return _Columns(committee, goal, find("delmål"), measure, years)


def find_plan_table(document):
    """The plan table and its columns; refused when the document has none."""
    for table in document.tables:
        for index, row in enumerate(table.rows[:3]):
            columns = _header_columns(row)
            if columns:
                columns.header_row = index
                return table, columns
    raise DocxImportError(
        _(
            "The document has no table with the plan's header (Faglege samarbeidsutval for | "
            "Hovudmål | Delmål | Tiltak | the years)."
        ),
        "no_plan_table",
    )


_PERSON_LABELS = re.compile(
    r"(Fungerande leiar og sekretær|Fungerende leder og sekretær|Nestleiar|Nestleder|Leiar|"
    r"Leder|Sekretær)\s*:?\s*"
)


def parse_committee_cell(text: str) -> DocCommittee:
    """The committee's name and its "Leiar: …", "Nestleiar: …" (or "Fungerande leiar og
    sekretær: …") lines."""
    parts = _PERSON_LABELS.split(" ".join(text.split()))
    committee = DocCommittee(name=parts[0].strip(" :"))
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        value = value.strip(" ,;")
        lowered = label.lower()
        if lowered.startswith("fungerande") or lowered.startswith("fungerende"):
            committee.leader, committee.leader_title, committee.secretary = value, label, value
        elif lowered.startswith("nest"):
            committee.deputy = value
        elif lowered.startswith("sekret"):
            committee.secretary = value
        else:
            committee.leader = value
    return committee


_MEASUREMENT = re.compile(r"Måleverktøy\s*:\s*", re.IGNORECASE)
# Parts of a measure cell after its text, each starting a line: who is responsible, and the
# priority patient groups it is aimed at (as an exported file writes them).
_CELL_PARTS = re.compile(
    r"^(?P<label>Ansvarleg|Ansvarlig|Prioriterte? pasientgrupper?)\s*:\s*", re.MULTILINE
)


@dataclass
class MeasureCell:
    text: str
    measurement: str = ""
    responsible: str | None = None  # None: the cell does not say
    priority_groups: list[str] | None = None  # names; None: the cell does not say


def split_measurement(text: str) -> tuple[str, str]:
    """A measure cell's text and its "Måleverktøy:" part (which goes to `measurement`)."""
    match = _MEASUREMENT.search(text)
    if not match:
        return text, ""
    return _clean(text[: match.start()]), _clean(text[match.end() :])


def split_measure_cell(text: str) -> MeasureCell:
    """The measure's text, its "Måleverktøy:" part, and "Ansvarleg:" and "Prioritert
    pasientgruppe:" lines where the cell has them."""
    text, measurement = split_measurement(text)
    cell = MeasureCell(text, measurement)
    parts = _CELL_PARTS.split(text)
    cell.text = _clean(parts[0])
    for label, value in zip(parts[1::2], parts[2::2], strict=True):
        if label.lower().startswith("ansvar"):
            cell.responsible = _clean(value)
        else:
            cell.priority_groups = [g.strip() for g in _clean(value).split(",") if g.strip()]
    return cell


def read_year_cell(cell, key: dict[str, str]) -> YearCell:
    colour = cell_colour(cell)
    status = status_for_colour(colour, key)
    word_status, note = status_for_words(_cell_text(cell))
    if colour is None and word_status:
        status = word_status  # an exported file says the status in words too
    return YearCell(status=status, note=note, colour=colour)


class _TableReader:
    """Walks the plan table's rows; a merged or repeated cell continues the one above."""

    def __init__(self, columns: _Columns, key: dict[str, str]):
        self.columns = columns
        self.key = key
        self.committees: list[DocCommittee] = []
        self.committee: DocCommittee | None = None
        self.goal: DocGoal | None = None
        self.subgoal: DocSubGoal | None = None
        self.previous_tcs: dict[str, object] = {}
        self.warnings: list[str] = []

    def _same_cell(self, name: str, cell) -> bool:
        same = self.previous_tcs.get(name) is cell._tc
        self.previous_tcs[name] = cell._tc
        return same

    def row(self, number: int, cells) -> None:
        c = self.columns
        if max(c.committee, c.goal, c.measure, *c.years) >= len(cells):
            return
        committee_cell, goal_cell, measure_cell = (
            cells[c.committee],
            cells[c.goal],
            cells[c.measure],
        )
        subgoal_cell = cells[c.subgoal] if c.subgoal is not None else None
        if _header_columns_from(cells):
            return  # a header typed again further down
        self._committee(committee_cell)
        goal_changed = self._goal(goal_cell)
        self._subgoal(subgoal_cell, goal_changed)
        if self._same_cell("measure", measure_cell):
            return
        parts = split_measure_cell(_cell_text(measure_cell))
        text, measurement = parts.text, parts.measurement
        if not text and not measurement:
            return
        if self.goal is None:
            self.warnings.append(
                _("Row %(row)s has a measure but no main goal; it was left out: %(text)s")
                % {"row": number, "text": text[:80]}
            )
            return
        measure = DocMeasure(text=text or measurement, measurement=measurement if text else "")
        measure.row = number
        measure.responsible, measure.priority_groups = parts.responsible, parts.priority_groups
        for column, year in c.years.items():
            measure.years[year] = read_year_cell(cells[column], self.key)
        (self.subgoal or self.goal).measures.append(measure)

    def _committee(self, cell) -> None:
        if self._same_cell("committee", cell) and self.committee is not None:
            return
        text = _cell_text(cell)
        if not text:
            return
        parsed = parse_committee_cell(text)
        known = next(
            (x for x in self.committees if normalise(x.name) == normalise(parsed.name)), None
        )
        if known is None:
            self.committees.append(parsed)
            known = parsed
        if known is not self.committee:
            self.committee, self.goal, self.subgoal = known, None, None
            self.previous_tcs.pop("goal", None)

    def _goal(self, cell) -> bool:
        if self.committee is None:
            return False
        if self._same_cell("goal", cell) and self.goal is not None:
            return False
        text = _cell_text(cell)
        if not text or (self.goal is not None and normalise(text) == normalise(self.goal.text)):
            return False
        known = next(
            (g for g in self.committee.goals if normalise(g.text) == normalise(text)), None
        )
        if known is None:
            known = DocGoal(text=text)
            self.committee.goals.append(known)
        self.goal, self.subgoal = known, None
        self.previous_tcs.pop("subgoal", None)
        return True

    def _subgoal(self, cell, goal_changed: bool) -> None:
        if self.goal is None or cell is None:
            self.subgoal = None
            return
        if self._same_cell("subgoal", cell) and not goal_changed:
            return
        text = _cell_text(cell)
        if not text:
            self.subgoal = None  # an empty sub-goal cell: no sub-goal
            return
        if self.subgoal is not None and normalise(text) == normalise(self.subgoal.text):
            return
        known = next((s for s in self.goal.subgoals if normalise(s.text) == normalise(text)), None)
        if known is None:
            known = DocSubGoal(text=text)
            self.goal.subgoals.append(known)
        self.subgoal = known


def _header_columns_from(cells) -> bool:
    texts = [normalise(c.text) for c in cells]
    return any("hovudmål" in t or "hovedmål" in t for t in texts) and any(
        _YEAR.match(t) for t in texts
    )


def read_plan_docx(data: bytes) -> DocPlan:
    """The plan in a .docx: its year columns, committees, goals, sub-goals, measures and each
    measure's status and note per year. Raises DocxImportError for a file it cannot read."""
    document = open_docx(data)
    table, columns = find_plan_table(document)
    key, priority = read_colour_key(document, table)
    reader = _TableReader(columns, key)
    # Tables that follow with the same header continue the plan (a table split by hand).
    all_tables = document.tables
    start = next(i for i, t in enumerate(all_tables) if t._tbl is table._tbl)
    tables = [table] + [t for t in all_tables[start + 1 :] if _first_header(t)]
    number = 0
    for i, part in enumerate(tables):
        rows = part.rows
        for row in rows[columns.header_row + 1 :] if i == 0 else rows:
            number += 1
            reader.row(number, row.cells)
    if not reader.committees:
        raise DocxImportError(_("The plan table has no rows under its header."), "empty_table")
    return DocPlan(
        years=sorted(columns.years.values()),
        committees=reader.committees,
        colour_key=key,
        priority_colour=priority,
        warnings=reader.warnings,
    )


def _first_header(table) -> bool:
    return any(_header_columns(row) for row in table.rows[:1])
