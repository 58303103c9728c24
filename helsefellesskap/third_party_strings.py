"""Strings of django-filter and django-tables2 that their own catalogs lack in nynorsk/bokmål.

Neither package ships nn (django-filter has no nb either). Listing the strings here makes
makemessages put them in the portal's catalogs (locale/), which take precedence over the
packages' own, so filter forms and table pagination speak the visitor's language.
Nothing imports this module; it exists for the message extractor.
"""

from django.utils.translation import gettext_noop

DJANGO_FILTER = [
    # django_filters/conf.py: verbose lookup names shown in filter labels.
    gettext_noop("date"),
    gettext_noop("year"),
    gettext_noop("month"),
    gettext_noop("day"),
    gettext_noop("week day"),
    gettext_noop("hour"),
    gettext_noop("minute"),
    gettext_noop("second"),
    gettext_noop("contains"),
    gettext_noop("is in"),
    gettext_noop("is greater than"),
    gettext_noop("is greater than or equal to"),
    gettext_noop("is less than"),
    gettext_noop("is less than or equal to"),
    gettext_noop("starts with"),
    gettext_noop("ends with"),
    gettext_noop("is in range"),
    gettext_noop("is null"),
    gettext_noop("matches regex"),
    gettext_noop("search"),
    gettext_noop("is contained by"),
    gettext_noop("overlaps"),
    gettext_noop("has key"),
    gettext_noop("has keys"),
    gettext_noop("has any keys"),
    gettext_noop("exclude"),
    # django_filters/fields.py, filters.py, widgets.py
    gettext_noop("Select a lookup."),
    gettext_noop("Range query expects two values."),
    gettext_noop("Today"),
    gettext_noop("Yesterday"),
    gettext_noop("Past 7 days"),
    gettext_noop("This month"),
    gettext_noop("This year"),
    gettext_noop("Multiple values may be separated by commas."),
    gettext_noop("%s (descending)"),
    gettext_noop("Ordering"),
    gettext_noop("Submit"),
    gettext_noop("All"),
    gettext_noop("Unknown"),
    gettext_noop("Yes"),
    gettext_noop("No"),
]

DJANGO_TABLES2 = [
    # django_tables2/templates/django_tables2/*.html: pagination.
    gettext_noop("previous"),
    gettext_noop("next"),
]

DJANGO = [
    # django/utils/dates.py WEEKDAYS_ABBR: Django's nynorsk catalog leaves Sunday in English,
    # and the month view's weekday headings come from the date filter ("D").
    gettext_noop("Sun"),
]
