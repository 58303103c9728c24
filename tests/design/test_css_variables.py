"""Every CSS custom property our style sheets use is defined: an undefined `var(--x)` falls back
silently (a border, a focus mark or "today" in the month view simply disappears)."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"
USE = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)\s*([,)])")
DEFINE = re.compile(r"(--[A-Za-z0-9_-]+)\s*:")


def _sheets():
    return sorted(STATIC.rglob("*.css"))


def test_every_custom_property_used_is_defined():
    defined = set()
    for sheet in _sheets():
        defined |= set(DEFINE.findall(sheet.read_text()))
    undefined = []
    for sheet in _sheets():
        if "vendor" in sheet.parts:
            continue
        for name, after in USE.findall(sheet.read_text()):
            # var(--x, fallback) is deliberate; design-system internals (--_…) are set inline.
            if after == ")" and name not in defined and not name.startswith("--_"):
                undefined.append(f"{sheet.relative_to(STATIC)}: {name}")
    assert not undefined, "undefined custom properties:\n" + "\n".join(sorted(set(undefined)))
