"""Joining tagged PDFs that WeasyPrint wrote separately into one tagged PDF.

A long document is laid out faster as parts (in parallel, and a part that did not change need
not be laid out again), but a reader must still get one document: one structure tree for screen
readers (PDF/UA), one outline of bookmarks, and links that cross parts. pikepdf (qpdf) copies the
pages and whatever they refer to; this module carries the rest across:

- each part's `Document` structure element becomes a `Part` under one new `Document`, and the
  parent tree's keys are renumbered so that every page's /StructParents and every link's
  /StructParent stay unique;
- named destinations are joined into one name tree, so a link in one part to an anchor in another
  resolves (a part may stand in for anchors it links to but another part owns: the owner's wins);
- bookmarks are copied in order, pointing at the joined pages;
- the first part gives the document its language, title and metadata (PDF/UA identification).
"""

import warnings
from dataclasses import dataclass
from io import BytesIO

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem, Pdf

PDF_UA_VERSION = "1.7"


@dataclass(frozen=True)
class PdfPart:
    """One separately written PDF, and whether its own anchors are the real ones."""

    content: bytes
    # False for a part that only carries stand-in anchors for links to other parts (a table
    # of contents): its destinations are used only for names no other part defines.
    owns_anchors: bool = True


@dataclass
class JoinedPdf:
    """The joined document. Its parts stay open until it is written: qpdf reads the copied
    pages' streams from them then."""

    pdf: Pdf
    sources: list

    def write(self) -> bytes:
        """Compact bytes: compressed streams and object streams. Flate level 1: writing is
        twice as fast as at the default level, for a file about a fifth bigger."""
        pikepdf.settings.set_flate_compression_level(1)
        output = BytesIO()
        # PDF/UA-1, which the parts declare in their XMP, is built on PDF 1.7 (ISO 32000-1);
        # qpdf would otherwise write the lowest version the objects need (1.5).
        self.pdf.save(
            output,
            compress_streams=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            min_version=PDF_UA_VERSION,
        )
        for source in self.sources:
            source.close()
        return output.getvalue()


def merge_tagged(parts: list[PdfPart]) -> JoinedPdf:
    """One PDF holding every part's pages, structure tree, destinations and bookmarks."""
    joined = Pdf.new()
    structure_root = joined.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = joined.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Document, P=structure_root, K=Array())
    )
    structure_root.K = Array([document])
    parent_tree = Array()
    owned, stand_ins, outline = {}, {}, []
    next_key = 0
    sources = []
    for index, part in enumerate(parts):
        source = Pdf.open(BytesIO(part.content))
        sources.append(source)
        first_page = len(joined.pages)
        with warnings.catch_warnings():
            # It warns that named destinations are not copied along: they are, below.
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            joined.pages.extend(source.pages)
        if index == 0:
            _copy_document_level(source, joined)
        next_key = _move_structure(source, joined, first_page, document, parent_tree, next_key)
        destinations = owned if part.owns_anchors else stand_ins
        for name, destination in _named_destinations(source).items():
            destinations.setdefault(name, _copy(joined, destination))
        outline += _outline_items(source, first_page)
    structure_root.ParentTree = joined.make_indirect(Dictionary(Nums=parent_tree))
    structure_root.ParentTreeNextKey = next_key
    joined.Root.StructTreeRoot = structure_root
    if owned or stand_ins:
        names = NameTree.new(joined)
        for name, destination in {**stand_ins, **owned}.items():
            names[name] = destination
        joined.Root.Names = Dictionary(Dests=names.obj)
    with joined.open_outline() as joined_outline:
        joined_outline.root.extend(outline)
    return JoinedPdf(joined, sources)


def _copy_document_level(source: Pdf, joined: Pdf) -> None:
    """Language, title display, tagged-PDF flag and metadata come from the first part."""
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
        if key in source.Root:
            joined.Root[key] = _copy(joined, source.Root[key])
    if "/Info" in source.trailer:
        joined.trailer.Info = _copy(joined, source.trailer.Info)


def _move_structure(source, joined, first_page, document, parent_tree, first_key) -> int:
    """Hang the part's structure under the joined Document; returns the next free key."""
    if "/StructTreeRoot" not in source.Root:
        return first_key
    part_root = source.Root.StructTreeRoot
    for element in part_root.K:
        # The part's own Document element becomes a Part of the joined document; its parent
        # (the part's structure root) stays behind.
        del element.P
        copy = joined.copy_foreign(element)
        copy.S = Name.Part
        copy.P = document
        document.K.append(copy)
    # One copy of the whole flattened tree: qpdf maps its thousands of references in one go.
    flat = Array(
        [item for key, value in _flat_numbers(part_root.ParentTree) for item in (key, value)]
    )
    copied = joined.copy_foreign(source.make_indirect(flat))
    last_key = first_key - 1
    for position in range(0, len(copied), 2):
        key = first_key + int(copied[position])
        last_key = max(last_key, key)
        parent_tree.append(key)
        parent_tree.append(copied[position + 1])
    for number in range(first_page, len(joined.pages)):
        page = joined.pages[number]
        if "/StructParents" in page.obj:
            page.obj.StructParents = first_key + int(page.obj.StructParents)
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = first_key + int(annotation.StructParent)
    return last_key + 1


def _copy(joined: Pdf, value):
    """A value of another PDF, usable in the joined one (indirect objects are copied once)."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return joined.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(joined, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(joined, item) for key, item in value.items()})
    return value


def _flat_numbers(tree) -> list[tuple[int, object]]:
    """(key, value) of a number tree, flat or with kids."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        flat = node.get("/Nums", [])
        found += [(int(flat[i]), flat[i + 1]) for i in range(0, len(flat), 2)]
        stack.extend(node.get("/Kids", []))
    return found


def _named_destinations(source: Pdf) -> dict:
    """Name → destination array of one part."""
    if "/Names" not in source.Root or "/Dests" not in source.Root.Names:
        return {}
    return {str(name): value for name, value in NameTree(source.Root.Names.Dests).items()}


def _outline_items(source: Pdf, first_page: int) -> list[OutlineItem]:
    """The part's top-level bookmarks, pointing at its pages in the joined document."""
    items = []
    page_index = {page.objgen: i for i, page in enumerate(source.pages)}
    with source.open_outline() as outline:
        for item in outline.root:
            destination = item.destination
            if isinstance(destination, Array) and len(destination):
                index = page_index[destination[0].objgen]
                left = float(destination[2]) if len(destination) > 2 else None
                top = float(destination[3]) if len(destination) > 3 else None
                items.append(
                    OutlineItem(
                        item.title,
                        first_page + index,
                        pikepdf.PageLocation.XYZ,
                        left=left,
                        top=top,
                    )
                )
    return items


def page_count(content: bytes) -> int:
    with Pdf.open(BytesIO(content)) as pdf:
        return len(pdf.pages)


def anchor_pages(contents: list[bytes], *, first_page: int) -> dict[str, int]:
    """The page number every anchor (named destination) lands on once the parts are joined,
    counting from `first_page` for the first of them."""
    found = {}
    offset = first_page
    for content in contents:
        with Pdf.open(BytesIO(content)) as source:
            index = {page.objgen: i for i, page in enumerate(source.pages)}
            for name, destination in _named_destinations(source).items():
                found.setdefault(name, offset + index[destination[0].objgen])
            offset += len(source.pages)
    return found
