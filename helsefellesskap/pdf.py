"""Turning our own HTML into PDF with WeasyPrint, safely.

Text that users typed ends up in the HTML; the url_fetcher makes sure WeasyPrint only ever loads
the project's own static files, never a local file path or a remote URL named in that text.
"""

import functools
import mimetypes
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders


class BlockedResource(ValueError):
    """A document asked for a resource outside the project's static files."""


def static_only_url_fetcher(url: str):
    """Serve a file under STATIC_URL (or a data: URL); refuse everything else."""
    from weasyprint.urls import URLFetcherResponse

    parsed = urlparse(url)
    static_prefix = settings.STATIC_URL
    if parsed.scheme == "data":
        return _data_fetcher().fetch(url)
    if (
        parsed.scheme in ("", "file")
        and not parsed.netloc
        and parsed.path.startswith(static_prefix)
    ):
        relative = parsed.path[len(static_prefix) :]
        if ".." in Path(relative).parts:
            raise BlockedResource(url)
        found = finders.find(relative)
        if found and Path(found).is_file():
            mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, Path(found).read_bytes(), headers={"Content-Type": mime_type}
            )
    raise BlockedResource(url)


@functools.cache
def _data_fetcher():
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=["data"])


def _fetcher():
    """A WeasyPrint URLFetcher whose every fetch goes through static_only_url_fetcher."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            return static_only_url_fetcher(url)

    return StaticOnlyURLFetcher(allowed_protocols=["file", "data"])


def render_html(html: str):
    """Lay out an HTML string as a WeasyPrint document, fetching only our own static files."""
    from weasyprint import HTML

    return HTML(string=html, base_url="file:///", url_fetcher=_fetcher()).render()


# Tagged PDF for screen readers: WeasyPrint's PDF/UA-1 variant (tags, language, title shown).
ACCESSIBLE_PDF = {"pdf_variant": "pdf/ua-1"}


def html_to_pdf_with_pages(html: str, **write_options) -> tuple[bytes, int]:
    """Render an HTML string to tagged PDF bytes and its page count."""
    document = render_html(html)
    return document.write_pdf(**{**ACCESSIBLE_PDF, **write_options}), len(document.pages)


def html_to_pdf(html: str, **write_options) -> bytes:
    """Render an HTML string to tagged PDF bytes, fetching only our own static files."""
    return html_to_pdf_with_pages(html, **write_options)[0]
