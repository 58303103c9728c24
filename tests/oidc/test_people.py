"""The people pages and sign-in at a real OpenID provider: an invited person who signs in at
the provider with the e-mail they were invited with has accepted the invitation; a person the
secretariat deactivated is refused even with a linked account at the provider."""

import logging
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplan.people.models import Invitation, PersonEvent
from actionplan.people.services import invitation_token, person_invite
from helsefellesskap.models import OIDCIdentity
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
    assert "Sign in with the test provider" in unescape(page.content.decode())
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


def test_an_invitation_links_a_provider_account_that_gives_no_verified_e_mail(
    client, use_provider, sara, caplog
):
    """As ID-porten: the provider vouches for no e-mail. Started from the invitation's link,
    the provider's account is linked to the invited person, and signs them in from then on."""
    invitation = person_invite(
        email="ola@kommune.example", first_name="Ola", last_name="N", language="nn", by=sara
    )
    token = invitation_token(invitation)
    response = client.post(f"/people/invitation/{token}/sign-in/test/")
    assert response["Location"] == "/accounts/oidc/test/login/"
    back = through_provider(start(client), "unverified")
    client.get(portal_path(back))
    assert signed_in_user_id(client) == str(invitation.user_id)
    identity = OIDCIdentity.objects.get()
    assert identity.user_id == invitation.user_id
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    client.logout()
    # From now on the linked sub signs Ola in, with no invitation.
    client.get(portal_path(through_provider(start(client), "unverified")))
    assert signed_in_user_id(client) == str(invitation.user_id)
    client.logout()
    # The used link cannot link another provider account.
    response = client.post(f"/people/invitation/{token}/sign-in/test/")
    assert response.status_code == 400
    assert OIDCIdentity.objects.count() == 1


def test_an_invitation_that_expired_meanwhile_links_nothing(client, use_provider, sara, caplog):
    """The link was fine when the sign-in started, but the invitation was replaced before the
    person came back from the provider: refused, logged, nobody signed in, nothing linked."""
    invitation = person_invite(
        email="ola@kommune.example", first_name="Ola", last_name="N", language="nn", by=sara
    )
    client.post(f"/people/invitation/{invitation_token(invitation)}/sign-in/test/")
    Invitation.objects.update(withdrawn_at=timezone.now())
    with caplog.at_level(logging.WARNING, logger="helsefellesskap.auth"):
        response = client.get(portal_path(through_provider(start(client), "unverified")))
    assert response["Location"] == "/accounts/login/"
    assert "replaced by a newer one" in unescape(client.get("/accounts/login/").content.decode())
    assert signed_in_user_id(client) is None
    assert not OIDCIdentity.objects.exists()
    assert any("invitation withdrawn" in r.getMessage() for r in caplog.records)
