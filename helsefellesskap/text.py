"""Small text helpers every app shares."""

from django.utils.text import slugify

# slugify() would drop these letters; readable names keep them as their usual spellings.
NORWEGIAN_LETTERS = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "å": "a", "Å": "A"})


def norwegian_slug(text: str) -> str:
    """A slug that spells æ, ø and å as ae, o and a instead of dropping them."""
    return slugify(text.translate(NORWEGIAN_LETTERS))
