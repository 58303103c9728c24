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

from helsefellesskap.otp_session import session_device_filter, session_device_parts
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


def user_with_rights(queryset, device_persistent_id: str | None = None):
    """The users annotated with `_is_secretariat`, what the apps registered and, given the
    persistent id of the session's second factor, `_otp_device_ok`."""
    queryset = queryset.annotate(
        _is_secretariat=Exists(Group.objects.filter(name=SECRETARIAT_GROUP, user=OuterRef("pk")))
    )
    for reading in _read_with_user:
        queryset = reading.annotate(queryset)
    # The second factor this session was verified with (helsefellesskap/otp_session.py).
    device = session_device_filter(device_persistent_id)
    return queryset.annotate(_otp_device_ok=device) if device is not None else queryset


# Stand-ins for the user's and the device's ids in the compiled query (no row has them).
_USER_ID, _DEVICE_ID = -2_000_000_011, -2_000_000_013
_compiled: dict[str | None, tuple[str, tuple]] = {}


def _user_query(device_label: str | None) -> tuple[str, tuple]:
    """The SQL and parameters of user_with_rights for one user, with the stand-in ids, for a
    session verified with a device of this model (or none).

    Building and compiling that queryset (four subqueries) cost more CPU than the rest of an
    editor's warm page; its shape changes only with the device's model, so it is compiled once
    per process and model."""
    if device_label in _compiled:
        return _compiled[device_label]
    users = user_with_rights(
        get_user_model()._default_manager.filter(pk=_USER_ID),
        device_persistent_id=f"{device_label}/{_DEVICE_ID}" if device_label else None,
    )
    compiled = users.query.sql_with_params()
    # An unknown model gives no device check (session_device_filter): not kept, so labels a
    # session could hold do not grow the dictionary.
    if device_label is None or "_otp_device_ok" in users.query.annotations:
        _compiled[device_label] = compiled
    return compiled


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        device_label, device_id = session_device_parts() or (None, None)
        sql, params = _user_query(device_label)
        User = get_user_model()
        pk = User._meta.pk.to_python(user_id)
        stand_ins = {_USER_ID: pk, _DEVICE_ID: device_id}
        params = [stand_ins.get(p, p) if type(p) is int else p for p in params]
        user = next(iter(User._default_manager.raw(sql, params)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        for reading in _read_with_user:
            reading.attach(user)
        return user

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
