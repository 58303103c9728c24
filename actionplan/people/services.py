"""Writes to people and their roles: invitations, roles, deactivation, the own profile.

Each is one transaction, records a PersonEvent (the people history) and raises PeopleRefused
with a message for the person at the screen when the change cannot be made; then nothing is
changed. Committee roles are written where the committee pages read them (people/roles.py), and
Committee saves also go into the committee's own history (simple_history).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from actionplan.models import Committee, Person
from helsefellesskap.oidc import Refused
from helsefellesskap.secretariat import SECRETARIAT_GROUP

from .models import Invitation, PersonEvent
from .roles import EDITOR, ROLE_LABELS, SECRETARIAT, SLOT_FIELDS

logger = logging.getLogger("helsefellesskap.auth")
INVITATION_SALT = "people.invitation"


class PeopleRefused(Exception):
    """A change to people or roles that cannot be made; `message` says why, for the screen."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(reason or message)
        self.message = message
        self.reason = reason or message


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _record(user, kind, *, by, role="", committee=None, detail=""):
    return PersonEvent.objects.create(
        user=user, by=by, kind=kind, role=role, committee=committee, detail=detail[:300]
    )


def _unique_username(email: str) -> str:
    User = get_user_model()
    base = (email.split("@")[0] or "user")[:100]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


# --- Invitations.


def invitation_token(invitation: Invitation) -> str:
    """The signed value in the invitation's link (the link says only which invitation)."""
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    path = reverse("people:invitation", args=[invitation_token(invitation)])
    return settings.PORTAL_URL + path


def person_invite(*, email, first_name, last_name, language, by) -> Invitation:
    """A new account for the person (no password yet, no role), and an invitation to them."""
    User = get_user_model()
    email = email.strip()
    with transaction.atomic():
        _lock_email(email)
        if User.objects.filter(email__iexact=email).exists():
            raise PeopleRefused(
                _("An account with this e-mail address already exists."), "e-mail taken"
            )
        user = User.objects.create_user(
            _unique_username(email), email=email, first_name=first_name, last_name=last_name
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # A contact person of the plan with this e-mail and no account yet is this person.
        people = list(Person.objects.filter(email__iexact=email, user__isnull=True)[:2])
        if len(people) == 1:
            person = people[0]
            person.user, person.language = user, language
            person.save(update_fields=["user", "language"])
        else:
            Person.objects.create(name=_name(user), email=email, language=language, user=user)
        invitation = _invite(user, language=language, by=by)
        _record(user, PersonEvent.Kind.INVITED, by=by, detail=email)
    return invitation


def _lock_email(email: str) -> None:
    """Two invitations to one e-mail address at once: the second waits for the first and then
    finds its account (a lock on the address for the transaction; PostgreSQL only, SQLite
    writes one at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [email.lower()])


def invitation_send_again(*, user, by) -> Invitation:
    """A new invitation for someone who has not accepted one; earlier links stop working."""
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise PeopleRefused(_("This account is deactivated. Reactivate it first."))
        if user.has_usable_password() or user.invitations.filter(accepted_at__isnull=False):
            raise PeopleRefused(_("This person has already set up their sign-in."))
        language = getattr(getattr(user, "person", None), "language", settings.LANGUAGE_CODE)
        invitation = _invite(user, language=language, by=by)
        _record(user, PersonEvent.Kind.INVITED, by=by, detail=user.email)
    return invitation


def _invite(user, *, language, by) -> Invitation:
    now = timezone.now()
    user.invitations.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    invitation = Invitation.objects.create(
        user=user,
        email=user.email,
        language=language,
        invited_by=by,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.INVITATION_MAX_AGE),
    )
    transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def invitation_message(invitation: Invitation) -> tuple[str, str]:
    """The invitation e-mail's subject and body, in the invited person's language."""
    context = {
        "name": _name(invitation.user),
        "url": invitation_url(invitation),
        "expires": invitation.expires_at,
        "invited_by": _name(invitation.invited_by) if invitation.invited_by else "",
        "username": invitation.user.get_username(),
    }
    with translation.override(invitation.language):
        subject = render_to_string("people/email/invitation_subject.txt", context).strip()
        body = render_to_string("people/email/invitation.txt", context)
    return " ".join(subject.split()), body


def _send_invitation(invitation):
    subject, body = invitation_message(invitation)
    send_mail(subject, body, None, [invitation.email])


def invitation_from_token(token: str) -> Invitation:
    """The open invitation the link names; PeopleRefused (logged) when it cannot be used."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        _refuse_invitation("link signature expired")
        raise PeopleRefused(_expired(), "expired") from None
    except signing.BadSignature:
        _refuse_invitation("bad signature")
        raise PeopleRefused(
            _("This invitation link is not valid. Check that you copied all of it."),
            "bad signature",
        ) from None
    invitation = Invitation.objects.select_related("user").filter(pk=pk).first()
    if invitation is None:
        _refuse_invitation("no such invitation")
        raise PeopleRefused(_("This invitation link is not valid."), "no such invitation")
    _check_open(invitation)
    return invitation


def _expired() -> str:
    return _("This invitation has expired. Ask the secretariat to send you a new one.")


def _refuse_invitation(reason, invitation=None):
    logger.warning(
        "invitation refused invitation=%s reason=%s",
        invitation.pk if invitation else "-",
        reason,
    )


def _check_open(invitation):
    if invitation.accepted_at is not None:
        _refuse_invitation("already used", invitation)
        raise PeopleRefused(
            _("This invitation has already been used. Log in instead."), "already used"
        )
    if invitation.withdrawn_at is not None:
        _refuse_invitation("replaced by a newer one", invitation)
        raise PeopleRefused(
            _("This invitation was replaced by a newer one. Use the link in the latest e-mail."),
            "withdrawn",
        )
    if timezone.now() >= invitation.expires_at:
        _refuse_invitation("expired", invitation)
        raise PeopleRefused(_expired(), "expired")
    if not invitation.user.is_active:
        _refuse_invitation("deactivated user", invitation)
        raise PeopleRefused(
            _("This account has been deactivated. Ask the secretariat."), "deactivated user"
        )


def invitation_accept(*, invitation, password) -> None:
    """Set the invited person's password; the invitation is used up."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        )
        _check_open(invitation)
        user = invitation.user
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        _record(user, PersonEvent.Kind.ACCEPTED, by=user, detail=_("password set"))
    logger.info("invitation accepted invitation=%s user=%s", invitation.pk, user.pk)


def invitation_used_by_sign_in(sender, request, user, **kwargs):
    """user_logged_in: an invited person who signs in (at a provider, with the e-mail they
    were invited with) has accepted the invitation."""
    with transaction.atomic():
        open_ones = Invitation.objects.select_for_update().filter(
            user=user, accepted_at__isnull=True, withdrawn_at__isnull=True
        )
        if not list(open_ones):
            return
        open_ones.update(accepted_at=timezone.now())
        _record(user, PersonEvent.Kind.ACCEPTED, by=user, detail=_("signed in"))


#: The invitation a sign-in at a provider started from (people/views.invitation_oidc).
SESSION_INVITATION = "people_invitation"


def invitation_for_provider_sign_in(request):
    """helsefellesskap/oidc.py's account linker: the invited person, when this sign-in at a
    provider started from their invitation's link (which is used up once they are signed in).

    This is how a provider that gives no e-mail (ID-porten) is linked to an account: whoever
    holds the link may set up the sign-in, as with a password."""
    token = request.session.pop(SESSION_INVITATION, None)
    if token is None:
        return None
    try:
        invitation = invitation_from_token(token)
    except PeopleRefused as refused:
        raise Refused(refused.message, f"invitation {refused.reason}") from None
    logger.info("invitation links a provider account invitation=%s", invitation.pk)
    return invitation.user


# --- Roles.


def _locked_committee(committee) -> Committee:
    """The committee's row, locked until the transaction ends: of two role changes at once, the
    second waits and then sees the first's. Its leader, deputy and secretary are read by later
    queries, not joined here: a joined row would come from the snapshot taken before the wait,
    without a Person the first change may have just made (found by a concurrency test)."""
    return Committee.objects.select_for_update().get(pk=committee.pk)


def _person_for(user) -> Person:
    """The user's Person, made from the account's own name when there is none."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.create(name=_name(user), email=user.email, user=user)
    return person


def role_add(*, user, role, committee=None, by) -> None:
    """Give the user a role in a committee, or the secretariat role (committee None)."""
    if role not in ROLE_LABELS or (role == SECRETARIAT) != (committee is None):
        raise PeopleRefused(_("Choose a role and, for a committee role, the committee."))
    labels = {"name": _name(user), "role": ROLE_LABELS[role]}
    with transaction.atomic():
        if not get_user_model().objects.select_for_update().get(pk=user.pk).is_active:
            raise PeopleRefused(_("This account is deactivated. Reactivate it first."))
        if role == SECRETARIAT:
            group, _created = Group.objects.get_or_create(name=SECRETARIAT_GROUP)
            if user.groups.filter(pk=group.pk).exists():
                raise PeopleRefused(_("%(name)s already has the role %(role)s.") % labels)
            user.groups.add(group)
        else:
            committee = _locked_committee(committee)
            labels["committee"] = committee.short_name or committee.name
            if role == EDITOR:
                if committee.editors.filter(pk=user.pk).exists():
                    raise PeopleRefused(
                        _("%(name)s already has the role %(role)s in %(committee)s.") % labels
                    )
                committee.editors.add(user)
            else:
                _slot_fill(committee, role, user, labels, by)
        _record(user, PersonEvent.Kind.ROLE_ADDED, by=by, role=role, committee=committee)


def _slot_fill(committee, role, user, labels, by):
    """Make the user the committee's leader, deputy or secretary, where that place is free.

    A place held by someone else is never overwritten (two secretaries giving the same role at
    once: the second is refused). A place held by a person of the plan who has no account yet,
    with the same name as this account, is that person: they are linked, and the plan's name
    stays as it is."""
    field = SLOT_FIELDS[role]
    holder = getattr(committee, field)
    person = Person.objects.filter(user=user).first()
    if holder is not None and person is not None and holder.pk == person.pk:
        raise PeopleRefused(_("%(name)s already has the role %(role)s in %(committee)s.") % labels)
    if holder is not None:
        same_name = holder.name.casefold().split() == _name(user).casefold().split()
        if holder.user_id is None and person is None and same_name:
            holder.user = user
            holder.save(update_fields=["user"])
            return
        raise PeopleRefused(
            _(
                "%(committee)s already has %(holder)s as %(role)s. Remove that role first, "
                "then give it to %(name)s."
            )
            % {**labels, "holder": holder.name}
        )
    setattr(committee, field, person or _person_for(user))
    committee._change_reason = _("Role given on the people page")
    committee._history_user = by
    committee.save(update_fields=[field])


def role_remove(*, user, role, committee=None, by) -> None:
    """Take a role from the user; refused (changing nothing) when they no longer hold it."""
    if role not in ROLE_LABELS or (role == SECRETARIAT) != (committee is None):
        raise PeopleRefused(_("Choose a role and, for a committee role, the committee."))
    labels = {"name": _name(user), "role": ROLE_LABELS[role]}
    not_held = _("%(name)s does not have the role %(role)s (any more).")
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        if role == SECRETARIAT:
            if user.pk == by.pk:
                raise PeopleRefused(_("You cannot take the secretariat role from yourself."))
            group = Group.objects.filter(name=SECRETARIAT_GROUP).first()
            if group is None or not user.groups.filter(pk=group.pk).exists():
                raise PeopleRefused(not_held % labels)
            user.groups.remove(group)
        else:
            committee = _locked_committee(committee)
            if role == EDITOR:
                if not committee.editors.filter(pk=user.pk).exists():
                    raise PeopleRefused(not_held % labels)
                committee.editors.remove(user)
            else:
                field = SLOT_FIELDS[role]
                holder = getattr(committee, field)
                if holder is None or holder.user_id != user.pk:
                    raise PeopleRefused(not_held % labels)
                setattr(committee, field, None)
                committee._change_reason = _("Role removed on the people page")
                committee._history_user = by
                committee.save(update_fields=[field])
        _record(user, PersonEvent.Kind.ROLE_REMOVED, by=by, role=role, committee=committee)


# --- Accounts.


def account_deactivate(*, user, by) -> None:
    """The person can no longer sign in; their roles and history stay (for a reactivation)."""
    if user.pk == by.pk:
        raise PeopleRefused(_("You cannot deactivate your own account."))
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise PeopleRefused(_("This account is already deactivated."))
        user.is_active = False
        user.save(update_fields=["is_active"])
        user.invitations.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        _record(user, PersonEvent.Kind.DEACTIVATED, by=by)
    logger.info("account deactivated user=%s by=%s", user.pk, by.pk)


def account_reactivate(*, user, by) -> None:
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.is_active:
            raise PeopleRefused(_("This account is already active."))
        user.is_active = True
        user.save(update_fields=["is_active"])
        _record(user, PersonEvent.Kind.REACTIVATED, by=by)
    logger.info("account reactivated user=%s by=%s", user.pk, by.pk)


def profile_update(*, user, first_name, last_name, email, language) -> list[str]:
    """The person's own name, e-mail and language for e-mails; the fields that changed."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
            raise PeopleRefused(_("Another account has this e-mail address."))
        person = _person_for(user)
        before = (user.first_name, user.last_name, user.email, person.language)
        user.first_name, user.last_name, user.email = first_name, last_name, email
        user.save(update_fields=["first_name", "last_name", "email"])
        person.language = language
        person.save(update_fields=["language"])
        names = ("first_name", "last_name", "email", "language")
        after = (first_name, last_name, email, language)
        changed = [n for n, b, a in zip(names, before, after, strict=True) if b != a]
        if changed:
            _record(user, PersonEvent.Kind.PROFILE, by=user, detail=", ".join(changed))
    return changed
