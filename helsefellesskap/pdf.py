"""Turning our own HTML into PDF with WeasyPrint, safely.

Text that users typed ends up in the HTML; the url_fetcher makes sure WeasyPrint only ever loads
the project's own static files, never a local file path or a remote URL named in that text.
"""

from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders


class BlockedResource(ValueError):
    """A document asked for a resource outside the project's static files."""


def static_only_url_fetcher(url: str, *args, **kwargs):
    """WeasyPrint url_fetcher that serves files under STATIC_URL and refuses everything else."""
    from weasyprint.urls import default_url_fetcher

    parsed = urlparse(url)
    static_prefix = settings.STATIC_URL
    if parsed.scheme == "data":
        return default_url_fetcher(url, *args, **kwargs)
    if parsed.scheme in ("", "file", "http", "https") and parsed.path.startswith(static_prefix):
        if parsed.scheme in ("http", "https") or parsed.netloc:
            raise BlockedResource(url)
        relative = parsed.path[len(static_prefix) :]
        if ".." in Path(relative).parts:
            raise BlockedResource(url)
        found = finders.find(relative)
        if found and Path(found).is_file():
            return {"file_obj": open(found, "rb"), "mime_type": None, "redirected_url": url}
    raise BlockedResource(url)


def html_to_pdf(html: str, **write_options) -> bytes:
    """Render an HTML string to PDF bytes, fetching only our own static files."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="file:///", url_fetcher=static_only_url_fetcher)
    return document.write_pdf(**write_options)
