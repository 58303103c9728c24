"""The people pages and sign-in at a real OpenID provider: an invited person who signs in at
the provider with the e-mail they were invited with has accepted the invitation; a person the
secretariat deactivated is refused even with a linked account at the provider."""

import logging
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from helsefellesskap.models import OIDCIdentity
from people.models import Invitation, PersonEvent
from people.services import invitation_token, person_invite
from tests.oidc.conftest import portal_path, through_provider
from tests.oidc.test_sign_in import signed_in_user_id, start

pytestmark = [pytest.mark.oidc, pytest.mark.django_db]
User = get_user_model()


def test_an_invited_person_signs_in_at_the_provider_and_the_link_is_used_up(
    client, use_provider, sara
):
    invitation = person_invite(
        email="kari@example.no", first_name="Kari", last_name="N", language="nb", by=sara
    )
    page = client.get(f"/people/invitation/{invitation_token(invitation)}/")
    assert "Use the account with the e-mail address kari@example.no." in unescape(
        page.content.decode()
    )
    client.get(portal_path(through_provider(start(client), "kari")))
    assert signed_in_user_id(client) == str(invitation.user_id)
    assert OIDCIdentity.objects.filter(user=invitation.user).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert PersonEvent.objects.filter(user=invitation.user, kind="accepted").exists()
    client.logout()
    again = client.get(f"/people/invitation/{invitation_token(invitation)}/")
    assert again.status_code == 400
    assert "already been used" in unescape(again.content.decode())


def test_a_person_deactivated_on_the_people_page_cannot_sign_in_at_the_provider(
    client, use_provider, sara_client, caplog
):
    kari = User.objects.create_user("kari", email="kari@example.no")
    client.get(portal_path(through_provider(start(client), "kari")))
    assert signed_in_user_id(client) == str(kari.pk)
    client.logout()
    assert sara_client.post(f"/people/{kari.pk}/deactivate/").status_code == 302
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        response = client.get(portal_path(through_provider(start(client), "kari")))
    assert response["Location"] == "/accounts/login/"
    assert "deactivated" in unescape(client.get("/accounts/login/").content.decode())
    assert signed_in_user_id(client) is None
    assert any("oidc refused" in r.getMessage() for r in caplog.records)
    assert Invitation.objects.count() == 0
