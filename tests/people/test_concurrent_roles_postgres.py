"""Several secretaries give the same committee's leader role, or invite the same e-mail address,
at the same moment, on a real PostgreSQL: exactly one of them succeeds, the others are refused,
and the history has one row."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from actionplan.models import Committee
from actionplan.people.models import PersonEvent
from actionplan.people.services import PeopleRefused, person_invite, role_add
from tests.factories import make_committee, make_user

THREADS = 5


def at_once(change, arguments):
    """Run change(*args) for each args in its own thread, all at the same moment: what each
    returned, and the refusals' messages."""
    barrier = threading.Barrier(len(arguments))
    done, refused, lock = [], [], threading.Lock()

    def run(args):
        try:
            barrier.wait()
            result = change(*args)
        except PeopleRefused as exc:
            with lock:
                refused.append(exc.message)
        else:
            with lock:
                done.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(args,)) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done, refused


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_leader_roles_never_overwrite_each_other():
    committee = make_committee("Utval for rehabilitering")
    secretaries = [make_user(f"sekretar{i}", secretariat=True) for i in range(THREADS)]
    candidates = [make_user(f"leiar{i}", first_name=f"Leiar {i}") for i in range(THREADS)]
    given, refused = at_once(
        lambda by, user: role_add(user=user, role="leader", committee=committee, by=by) or user.pk,
        list(zip(secretaries, candidates, strict=True)),
    )

    assert len(given) == 1
    assert len(refused) == THREADS - 1
    assert all("already has" in message for message in refused)
    leader = Committee.objects.select_related("leader").get(pk=committee.pk).leader
    assert leader.user_id == given[0]
    assert list(PersonEvent.objects.values_list("user_id", flat=True)) == given


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_invitations_to_one_address_make_one_account():
    secretaries = [make_user(f"sekretar{i}", secretariat=True) for i in range(THREADS)]

    def invite(by):
        return person_invite(
            email="kari@kommune.example", first_name="Kari", last_name="", language="nn", by=by
        ).user_id

    made, refused = at_once(invite, [(by,) for by in secretaries])
    assert len(made) == 1
    assert len(refused) == THREADS - 1
    assert get_user_model().objects.filter(email__iexact="kari@kommune.example").count() == 1
