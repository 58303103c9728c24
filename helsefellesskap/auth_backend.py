"""The log-in backend: Django's ModelBackend, with the user's rights read in the same query that
loads the user on every request. roles.is_secretariat and roles.editable_committee_ids find them
on the user instead of asking the database: two queries less on every page an editor opens."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import CharField, Exists, Func, OuterRef, Q, Subquery

from helsefellesskap.otp_session import session_device_filter
from helsefellesskap.roles import SECRETARIAT_GROUP


class CommaList(Func):
    """The values of one column as a comma-separated text (a whole-table aggregate: a subquery
    made of it returns one row)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s)"
        )


def user_with_rights(queryset):
    """The users annotated with `_is_secretariat`, `_editable_committee_csv` and, when the
    session has a second factor, `_otp_device_ok`."""
    from actionplan.models import Committee

    user = OuterRef("pk")
    editable = (
        Committee.objects.filter(Q(leader__user=user) | Q(deputy__user=user) | Q(editors=user))
        .order_by()
        .values(ids=CommaList("pk"))
    )
    queryset = queryset.annotate(
        _is_secretariat=Exists(Group.objects.filter(name=SECRETARIAT_GROUP, user=user)),
        _editable_committee_csv=Subquery(editable),
    )
    # The second factor this session was verified with (helsefellesskap/otp_session.py).
    device = session_device_filter()
    return queryset.annotate(_otp_device_ok=device) if device is not None else queryset


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_rights(get_user_model()._default_manager.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        csv = user._editable_committee_csv or ""
        user._editable_committee_ids = {int(pk) for pk in csv.split(",") if pk}
        return user

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
