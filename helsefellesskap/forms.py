"""Forms the whole portal shares."""

from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .models import DigestFrequency
from .text import one_line


class PortalFormRenderer(TemplatesSetting):
    """Every form and field looks and reports its errors the same way: a form renders as the
    error summary and its fields (includes/_form_fields.html), a field as its label, help text,
    error and widget (includes/_field.html). Widgets keep Django's own templates."""

    form_template_name = "includes/_form_fields.html"
    field_template_name = "includes/_field.html"


class TokenForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows, or one of your recovery codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self):
        # People copy codes with spaces ("123 456") or in capitals.
        return "".join(self.cleaned_data["token"].split()).lower()


class OneLineFieldsMixin:
    """Every single-line text input of the form keeps to one line.

    A hand-made POST can put CR/LF into a title; such a value breaks the calendar feeds and
    headers it ends up in. Multi-line fields (a Textarea) are left as they are."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if (
                isinstance(value, str)
                and isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.Textarea)
            ):
                self.cleaned_data[name] = one_line(value)


class DigestSettingsForm(forms.Form):
    """How often, and in which language, a subscriber's digests come."""

    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=DigestFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("One e-mail with what changed, only when something did."),
    )
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES)


def _visitor_address_field(help_text) -> forms.EmailField:
    # It goes into a mail header, so the forms keep it to one line (OneLineFieldsMixin).
    return forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=help_text,
    )


class VisitorFollowForm(OneLineFieldsMixin, DigestSettingsForm):
    """A visitor's address to follow something by e-mail (confirmed by a link before use)."""

    email = _visitor_address_field(
        _("We send a link to confirm it; nothing is sent before you do.")
    )

    field_order = ["email", "frequency", "language"]


class ManageLinkForm(OneLineFieldsMixin, forms.Form):
    """A visitor's address, to be sent a fresh link to the page of what it follows."""

    email = _visitor_address_field(
        _("The address you confirmed when you started to follow something.")
    )
