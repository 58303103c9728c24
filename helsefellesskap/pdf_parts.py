"""Laying out a long document as separate parts: in parallel, and each part only once.

WeasyPrint lays out one document on one core, and its time per page grows with the document's
length. A document given as parts (each a complete HTML document) is laid out here part by part
in a pool of forked processes, one per core, and each part's PDF is kept on disk under a hash of
its HTML: a part whose HTML did not change since an earlier render is not laid out again. After a
status change in the annual report only that committee's part and the summary are new.

Forked processes inherit the loaded Django project, so a part costs no start-up; they never touch
the database (they get HTML and return bytes). `pdf_merge` joins the parts into one document.
"""

import hashlib
import logging
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .pdf import ACCESSIBLE_PDF, html_to_pdf

logger = logging.getLogger(__name__)

# Keep a part this long after it was last used; the cache is rebuilt from HTML at any time.
PART_CACHE_DAYS = 30
# Parts are written uncompressed: quicker to write and to join; the joined PDF is compressed.
PART_OPTIONS = {**ACCESSIBLE_PDF, "uncompressed_pdf": True}


@dataclass(frozen=True)
class LaidOutPart:
    """One part's PDF, and whether it came from the cache."""

    content: bytes
    reused: bool


def cache_dir() -> Path:
    return Path(getattr(settings, "PDF_PART_CACHE_DIR", Path(settings.MEDIA_ROOT) / "pdf-parts"))


def worker_count() -> int:
    configured = getattr(settings, "PDF_RENDER_WORKERS", None)
    return int(configured) if configured else len(os.sched_getaffinity(0))


def part_key(html: str) -> str:
    """What a part's PDF depends on: its HTML, the PDF options and the WeasyPrint version."""
    import weasyprint

    identity = f"{weasyprint.__version__}\0{sorted(PART_OPTIONS.items())}\0{html}"
    return hashlib.sha256(identity.encode()).hexdigest()


def render_parts(htmls: list[str]) -> list[LaidOutPart]:
    """Each HTML document laid out as tagged PDF, in order; unchanged parts from the cache."""
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    paths = [directory / f"{part_key(html)}.pdf" for html in htmls]
    results: dict[int, LaidOutPart] = {}
    missing = []
    for index, path in enumerate(paths):
        try:
            results[index] = LaidOutPart(path.read_bytes(), reused=True)
            os.utime(path)  # recently used: kept by the pruning below
        except FileNotFoundError:
            missing.append(index)
    # The longest parts first, so that no core waits for one long part at the end.
    missing.sort(key=lambda index: len(htmls[index]), reverse=True)
    for index, content in zip(missing, _lay_out([htmls[i] for i in missing]), strict=True):
        _store(paths[index], content)
        results[index] = LaidOutPart(content, reused=False)
    _prune(directory)
    return [results[index] for index in range(len(htmls))]


def _lay_out(htmls: list[str]) -> list[bytes]:
    workers = min(worker_count(), len(htmls))
    if workers <= 1:
        return [lay_out_part(html) for html in htmls]
    # fork: the children start with the project loaded. They only lay out HTML.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(lay_out_part, htmls, chunksize=1))


def lay_out_part(html: str) -> bytes:
    return html_to_pdf(html, **PART_OPTIONS)


def _store(path: Path, content: bytes) -> None:
    """Write atomically: a reader never sees half a part."""
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def _prune(directory: Path) -> None:
    cutoff = time.time() - PART_CACHE_DAYS * 86400
    for path in directory.glob("*.pdf"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another render pruned it first
            continue
