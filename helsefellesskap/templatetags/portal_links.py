"""Links to what people typed: only web and mail links become an href."""

from django import template

from helsefellesskap.text import safe_link

register = template.Library()


@register.filter
def link_href(url) -> str:
    """`<a href="{{ meeting.video_link|link_href }}">`: empty for a javascript: or data: URL."""
    return safe_link(url)
