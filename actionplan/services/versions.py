"""The optimistic lock every edit of the plan goes through."""

from django.db.models import F


def claim_version(model, pk, expected_version) -> bool:
    """Move a row from the expected version to the next one; False if it was not at that version.

    Inside a transaction the UPDATE keeps the row locked until commit, so of several editors
    who read the same version exactly one can claim it.
    """
    return bool(
        model.objects.filter(pk=pk, version=expected_version).update(version=F("version") + 1)
    )
