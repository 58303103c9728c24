"""The log-in backend: Django's ModelBackend, with the user's rights read in the same query that
loads the user on every request. secretariat.is_secretariat and the apps' rights (registered
here from their AppConfig.ready(), e.g. the committees an editor edits) find them on the user
instead of asking the database: two queries less on every page an editor opens."""

from collections.abc import Callable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import CharField, Exists, Func, OuterRef

from helsefellesskap.otp_session import session_device_filter
from helsefellesskap.secretariat import SECRETARIAT_GROUP


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


@dataclass(frozen=True)
class ReadWithUser:
    """Something an app reads with the user: `annotate` adds it to the users queryset (as a
    subquery on OuterRef("pk")), `attach` turns the loaded annotation into what its rights
    module looks for on the user."""

    annotate: Callable
    attach: Callable


_read_with_user: list[ReadWithUser] = []


def read_with_user(annotate: Callable, attach: Callable) -> None:
    """Read something with the user on every request (call from AppConfig.ready)."""
    _read_with_user.append(ReadWithUser(annotate, attach))


def user_with_rights(queryset):
    """The users annotated with `_is_secretariat`, what the apps registered and, when the
    session has a second factor, `_otp_device_ok`."""
    queryset = queryset.annotate(
        _is_secretariat=Exists(Group.objects.filter(name=SECRETARIAT_GROUP, user=OuterRef("pk")))
    )
    for reading in _read_with_user:
        queryset = reading.annotate(queryset)
    # The second factor this session was verified with (helsefellesskap/otp_session.py).
    device = session_device_filter()
    return queryset.annotate(_otp_device_ok=device) if device is not None else queryset


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_rights(get_user_model()._default_manager.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        for reading in _read_with_user:
            reading.attach(user)
        return user

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
