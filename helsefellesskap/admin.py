"""The admin's user list gets one action: a one-time link to set up a first authenticator app
(helsefellesskap/enrolment.py), for an account whose role needs one."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helsefellesskap.enrolment import enrolment_url
from helsefellesskap.models import SearchSynonym
from helsefellesskap.twofactor import has_two_factor

User = get_user_model()


@admin.action(description=gettext_lazy("Make a one-time link to set up two-factor log-in"))
def make_enrolment_links(modeladmin, request, queryset):
    for user in queryset.filter(is_active=True):
        if has_two_factor(user):
            messages.warning(
                request,
                _("%(user)s already has an authenticator app: no link made.") % {"user": user},
            )
            continue
        messages.info(
            request,
            _("Set-up link for %(user)s (once, %(hours)s hours): %(url)s")
            % {
                "user": user,
                "hours": settings.ENROLMENT_LINK_MAX_AGE // 3600,
                "url": enrolment_url(user),
            },
        )


class PortalUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, make_enrolment_links]


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """The word groups the site search treats as the same (nynorsk, bokmål, inflections)."""

    list_display = ["term", "group"]
    list_filter = ["group"]
    search_fields = ["term", "group"]
