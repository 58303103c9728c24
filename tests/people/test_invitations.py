"""Inviting a person by e-mail: the e-mail in their language, a signed link that works once
until it expires; every refused link says why, is logged and signs nobody in."""

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from actionplan.people.models import Invitation, PersonEvent
from actionplan.people.services import invitation_token

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "a-long-new-password-for-kari"


def invite(client, captured, **fields):
    body = {
        "email": "kari@example.no",
        "first_name": "Kari",
        "last_name": "Nordmann",
        "language": "nn",
        **fields,
    }
    with captured(execute=True):
        return client.post("/people/invite/", body)


def link_in(message) -> str:
    return re.search(r"https?://\S+(/people/invitation/\S+/)", message.body).group(1)


def accept(client, path, password=NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def assert_refused(response, text, caplog, reason):
    assert response.status_code == 400
    assert text in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session
    assert any(
        "invitation refused" in r.getMessage() and reason in r.getMessage() for r in caplog.records
    )


def test_the_invitation_is_written_in_the_persons_language(
    sara_client, django_capture_on_commit_callbacks
):
    response = invite(sara_client, django_capture_on_commit_callbacks, language="nn")
    kari = User.objects.get(email="kari@example.no")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{kari.pk}/"
    (message,) = mail.outbox
    assert message.to == ["kari@example.no"]
    assert "Invitasjon til portalen" in message.subject
    assert "Hei Kari Nordmann" in message.body
    assert "/people/invitation/" in message.body
    assert kari.person.language == "nn"
    assert not kari.has_usable_password()
    assert PersonEvent.objects.get(user=kari).kind == "invited"


def test_an_invitation_in_bokmal(sara_client, django_capture_on_commit_callbacks):
    invite(sara_client, django_capture_on_commit_callbacks, language="nb")
    assert "Hei Kari Nordmann" in mail.outbox[0].body
    assert "Åpne denne lenken" in mail.outbox[0].body


def test_an_invitation_works_once(sara_client, client, django_capture_on_commit_callbacks, caplog):
    invite(sara_client, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "Welcome, Kari Nordmann" in page.content.decode()
    response = accept(client, path)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    kari = User.objects.get(email="kari@example.no")
    assert kari.check_password(NEW_PASSWORD)
    assert Invitation.objects.get().accepted_at is not None
    # The password works; the link does not, a second time.
    signed_in = client.post(
        "/accounts/login/", {"username": kari.username, "password": NEW_PASSWORD}
    )
    assert signed_in.wsgi_request.session["_auth_user_id"] == str(kari.pk)
    client.logout()
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        again = accept(client, path, password="someone-elses-password-1")
    assert_refused(again, "already been used", caplog, "already used")
    kari.refresh_from_db()
    assert kari.check_password(NEW_PASSWORD)


def test_an_expired_invitation_is_refused(
    sara_client, client, django_capture_on_commit_callbacks, caplog
):
    invite(sara_client, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        response = accept(client, link_in(mail.outbox[0]))
    assert_refused(response, "has expired", caplog, "expired")
    assert not User.objects.get(email="kari@example.no").has_usable_password()


def test_a_link_whose_signature_has_expired_is_refused(
    sara_client, client, django_capture_on_commit_callbacks, caplog, settings
):
    invite(sara_client, django_capture_on_commit_callbacks)
    settings.INVITATION_MAX_AGE = -1
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        response = client.get(link_in(mail.outbox[0]))
    assert_refused(response, "has expired", caplog, "expired")


def test_a_forged_link_is_refused(client, caplog):
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        response = client.get("/people/invitation/MQ:forged:signature/")
    assert_refused(response, "not valid", caplog, "bad signature")


def test_an_invitation_to_a_deactivated_person_is_refused(
    sara_client, client, django_capture_on_commit_callbacks, caplog
):
    invite(sara_client, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    User.objects.filter(email="kari@example.no").update(is_active=False)
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        response = accept(client, path)
    assert_refused(response, "deactivated", caplog, "deactivated user")
    assert not User.objects.get(email="kari@example.no").has_usable_password()


def test_a_new_invitation_replaces_the_earlier_link(
    sara_client, client, django_capture_on_commit_callbacks, caplog
):
    invite(sara_client, django_capture_on_commit_callbacks)
    kari = User.objects.get(email="kari@example.no")
    with django_capture_on_commit_callbacks(execute=True):
        response = sara_client.post(f"/people/{kari.pk}/invite-again/")
    assert response.status_code == 302
    first, second = link_in(mail.outbox[0]), link_in(mail.outbox[1])
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        response = accept(client, first)
    assert_refused(response, "replaced by a newer one", caplog, "replaced")
    assert accept(client, second).status_code == 302


def test_a_weak_password_is_refused_and_the_link_still_works(
    sara_client, client, django_capture_on_commit_callbacks
):
    invite(sara_client, django_capture_on_commit_callbacks)
    path = link_in(mail.outbox[0])
    response = accept(client, path, password="123")
    assert response.status_code == 400
    assert "This password is too short" in response.content.decode()
    assert Invitation.objects.get().accepted_at is None
    assert accept(client, path).status_code == 302


def test_inviting_an_e_mail_that_has_an_account_changes_nothing(
    sara_client, alice, django_capture_on_commit_callbacks
):
    users = User.objects.count()
    response = invite(sara_client, django_capture_on_commit_callbacks, email="ALICE@example.org")
    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert User.objects.count() == users
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_an_invitation_links_the_plans_contact_person_with_that_e_mail(
    sara_client, django_capture_on_commit_callbacks
):
    from tests.factories import make_person

    in_plan = make_person("Kari Nordmann (kommuneoverlege)", email="kari@example.no")
    invite(sara_client, django_capture_on_commit_callbacks)
    in_plan.refresh_from_db()
    assert in_plan.user.email == "kari@example.no"
    assert in_plan.name == "Kari Nordmann (kommuneoverlege)"


@pytest.mark.parametrize("persona", ["client", "alice_client", "charlie_client"])
def test_only_the_secretariat_invites(persona, request, django_capture_on_commit_callbacks):
    client = request.getfixturevalue(persona)
    response = invite(client, django_capture_on_commit_callbacks)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert not User.objects.filter(email="kari@example.no").exists()
    assert not mail.outbox


def test_signing_in_uses_up_the_invitation(sara_client, client, django_capture_on_commit_callbacks):
    """An invited person who signs in another way (at a provider, by their e-mail) has
    accepted: the link no longer works."""
    invite(sara_client, django_capture_on_commit_callbacks)
    kari = User.objects.get(email="kari@example.no")
    client.force_login(kari)
    assert Invitation.objects.get().accepted_at is not None
    assert PersonEvent.objects.filter(user=kari, kind="accepted").exists()
    client.logout()
    token = invitation_token(Invitation.objects.get())
    assert client.get(f"/people/invitation/{token}/").status_code == 400
