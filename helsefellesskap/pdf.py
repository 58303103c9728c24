"""Turning our own HTML into PDF with WeasyPrint, safely.

Text that users typed ends up in the HTML; the url_fetcher makes sure WeasyPrint only ever loads
the project's own static files, never a local file path or a remote URL named in that text.
"""

import mimetypes
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders


class BlockedResource(ValueError):
    """A document asked for a resource outside the project's static files."""


def static_file_for(url: str) -> str:
    """The path of the static file a URL names; BlockedResource for anything else."""
    parsed = urlparse(url)
    static_prefix = settings.STATIC_URL
    if (
        parsed.scheme in ("", "file")
        and not parsed.netloc
        and parsed.path.startswith(static_prefix)
    ):
        relative = parsed.path[len(static_prefix) :]
        if ".." not in Path(relative).parts:
            found = finders.find(relative)
            if found and Path(found).is_file():
                return found
    raise BlockedResource(url)


def _static_only_url_fetcher():
    # WeasyPrint 66+ takes a URLFetcher object (older versions took a plain function).
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves files under STATIC_URL (and data: URLs) and refuses everything else."""

        def fetch(self, url, headers=None):
            if urlparse(url).scheme == "data":
                return super().fetch(url, headers)
            path = static_file_for(url)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            # WeasyPrint closes the file once it has read it.
            return URLFetcherResponse(url, open(path, "rb"), {"Content-Type": content_type})

    return StaticOnlyURLFetcher(allowed_protocols={"file", "data"})


def render_html(html: str):
    """Lay out an HTML string as a WeasyPrint document, fetching only our own static files."""
    from weasyprint import HTML

    return HTML(string=html, base_url="file:///", url_fetcher=_static_only_url_fetcher()).render()


def css_string(text: str) -> str:
    """Text as a quoted CSS string, safe inside a <style> element (no quote, newline or "<"
    gets out)."""
    escaped = "".join(f"\\{ord(c):x} " if c in '\\"<>\n\r' or ord(c) < 32 else c for c in text)
    return f'"{escaped}"'


def page_counter_css(template: str) -> str:
    """Turn a translated "page %(page)s of %(pages)s" into a CSS `content` value."""
    marker = "\x00"
    text = template % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}
    parts = []
    for i, piece in enumerate(text.split(marker)):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(css_string(piece))
    return " ".join(parts)


# Tagged PDF for screen readers: WeasyPrint's PDF/UA-1 variant (structure tags, language, title).
ACCESSIBLE_PDF = {"pdf_variant": "pdf/ua-1"}


def html_to_pdf_with_pages(html: str, **write_options) -> tuple[bytes, int]:
    """Render an HTML string to tagged PDF bytes, and its page count."""
    document = render_html(html)
    return document.write_pdf(**{**ACCESSIBLE_PDF, **write_options}), len(document.pages)


def html_to_pdf(html: str, **write_options) -> bytes:
    """Render an HTML string to tagged PDF bytes, fetching only our own static files."""
    return html_to_pdf_with_pages(html, **write_options)[0]
