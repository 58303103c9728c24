"""Line-by-line comparison of two guideline texts, for the version comparison page."""

import difflib
from dataclasses import dataclass

CONTEXT_LINES = 3


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added" or "removed"
    text: str


def text_diff(old: str, new: str, *, context: int = CONTEXT_LINES) -> list[list[DiffLine]]:
    """The changed stretches (hunks) between two texts, each with a few unchanged lines around.

    An empty list means the texts are the same.
    """
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        hunk = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk += [DiffLine("same", line) for line in old_lines[i1:i2]]
                continue
            hunk += [DiffLine("removed", line) for line in old_lines[i1:i2]]
            hunk += [DiffLine("added", line) for line in new_lines[j1:j2]]
        hunks.append(hunk)
    return hunks
