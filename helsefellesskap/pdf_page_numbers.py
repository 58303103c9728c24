"""Writing "page X of Y" on every page of a PDF joined from separately laid-out parts.

A part is laid out before the page it starts on is known, so its pages cannot number themselves.
Once the parts are joined, every page gets its number here, in a few bytes of content: the text
is drawn with the report's own font (a subset holding just the characters the label needs, made
by WeasyPrint once per label), marked as a pagination artifact so screen readers skip it as they
skip any running footer (PDF/UA), and placed where the stylesheet's bottom-right margin box puts
the footer of a document laid out in one piece.
"""

from dataclasses import dataclass
from io import BytesIO

import pikepdf
from pikepdf import Dictionary, Name, Pdf, Stream

FONT_NAME = Name("/HfPageNumber")
DIGITS = "0123456789"
MM = 72 / 25.4


@dataclass(frozen=True)
class FooterPlace:
    """Where the footer's right edge and vertical centre are: the page's right and bottom
    margins, in millimetres, for portrait and for landscape pages."""

    portrait: tuple[float, float]
    landscape: tuple[float, float]


@dataclass
class GlyphFont:
    """A font subset and how to write text in it: the code and width of each character."""

    pdf: Pdf  # holds the font
    font: object
    codes: dict  # character -> glyph code (two bytes)
    widths: dict  # glyph code (int) -> width in 1/1000 of the font size
    default_width: float

    def encode(self, text: str) -> tuple[str, float]:
        """The hex string of the text's glyph codes and its width at size 1."""
        codes = [self.codes[character] for character in text]
        width = sum(self.widths.get(code, self.default_width) for code in codes)
        return "".join(f"{code:04x}" for code in codes), width / 1000


def glyph_font(characters: str, render_html, *, css_href: str, font_css: str) -> GlyphFont:
    """Lay out the characters once with the stylesheet's font; read back codes and widths.

    Kerning and ligatures are off, so each character becomes exactly one glyph, in order."""
    text = "".join(sorted(set(characters)))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;")
    html = (
        f'<html><head><link rel="stylesheet" href="{css_href}"></head><body>'
        f'<p style="{font_css}; font-kerning: none; font-variant-ligatures: none; '
        f'white-space: pre">{escaped}</p></body></html>'
    )
    pdf = Pdf.open(BytesIO(render_html(html).write_pdf()))
    page = pdf.pages[0]
    fonts, codes = set(), []
    for operands, operator in pikepdf.parse_content_stream(page):
        if operator == pikepdf.Operator("Tf"):
            fonts.add(str(operands[0]))
        elif operator == pikepdf.Operator("TJ"):
            for item in operands[0]:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    codes += [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    if len(fonts) != 1 or len(codes) != len(text):
        raise ValueError("the page number label must lay out as one glyph per character")
    font = page.Resources.Font[fonts.pop()]
    descendant = font.DescendantFonts[0]
    return GlyphFont(
        pdf,
        font,
        dict(zip(text, codes, strict=True)),
        _widths(descendant),
        float(descendant.get("/DW", 1000)),
    )


def _widths(descendant) -> dict:
    """Glyph widths of a CID font, from its /W array (code -> width)."""
    widths = {}
    entries = list(descendant.get("/W", []))
    position = 0
    while position < len(entries):
        first, following = int(entries[position]), entries[position + 1]
        if isinstance(following, pikepdf.Array):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            position += 2
        else:
            for code in range(first, int(following) + 1):
                widths[code] = float(entries[position + 2])
            position += 3
    return widths


def stamp_page_numbers(
    pdf: Pdf,
    *,
    label: str,
    font: GlyphFont,
    place: FooterPlace,
    size: float = 8,
    grey: float = 0.333,
) -> None:
    """Draw `label % {"page": n, "pages": total}` at the bottom right of every page."""
    font_ref = pdf.copy_foreign(font.font)
    # The page's own drawing leaves its transformation in place: keep it inside q … Q.
    opening = Stream(pdf, b"q\n")
    total = len(pdf.pages)
    for number, page in enumerate(pdf.pages, start=1):
        left, bottom_edge, right_edge, top = (float(v) for v in page.mediabox)
        width, height = right_edge - left, top - bottom_edge
        right, bottom = place.landscape if width > height else place.portrait
        hex_codes, text_width = font.encode(label % {"page": number, "pages": total})
        x = width - right * MM - text_width * size
        y = bottom * MM / 2 - size * 0.3
        footer = (
            "Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
            f"q {grey} {grey} {grey} rg BT {FONT_NAME} {size} Tf {x:.2f} {y:.2f} Td "
            f"<{hex_codes}> Tj ET Q\nEMC\n"
        )
        resources = page.obj.Resources
        if "/Font" not in resources:
            resources.Font = Dictionary()
        resources.Font[FONT_NAME] = font_ref
        page.contents_add(opening, prepend=True)
        page.contents_add(Stream(pdf, footer.encode("latin-1")))
