"""Forms for writing guidelines. They validate input; the services (guidelines/services.py)
save it."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from actionplan.forms import limit_committee_choice
from actionplan.models import Committee
from helsefellesskap.forms import OneLineFieldsMixin

from .attachments import kind_from_content, kind_from_name
from .models import Guideline

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DETAIL_FIELDS = [
    "committee",
    "priority_groups",
    "status",
    "adopted_on",
    "last_updated_on",
    "next_review_on",
    "source",
    "source_title",
    "source_url",
    "full_text_elsewhere",
]
TEXT_WIDGETS = {
    "summary": forms.Textarea(attrs={"rows": 3}),
    "body": forms.Textarea(attrs={"rows": 24, "class": "markdown-input"}),
}


def normalise_text(text: str) -> str:
    """Browsers send CRLF line ends; store LF so versions compare line by line."""
    return (text or "").replace("\r\n", "\n").strip()


class GuidelineDetailsForm(OneLineFieldsMixin, forms.ModelForm):
    """The guideline's metadata: owner, status, dates and source. Text changes are versions."""

    source_url = forms.URLField(
        label=Guideline._meta.get_field("source_url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Guideline
        fields = DETAIL_FIELDS
        widgets = {
            "priority_groups": forms.CheckboxSelectMultiple,
            "adopted_on": DATE_WIDGET,
            "last_updated_on": DATE_WIDGET,
            "next_review_on": DATE_WIDGET,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Editors may only place a guideline under a committee they edit.
        self.fields["committee"].queryset = Committee.objects.order_by("order", "pk")
        limit_committee_choice(self.fields["committee"], user, keep_empty_choice=True)

    def clean(self):
        cleaned = super().clean()
        adopted, review = cleaned.get("adopted_on"), cleaned.get("next_review_on")
        if adopted and review and review < adopted:
            self.add_error("next_review_on", _("The next review cannot be before adoption."))
        return cleaned


class GuidelineCreateForm(GuidelineDetailsForm):
    """A new guideline: its first text (published as version 1) and its metadata."""

    change_note = forms.CharField(
        label=_("Change note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional for the first version."),
    )

    class Meta(GuidelineDetailsForm.Meta):
        fields = ["title", "summary", "body", *DETAIL_FIELDS]
        widgets = {**GuidelineDetailsForm.Meta.widgets, **TEXT_WIDGETS}

    def clean_body(self):
        return normalise_text(self.cleaned_data["body"])


class PublishVersionForm(OneLineFieldsMixin, forms.Form):
    """New text for a guideline, published as the next numbered version."""

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, widget=TEXT_WIDGETS["summary"])
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=TEXT_WIDGETS["body"],
        help_text=Guideline._meta.get_field("body").help_text,
    )
    change_note = forms.CharField(
        label=_("Change note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What changed and why. Readers see it in the version history."),
    )
    last_updated_on = forms.DateField(
        label=_("Last professionally updated"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Change it when the content was professionally updated."),
    )

    def __init__(self, *args, guideline, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": guideline.title,
                "summary": guideline.summary,
                "body": guideline.body,
                "last_updated_on": guideline.last_updated_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.guideline = guideline

    def clean_body(self):
        return normalise_text(self.cleaned_data["body"])

    def clean(self):
        cleaned = super().clean()
        g = self.guideline
        new = (cleaned.get("title"), cleaned.get("summary", ""), cleaned.get("body", ""))
        if new == (g.title, g.summary.strip(), normalise_text(g.body)):
            raise forms.ValidationError(
                _("The text is unchanged. Change the title, summary or text to publish a version.")
            )
        return cleaned


class AttachmentForm(OneLineFieldsMixin, forms.Form):
    """A PDF or Word file for a guideline, checked by extension, content and size."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF or Word (.docx, .doc)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.doc"}),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Shown to readers. The file name is used when left empty."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.GUIDELINE_ATTACHMENT_MAX_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s; attachments may be at most %(limit)s.")
                % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
            )
        claimed = kind_from_name(uploaded.name)
        if claimed is None:
            raise forms.ValidationError(
                _("Only PDF and Word files (.pdf, .docx, .doc) can be attached.")
            )
        if kind_from_content(uploaded) != claimed:
            raise forms.ValidationError(
                _(
                    "The file's content is not a %(kind)s file, though its name says so. "
                    "Save it again as PDF or Word and upload that."
                )
                % {"kind": claimed.upper()}
            )
        self.cleaned_data["kind"] = claimed
        return uploaded


class CompareForm(forms.Form):
    """Which two versions of a guideline to compare."""

    a = forms.TypedChoiceField(label=_("From version"), coerce=int)
    b = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, str(n)) for n in numbers]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
