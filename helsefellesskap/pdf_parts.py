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
import multiprocessing
import os
import time
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .pdf import ACCESSIBLE_PDF, html_to_pdf

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
    return Path(settings.PDF_PART_CACHE_DIR)


def worker_count() -> int:
    return settings.PDF_RENDER_WORKERS or len(os.sched_getaffinity(0))


def part_key(html: str) -> str:
    """What a part's PDF depends on: its HTML, the PDF options and the WeasyPrint version."""
    import weasyprint

    identity = f"{weasyprint.__version__}\0{sorted(PART_OPTIONS.items())}\0{html}"
    return hashlib.sha256(identity.encode()).hexdigest()


def render_parts(htmls: Iterable[str]) -> list[LaidOutPart]:
    """Each HTML document laid out as tagged PDF, in order; unchanged parts from the cache.

    The HTML may come from a generator: a part goes to the pool as soon as it is made, so
    making the next part's HTML overlaps with laying out the ones before."""
    directory = cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    results: list[LaidOutPart | None] = []
    pending: dict[int, tuple[Path, Future]] = {}
    workers, pool = worker_count(), None
    try:
        for index, html in enumerate(htmls):
            path = directory / f"{part_key(html)}.pdf"
            try:
                results.append(LaidOutPart(path.read_bytes(), reused=True))
                os.utime(path)  # recently used: kept by the pruning below
                continue
            except FileNotFoundError:
                results.append(None)
            if workers <= 1:
                results[index] = _laid_out(path, lay_out_part(html))
                continue
            if pool is None:
                pool = _pool()
            with _may_have_children():
                pending[index] = (path, pool.submit(lay_out_part, html))
        for index, (path, future) in pending.items():
            results[index] = _laid_out(path, future.result())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    _prune(directory)
    return results


def _pool() -> ProcessPoolExecutor:
    # fork: the children start with the project loaded. They only lay out HTML.
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=worker_count(), mp_context=context)


@contextmanager
def _may_have_children():
    """Let a daemonic process start the pool's processes.

    A Celery prefork worker runs tasks in daemonic processes, and multiprocessing refuses to
    start children from those, lest they be orphaned when the daemon is killed. The pool lives
    only inside `render_parts`, which shuts it down before returning; if the worker is killed
    first, each child finishes its part and exits when it finds the pool's pipe closed."""
    config = multiprocessing.current_process()._config
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        if daemon is not None:
            config["daemon"] = daemon


def _laid_out(path: Path, content: bytes) -> LaidOutPart:
    """A part just laid out, kept for the next render."""
    _store(path, content)
    return LaidOutPart(content, reused=False)


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
