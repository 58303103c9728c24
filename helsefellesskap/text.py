"""Small text helpers every app shares."""

import re
from urllib.parse import urlsplit

from django.utils.text import slugify

# slugify() would drop these letters; readable names keep them as their usual spellings.
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})


def norwegian_slug(text: str) -> str:
    """A slug that spells æ, ø and å as ae, o and a instead of dropping them."""
    return slugify(text.translate(NORWEGIAN_LETTERS))


def one_line(value: str) -> str:
    """The text with every run of control characters (CR, LF, TAB, NUL, line separators and
    the like) collapsed to one space: what a one-line field such as a title may hold."""
    return " ".join(_CONTROL_RUN.split(value)).strip()


_CONTROL_RUN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


#: The only schemes a typed link may have (a relative link has none).
LINK_SCHEMES = {"http", "https", "mailto"}


def safe_link(url) -> str:
    """The URL if it is a web or mail link (or relative); "" for any other scheme, so a stored
    `javascript:` or `data:` URL never becomes a link however it got into the database."""
    url = "" if url is None else str(url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return ""
    return url if scheme in LINK_SCHEMES or (scheme == "" and ":" not in url) else ""
