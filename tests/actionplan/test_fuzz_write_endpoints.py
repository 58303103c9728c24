"""Property-based: random data posted to every write endpoint never gives a server error."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.actionplan.endpoints import ENDPOINTS

#: Values a hand-made or broken request might carry.
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=95, max_value=3100).map(lambda n: "å" * n),  # around each limit
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "2024",
            "done",
            "not_done",
            "in_progress",
            "up",
            "down",
            "\x00",
            "1e3",
            "https://evil.example/",
            "//evil.example",
            "\n\r",
        ]
    ),
)


def _payload(valid):
    """Each valid field kept, replaced by a random value, or left out; plus stray fields."""
    keys = [*valid, "next", "reason", "direction", "history_id", "rows-5-status"]
    return st.fixed_dictionaries(
        {},
        optional={
            key: st.one_of(st.just(str(valid[key])), VALUES) if key in valid else VALUES
            for key in keys
        },
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.name for e in ENDPOINTS])
@pytest.mark.parametrize("persona", ["sara", "alice"])
def test_random_posts_never_give_a_server_error(endpoint, persona, world, sara, client):
    client.force_login(sara if persona == "sara" else world.alice)
    url, valid = endpoint.build(world, "a")

    @settings(
        max_examples=25,  # x2 personas = 50 per endpoint
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(data=_payload(valid), htmx=st.booleans())
    def post_random(data, htmx):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.post(url, data, **headers)
        assert response.status_code < 500

    post_random()
