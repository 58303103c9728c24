"""The people pages: the secretariat's list of people, invitations, roles and accounts; a
committee's members for those who hold a role in it; everyone's own profile; and the link in
an invitation e-mail. Rights are checked in people/rights.py, changes made in people/services.py.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helsefellesskap.oidc import providers
from helsefellesskap.profile_sections import profile_sections

from . import services
from .forms import AcceptInvitationForm, InviteForm, ProfileForm, RoleForm
from .models import PersonEvent
from .rights import (
    get_committee_for_member,
    get_person_for_secretariat,
    require_people_manager,
)
from .roles import members_of, people_with_roles, roles_of


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


@login_required
@require_GET
def people_list(request):
    """Everyone with an account: their roles, last sign-in, and whether they may sign in."""
    require_people_manager(request.user)
    users = people_with_roles(
        get_user_model().objects.order_by("-is_active", "first_name", "last_name", "username")
    )
    rows = [{"user": user, "roles": roles_of(user)} for user in users]
    return TemplateResponse(request, "people/people_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def invite(request):
    require_people_manager(request.user)
    form = InviteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                invitation = services.person_invite(**form.cleaned_data, by=request.user)
            except services.PeopleRefused as refused:
                form.add_error("email", refused.message)
            else:
                messages.success(
                    request,
                    _("The invitation is sent to %(email)s. Give them their roles here.")
                    % {"email": invitation.email},
                )
                return redirect("people:person", pk=invitation.user_id)
        status = 400
    return TemplateResponse(request, "people/invite.html", {"form": form}, status=status)


def _person_page(request, user, *, role_form=None, error="", status=200):
    user = people_with_roles(get_user_model().objects.filter(pk=user.pk)).get()
    context = {
        "person": user,
        "roles": roles_of(user),
        "role_form": role_form or RoleForm(),
        "error": error,
        "events": PersonEvent.objects.filter(user=user).select_related("by", "committee")[:100],
        "identities": user.oidc_identities.order_by("provider"),
        "invitation": user.invitations.first(),
        "sign_in_set_up": user.has_usable_password() or user.last_login is not None,
        "is_self": user.pk == request.user.pk,
    }
    return TemplateResponse(request, "people/person.html", context, status=status)


@login_required
@require_GET
def person(request, pk):
    """One person: roles (to give and take), sign-ins, the account, and the history."""
    return _person_page(request, get_person_for_secretariat(request, pk))


def _change_role(request, pk, change, done_message):
    user = get_person_for_secretariat(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _person_page(request, user, role_form=form, status=400)
    try:
        change(user=user, **form.cleaned_data, by=request.user)
    except services.PeopleRefused as refused:
        # Someone changed the roles meanwhile, or the role is held already: nothing changed.
        return _person_page(request, user, error=refused.message, status=409)
    committee = form.cleaned_data["committee"]
    messages.success(
        request,
        done_message
        % {
            "name": _name(user),
            "role": dict(form.fields["role"].choices)[form.cleaned_data["role"]],
            "committee": committee.short_name if committee else _("the portal"),
        },
    )
    return redirect("people:person", pk=user.pk)


@login_required
@require_POST
def role_add(request, pk):
    return _change_role(
        request, pk, services.role_add, _("%(name)s is now %(role)s in %(committee)s.")
    )


@login_required
@require_POST
def role_remove(request, pk):
    return _change_role(
        request, pk, services.role_remove, _("%(name)s is no longer %(role)s in %(committee)s.")
    )


def _account_change(request, pk, change, done_message):
    user = get_person_for_secretariat(request, pk)
    try:
        change(user=user, by=request.user)
    except services.PeopleRefused as refused:
        return _person_page(request, user, error=refused.message, status=409)
    messages.success(request, done_message % {"name": _name(user)})
    return redirect("people:person", pk=user.pk)


@login_required
@require_POST
def deactivate(request, pk):
    return _account_change(
        request,
        pk,
        services.account_deactivate,
        _("%(name)s can no longer sign in. Their roles and history are kept."),
    )


@login_required
@require_POST
def reactivate(request, pk):
    return _account_change(
        request, pk, services.account_reactivate, _("%(name)s can sign in again.")
    )


@login_required
@require_POST
def invite_again(request, pk):
    return _account_change(
        request,
        pk,
        services.invitation_send_again,
        _("A new invitation is sent to %(name)s. The earlier link no longer works."),
    )


@login_required
@require_GET
def committee_members(request, slug):
    """Who holds which role in a committee, for its own members (read only)."""
    committee = get_committee_for_member(request, slug)
    context = {"committee": committee, "members": members_of(committee)}
    return TemplateResponse(request, "people/committee_members.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """Min profil: the person's own name, e-mail, language for e-mails, roles and sign-ins."""
    user = request.user
    person = getattr(user, "person", None)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "language": person.language if person else settings.LANGUAGE_CODE,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.profile_update(user=user, **form.cleaned_data)
            except services.PeopleRefused as refused:
                form.add_error("email", refused.message)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("people:profile")
        status = 400
    shown = people_with_roles(get_user_model().objects.filter(pk=user.pk)).get()
    context = {
        "form": form,
        "roles": roles_of(shown),
        "last_login": shown.last_login,
        "identities": shown.oidc_identities.order_by("provider"),
        "sections": profile_sections(request),
    }
    return TemplateResponse(request, "people/profile.html", context, status=status)


def _invitation_refused(request, refused):
    """The page of a link that cannot be used (already logged by the service)."""
    context = {"message": refused.message}
    return TemplateResponse(request, "people/invitation_refused.html", context, status=400)


@require_POST
def invitation_oidc(request, token, key):
    """Set up sign-in at a provider from an invitation: the provider's account is linked to
    the invited person when they come back (people/services.invitation_for_provider_sign_in)."""
    try:
        services.invitation_from_token(token)
    except services.PeopleRefused as refused:
        return _invitation_refused(request, refused)
    if key not in providers():
        raise Http404
    request.session[services.SESSION_INVITATION] = token
    return redirect("oidc_login", key=key)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The link in an invitation e-mail: set a password, or sign in at a provider."""
    try:
        invitation = services.invitation_from_token(token)
    except services.PeopleRefused as refused:
        return _invitation_refused(request, refused)
    form = AcceptInvitationForm(invitation.user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.invitation_accept(
                    invitation=invitation, password=form.cleaned_data["new_password1"]
                )
            except services.PeopleRefused as refused:
                return _invitation_refused(request, refused)
            messages.success(
                request,
                _("Your password is set. Log in with the user name %(username)s.")
                % {"username": invitation.user.get_username()},
            )
            return redirect("login")
        status = 400
    context = {
        "invitation": invitation,
        "form": form,
        "oidc_providers": list(providers().values()),
        "token": token,
    }
    return TemplateResponse(request, "people/invitation.html", context, status=status)
