"""Several secretaries give the same committee's leader role at the same moment, on a real
PostgreSQL: exactly one of them gets it, the others are refused, and the history has one row."""

import threading

import pytest
from django.db import connection

from actionplan.models import Committee
from people.models import PersonEvent
from people.services import PeopleRefused, role_add
from tests.factories import make_committee, make_user

THREADS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_leader_roles_never_overwrite_each_other():
    committee = make_committee("Utval for rehabilitering")
    secretaries = [make_user(f"sekretar{i}", secretariat=True) for i in range(THREADS)]
    candidates = [make_user(f"leiar{i}", first_name=f"Leiar {i}") for i in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    given, refused, lock = [], [], threading.Lock()

    def give(by, user):
        try:
            barrier.wait()
            role_add(user=user, role="leader", committee=committee, by=by)
        except PeopleRefused as exc:
            with lock:
                refused.append(exc.message)
        else:
            with lock:
                given.append(user.pk)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=give, args=(by, user))
        for by, user in zip(secretaries, candidates, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(given) == 1
    assert len(refused) == THREADS - 1
    assert all("already has" in message for message in refused)
    leader = Committee.objects.select_related("leader").get(pk=committee.pk).leader
    assert leader.user_id == given[0]
    assert list(PersonEvent.objects.values_list("user_id", flat=True)) == given
