"""{% follow_button obj %}: the "Follow" button of a page whose object can be followed."""

from django import template

from helsefellesskap import follows

register = template.Library()


@register.inclusion_tag("follows/_follow_button.html", takes_context=True)
def follow_button(context, obj):
    """Signed in: follow or stop following in one POST; a visitor: a link to follow by e-mail
    (a plain link, so an anonymous page holds nothing per visitor and stays cacheable)."""
    request = context["request"]
    kind = follows.kind_of(obj)
    return {
        "kind": kind,
        "object": obj,
        "signed_in": request.user.is_authenticated,
        "following": kind is not None and follows.is_following(request.user, obj),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
