"""Log in and out, password change and reset, throttling, and where log-in lands."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.factories import PASSWORD, make_committee, make_user


def test_login_lands_editor_on_their_committees(world, client):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response["Location"] == reverse("actionplan:dashboard")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Utval A" in page.content.decode()
    assert "Utval B" not in page.content.decode()


def test_login_lands_secretariat_on_revision_board(world, client, sara):
    client.post(reverse("login"), {"username": "sara", "password": PASSWORD})
    assert client.get(reverse("actionplan:dashboard"))["Location"] == reverse(
        "actionplan:revision_board"
    )


def test_login_lands_reader_on_home(world, client, charlie):
    client.post(reverse("login"), {"username": "charlie", "password": PASSWORD})
    assert client.get(reverse("actionplan:dashboard"))["Location"] == reverse("home")


def test_logout_is_post_only(world, alice_client):
    assert alice_client.get(reverse("logout")).status_code == 405
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("actionplan:dashboard")).status_code == 302  # to log in


def test_login_is_locked_after_failure_limit(world, client, settings):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        # The form answers until the limit is reached; the failure that reaches it locks.
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_fewer_failures_than_the_limit_still_log_in(world, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)


def test_password_change(world, alice_client):
    url = reverse("password_change")
    assert alice_client.get(url).status_code == 200
    new = "ny-og-lang-passordfrase-42"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert alice_client.post(url, data)["Location"] == reverse("password_change_done")
    world.alice.refresh_from_db()
    assert world.alice.check_password(new)


def test_password_reset_by_email(db, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user("kari", email="kari@example.no")
    client.post(reverse("password_reset"), {"email": "kari@example.no"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    new = "heilt-nytt-passord-2026"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    response = client.post(reverse("login"), {"username": "kari", "password": new})
    assert response.status_code == 302


def test_demo_users_creates_secretariat_and_editor(db, settings, capsys):
    settings.DEBUG = True
    committee = make_committee("Rehabilitering", order=0)
    call_command("demo_users")
    out = capsys.readouterr().out
    assert "sekretariat" in out
    assert "utvalsleiar" in out
    editor = committee.editors.get()
    assert editor.username == "utvalsleiar"


def test_demo_users_refuses_without_debug(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_users")
