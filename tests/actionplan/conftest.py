import pytest


@pytest.fixture
def english(settings):
    """Pages in English, so tests can assert on the msgids whatever the catalogs say."""
    settings.LANGUAGE_CODE = "en"
    settings.LANGUAGES = [("en", "English")]
