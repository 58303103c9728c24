"""reverse() for URLs a page names once per row (a measure's page, its status editor).

A plan table or committee page names hundreds of them, and each reverse() walks the resolver.
A URL whose arguments are all whole numbers has the same shape for any numbers, so it is
reversed once with stand-ins (per URL conf, script prefix and language) and filled in after.
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

# Numbers no real URL holds; one per argument, in order.
_STAND_INS = ("918273645", "864286421", "753197531")
_shapes: dict[tuple, list[str] | None] = {}


def reverse_numbers(viewname: str, *numbers: int) -> str:
    """reverse(viewname, args=numbers) for whole-number arguments, without reversing."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    key = (viewname, len(numbers), urlconf, get_script_prefix(), get_language())
    if key not in _shapes:
        _shapes[key] = _shape(viewname, len(numbers))
    pieces = _shapes[key]
    if pieces is None:  # a URL these stand-ins cannot stand in for: reversed every time
        return reverse(viewname, args=numbers)
    url = pieces[0]
    for number, piece in zip(numbers, pieces[1:], strict=True):
        url += f"{int(number)}{piece}"
    return url


def _shape(viewname: str, count: int) -> list[str] | None:
    """The URL split around its stand-ins, or None unless each appears once, in order."""
    url = reverse(viewname, args=_STAND_INS[:count])
    pieces = []
    for stand_in in _STAND_INS[:count]:
        if url.count(stand_in) != 1:
            return None
        head, url = url.split(stand_in, 1)
        pieces.append(head)
    return [*pieces, url]
