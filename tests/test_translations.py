"""The catalogs are complete: every interface string is translated into nn, nb and en.

Interface text is written with English msgids; scripts/update_translations.sh extracts new ones.
These tests fail when a catalog has an untranslated or fuzzy entry, or when the code holds a
string that is not in the catalogs yet (someone added text without running the script).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LANGUAGES = [code for code, _name in settings.LANGUAGES]
LOCALE = Path(settings.BASE_DIR, "locale")
# What makemessages must not look at (same list as scripts/update_translations.sh).
NOT_SOURCE = {
    ".venv",
    "staticfiles",
    "tests",
    "node_modules",
    "artifacts",
    "media",
    "build",
    ".git",
}


def catalog(lang: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))


def live_entries(po: polib.POFile):
    return [entry for entry in po if not entry.obsolete]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entry(lang):
    po = catalog(lang)
    todo = [e.msgid for e in live_entries(po) if not e.translated() or "fuzzy" in e.flags]
    assert not todo, f"{lang}: {len(todo)} entries to translate: {todo}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_keeps_placeholders(lang):
    """A translation that drops or renames %(name)s or %s would crash or lose text at run time."""
    import re

    placeholder = re.compile(r"%(?:\(\w+\))?[sdif]|\{\w*\}")
    wrong = [
        (e.msgid, e.msgstr)
        for e in live_entries(catalog(lang))
        if not e.msgid_plural
        and e.translated()
        and "fuzzy" not in e.flags
        and sorted(placeholder.findall(e.msgid)) != sorted(placeholder.findall(e.msgstr))
    ]
    assert not wrong, f"{lang}: placeholders differ: {wrong}"


def test_all_catalogs_hold_the_same_strings():
    msgids = {
        lang: {(e.msgctxt, e.msgid) for e in live_entries(catalog(lang))} for lang in LANGUAGES
    }
    reference = msgids[LANGUAGES[0]]
    for lang in LANGUAGES[1:]:
        assert msgids[lang] == reference, (
            f"{lang} differs from {LANGUAGES[0]}: "
            f"missing {sorted(reference - msgids[lang])}, extra {sorted(msgids[lang] - reference)}"
        )


def _copy_sources(destination: Path) -> None:
    root = Path(settings.BASE_DIR)
    for item in root.iterdir():
        if item.name in NOT_SOURCE or item.name == "static" or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(
                item, destination / item.name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
            )
        else:
            shutil.copy2(item, destination / item.name)


@pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="needs GNU gettext (apt-get install gettext)",
)
def test_makemessages_finds_no_string_missing_from_the_catalogs(tmp_path):
    """Run makemessages on a copy of the code and compare with the committed catalogs."""
    _copy_sources(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "helsefellesskap.settings",
    }
    env.pop("DATABASE_URL", None)  # the extractor needs no database
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=nn", "--no-location",
         "--ignore=tests", "--ignore=staticfiles"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    extracted = {(e.msgctxt, e.msgid) for e in live_entries(polib.pofile(str(
        tmp_path / "locale" / "nn" / "LC_MESSAGES" / "django.po")))}  # fmt: skip
    known = {(e.msgctxt, e.msgid) for e in live_entries(catalog("nn"))}
    missing = sorted(msgid for _ctx, msgid in extracted - known)
    assert not missing, (
        f"{len(missing)} strings are not in the catalogs; run scripts/update_translations.sh "
        f"and translate them: {missing}"
    )
