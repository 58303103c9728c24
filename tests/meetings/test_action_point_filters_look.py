"""The action point filters look like the plan table's (issue 16, item 8)."""

from django.urls import reverse

from tests.factories import make_action_point, make_committee, make_meeting


def test_filters_have_no_dashes_no_colons_and_one_clear_wording(client, db):
    make_action_point(make_meeting("Samarbeidsmøte", committee=make_committee()))
    html = client.get(reverse("meetings:action_points"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "---------" not in html
    assert ":</label>" not in html
    assert "<legend>Status</legend>" in html
    assert "Clear filters" in html
    for page in (reverse("actionplan:table"), reverse("guidelines:library")):
        assert "---------" not in client.get(page).content.decode()
