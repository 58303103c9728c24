"""The roles a person can hold, read from where they live.

- leiar, nestleiar, sekretær of a committee: the Committee's `leader`, `deputy`, `secretary`
  (a Person, linked to a user account through `Person.user`). These are the names the plan and
  the committee pages show, so giving someone the role of leader *is* making them the leader
  the committee page shows.
- redaktør (editor) of a committee: `Committee.editors`.
- the secretariat: the secretariat group (helsefellesskap/secretariat.py).

What each role may do is decided in actionplan/rights.py (the committee roles may edit their
committee) and helsefellesskap/secretariat.py.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from actionplan.models import Committee
from helsefellesskap.secretariat import SECRETARIAT_GROUP

LEADER, DEPUTY, SECRETARY, EDITOR, SECRETARIAT = (
    "leader",
    "deputy",
    "secretary",
    "editor",
    "secretariat",
)
COMMITTEE_ROLES = {
    LEADER: _("Leader"),
    DEPUTY: _("Deputy"),
    SECRETARY: _("Secretary"),
    EDITOR: _("Editor"),
}
ROLE_LABELS = {**COMMITTEE_ROLES, SECRETARIAT: _("Secretariat")}
# The Committee field holding each role that one person holds at a time.
SLOT_FIELDS = {LEADER: "leader", DEPUTY: "deputy", SECRETARY: "secretary"}
# Where a Person finds the committees it holds a slot in (Committee's related names).
_SLOT_RELATED = {LEADER: "leads", DEPUTY: "deputises", SECRETARY: "secretary_of"}


@dataclass(frozen=True)
class Role:
    """One role of one person: in a committee, or the secretariat (committee None)."""

    role: str
    committee: Committee | None = None

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.role])


def people_with_roles(users=None):
    """The users with what roles_of() reads joined: a fixed number of queries for any number."""
    users = get_user_model().objects.all() if users is None else users
    return (
        users.select_related("person")
        .prefetch_related(
            *(f"person__{related}" for related in _SLOT_RELATED.values()), "edited_committees"
        )
        .annotate(
            _is_secretariat=Exists(
                Group.objects.filter(name=SECRETARIAT_GROUP, user=OuterRef("pk"))
            )
        )
    )


def roles_of(user) -> list[Role]:
    """Every role the user holds, secretariat first, then by committee order."""
    roles = []
    person = getattr(user, "person", None)
    if person is not None:
        for role, related in _SLOT_RELATED.items():
            roles += [Role(role, c) for c in getattr(person, related).all()]
    roles += [Role(EDITOR, c) for c in user.edited_committees.all()]
    order = list(COMMITTEE_ROLES)
    roles.sort(key=lambda r: (r.committee.order, r.committee.pk, order.index(r.role)))
    if getattr(user, "_is_secretariat", None) or (
        getattr(user, "_is_secretariat", None) is None
        and user.groups.filter(name=SECRETARIAT_GROUP).exists()
    ):
        roles.insert(0, Role(SECRETARIAT))
    return roles


@dataclass(frozen=True)
class Member:
    """Someone who holds a role in a committee: a Person of the plan (who may have no user
    account yet) or an appointed editor's account."""

    role: str
    name: str
    email: str
    user: object | None

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self.role])


def members_of(committee) -> list[Member]:
    """The committee's leader, deputy, secretary and editors (committee with the slots'
    persons joined; the editors are read here)."""
    members = []
    for role, field in SLOT_FIELDS.items():
        person = getattr(committee, field)
        if person is not None:
            user = person.user
            members.append(
                Member(role, person.name, person.email or getattr(user, "email", ""), user)
            )
    editors = committee.editors.select_related("person").order_by("first_name", "last_name", "pk")
    for user in editors:
        name = user.get_full_name() or user.get_username()
        members.append(Member(EDITOR, name, user.email, user))
    return members
