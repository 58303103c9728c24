"""The people pages' forms: they validate; people/services.py makes the change."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from actionplan.models import Committee
from helsefellesskap.forms import OneLineFieldsMixin

from .roles import ROLE_LABELS, SECRETARIAT


class _PersonFields(OneLineFieldsMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language for e-mails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        widget=forms.RadioSelect,
    )


class InviteForm(_PersonFields):
    """Invite a person by e-mail: the invitation is written in their language."""


class ProfileForm(_PersonFields):
    """A person's own name, e-mail and the language of the e-mails the portal sends them."""


class RoleForm(forms.Form):
    """A role to give or take: in a committee, or the secretariat (no committee)."""

    role = forms.ChoiceField(label=_("Role"), choices=list(ROLE_LABELS.items()))
    committee = forms.ModelChoiceField(
        label=_("Committee"),
        queryset=Committee.objects.all(),
        required=False,
        empty_label=_("– for the secretariat role: none –"),
    )

    def clean(self):
        data = super().clean()
        role, committee = data.get("role"), data.get("committee")
        if role == SECRETARIAT and committee is not None:
            self.add_error("committee", _("The secretariat role belongs to no committee."))
        elif role and role != SECRETARIAT and committee is None:
            self.add_error("committee", _("Choose the committee for this role."))
        return data


class AcceptInvitationForm(SetPasswordForm):
    """Set up signing in with a password (the portal's own password rules)."""
