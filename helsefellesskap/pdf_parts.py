"""Laying out a long document as separate parts: in parallel, and each part only once.

WeasyPrint lays out one document on one core, and its time per page grows with the document's
length. A document given as parts (each a complete HTML document) is laid out here part by part
in a pool of forked processes, one per core, and each part's PDF is kept under a hash of its
HTML: a part whose HTML did not change since an earlier render is not laid out again. After a
status change in the annual report only that committee's part and the summary are new.

Forked processes inherit the loaded Django project, so a part costs no start-up; they never touch
the database (they get HTML and return bytes). `pdf_merge` joins the parts into one document.

Where the parts are kept: a local folder (`PDF_PART_CACHE_DIR`) by default, or, with
STORAGE_BACKEND=s3, the bucket under `pdf-parts/` (`PDF_PART_STORAGE`), so that every worker
host reuses the parts any of them laid out. The cache is bounded: a part's key is the hash of
what its PDF depends on, so a changed document gets new keys and never overwrites or reads an
old one; a part unused for `PART_CACHE_DAYS` is pruned, and so are the least recently used
beyond `PDF_PART_CACHE_MAX_ENTRIES`. It is only a cache: if it cannot be read or written, the
render lays the parts out and goes on without it.
"""

import base64
import hashlib
import logging
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
from .uploads import storage_errors

logger = logging.getLogger(__name__)

# Keep a part this long after it was last used; the cache is rebuilt from HTML at any time.
PART_CACHE_DAYS = 30
# A part in the bucket has its last use recorded (a copy onto itself) at most this often.
TOUCH_AFTER_SECONDS = 86400
# Parts are written uncompressed: quicker to write and to join; the joined PDF is compressed.
PART_OPTIONS = {**ACCESSIBLE_PDF, "uncompressed_pdf": True}


@dataclass(frozen=True)
class LaidOutPart:
    """One part's PDF, and whether it came from the cache."""

    content: bytes
    reused: bool


def cache_dir() -> Path:
    return Path(settings.PDF_PART_CACHE_DIR)


class FolderPartCache:
    """Parts as files in a local folder of this host; a file's time is its last use."""

    def __init__(self, directory: Path):
        self.directory = directory

    def get(self, key: str) -> bytes | None:
        path = self.directory / f"{key}.pdf"
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return None
        os.utime(path)  # recently used: kept by the pruning
        return content

    def put(self, key: str, content: bytes) -> None:
        """Write atomically: a reader never sees half a part."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{key}.pdf"
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            temporary.write_bytes(content)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)

    def entries(self) -> list[tuple[str, float]]:
        """(key, time of last use) of every part."""
        found = []
        for path in self.directory.glob("*.pdf"):
            try:
                found.append((path.stem, path.stat().st_mtime))
            except FileNotFoundError:  # another render pruned it first
                continue
        return found

    def delete(self, keys: list[str]) -> None:
        for key in keys:
            (self.directory / f"{key}.pdf").unlink(missing_ok=True)


class BucketPartCache:
    """Parts as objects in the object storage that every worker host shares.

    An object appears whole or not at all (one PUT, its MD5 checked by the store), and each
    carries the SHA-256 of its bytes, which a read checks, so a reader never takes half a part
    for a whole one. The object's time is its last use, recorded by copying it onto itself
    at most once a day (a write per reuse would cost more than the reuse saves)."""

    def __init__(self, storage):
        self.client = storage.connection.meta.client
        self.bucket = storage.bucket_name
        self.prefix = f"{storage.location.strip('/')}/" if storage.location.strip("/") else ""

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}.pdf"

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                return None
            raise
        content = found["Body"].read()
        digest = found.get("Metadata", {}).get("sha256")
        if digest != hashlib.sha256(content).hexdigest():
            return None  # not a whole part: lay it out again (the new one replaces it)
        if time.time() - found["LastModified"].timestamp() > TOUCH_AFTER_SECONDS:
            try:
                self.client.copy_object(
                    Bucket=self.bucket,
                    Key=self._name(key),
                    CopySource={"Bucket": self.bucket, "Key": self._name(key)},
                    Metadata={"sha256": digest},
                    MetadataDirective="REPLACE",
                )
            except storage_errors():  # the part is read: use it; it may be pruned earlier
                logger.warning("pdf_part_not_touched", exc_info=True)
        return content

    def put(self, key: str, content: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._name(key),
            Body=content,
            ContentType="application/pdf",
            ContentMD5=base64.b64encode(hashlib.md5(content).digest()).decode(),  # noqa: S324
            Metadata={"sha256": hashlib.sha256(content).hexdigest()},
        )

    def entries(self) -> list[tuple[str, float]]:
        found = []
        pages = self.client.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if name.endswith(".pdf") and "/" not in name:
                    found.append((name.removesuffix(".pdf"), item["LastModified"].timestamp()))
        return found

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # at most 1000 keys per request
            batch = [{"Key": self._name(key)} for key in keys[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch})


def part_cache():
    """Where this installation keeps its parts: the bucket when `PDF_PART_STORAGE` names a
    storage (STORAGE_BACKEND=s3 does), otherwise the local folder."""
    if settings.PDF_PART_STORAGE:
        from django.core.files.storage import storages

        return BucketPartCache(storages[settings.PDF_PART_STORAGE])
    return FolderPartCache(cache_dir())


class _CacheInUse:
    """The part cache for one render, which a storage failure turns off for the rest of that
    render: the parts are laid out and the render goes on, instead of waiting on an
    unreachable store part after part (the render's own file then says if the store is down)."""

    def __init__(self, cache):
        self.cache, self.wrote, self.used = cache, False, set()

    def _attempt(self, what: str, action):
        """`action(cache)`, or None once the cache is off or if this attempt fails."""
        if self.cache is None:
            return None
        try:
            return action(self.cache)
        except storage_errors():
            logger.warning("pdf_part_cache_unavailable", exc_info=True, extra={"action": what})
            self.cache = None
            return None

    def get(self, key: str) -> bytes | None:
        self.used.add(key)
        return self._attempt("read", lambda cache: cache.get(key))

    def put(self, key: str, content: bytes) -> None:
        def write(cache) -> bool:
            cache.put(key, content)
            return True

        self.wrote = bool(self._attempt("write", write)) or self.wrote

    def prune(self) -> None:
        """After a render that added parts: drop those unused for a month, then the least
        recently used beyond the limit; never one this render used."""
        if self.wrote:
            self._attempt("prune", lambda cache: _prune(cache, keep=self.used))


def worker_count() -> int:
    return settings.PDF_RENDER_WORKERS or len(os.sched_getaffinity(0))


def part_key(html: str) -> str:
    """What a part's PDF depends on: its HTML, the PDF options and the WeasyPrint version."""
    import weasyprint

    identity = f"{weasyprint.__version__}\0{sorted(PART_OPTIONS.items())}\0{html}"
    return hashlib.sha256(identity.encode()).hexdigest()


def render_parts(htmls: Iterable[str], *, cache=None) -> list[LaidOutPart]:
    """Each HTML document laid out as tagged PDF, in order; unchanged parts from the cache
    (`part_cache()` unless one is given).

    The HTML may come from a generator: a part goes to the pool as soon as it is made, so
    making the next part's HTML overlaps with laying out the ones before."""
    kept = _CacheInUse(part_cache() if cache is None else cache)
    results: list[LaidOutPart | None] = []
    pending: dict[int, tuple[str, Future]] = {}
    workers, pool = worker_count(), None
    try:
        for index, html in enumerate(htmls):
            key = part_key(html)
            content = kept.get(key)
            if content is not None:
                results.append(LaidOutPart(content, reused=True))
                continue
            results.append(None)
            if workers <= 1:
                results[index] = _laid_out(kept, key, lay_out_part(html))
                continue
            if pool is None:
                pool = _pool()
            with _may_have_children():
                pending[index] = (key, pool.submit(lay_out_part, html))
        for index, (key, future) in pending.items():
            results[index] = _laid_out(kept, key, future.result())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    kept.prune()
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


def _laid_out(kept: _CacheInUse, key: str, content: bytes) -> LaidOutPart:
    """A part just laid out, kept for the next render."""
    kept.put(key, content)
    return LaidOutPart(content, reused=False)


def lay_out_part(html: str) -> bytes:
    return html_to_pdf(html, **PART_OPTIONS)


def _prune(cache, *, keep: set[str]) -> None:
    entries = sorted(cache.entries(), key=lambda entry: (entry[0] in keep, entry[1]), reverse=True)
    cutoff = time.time() - PART_CACHE_DAYS * 86400
    recent = [key for key, used in entries if used >= cutoff or key in keep]
    stale = [key for key, used in entries if used < cutoff and key not in keep]
    stale += recent[max(settings.PDF_PART_CACHE_MAX_ENTRIES, len(keep)) :]
    if stale:
        cache.delete(stale)
