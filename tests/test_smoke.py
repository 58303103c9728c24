from tests.factories import make_plan


def test_home_shows_the_current_plan(client, db):
    make_plan(title="Felles handlingsplan 2023-2026")
    response = client.get("/")
    assert response.status_code == 200
    assert "Felles handlingsplan 2023-2026" in response.content.decode()
