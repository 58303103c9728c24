#!/usr/bin/env bash
# Extract every translatable string into locale/{nn,nb,en}/LC_MESSAGES/django.po and compile.
# Run after adding or changing interface text (and after merging branches that did), then fill
# the new (empty) msgstr entries for nn and nb; en is filled with the msgid by this script.
# tests/test_translations.py fails until every entry is translated and none is fuzzy.
# Needs GNU gettext (apt-get install gettext; `make system-deps` installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

"$PY" manage.py makemessages --locale=nn --locale=nb --locale=en \
  --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=static/vendor \
  --ignore=node_modules --ignore=artifacts --ignore=media --ignore=build \
  --no-location --no-obsolete
# English is the msgid itself: fill it so the English catalog is complete too. Then show what
# still needs a translator in nn and nb.
"$PY" - <<'PYCODE'
import polib
for lang in ("nn", "nb", "en"):
    path = f"locale/{lang}/LC_MESSAGES/django.po"
    po = polib.pofile(path)
    if lang == "en":
        for entry in po:
            entry.msgstr = entry.msgid
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    else:
        # msgmerge's fuzzy guesses are often wrong (a similar English sentence, another
        # meaning): empty them so a translator writes each one.
        for entry in po.fuzzy_entries():
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            if entry.msgid_plural:
                entry.msgstr_plural = {index: "" for index in entry.msgstr_plural}
    po.save(path)
    todo = po.untranslated_entries() + po.fuzzy_entries()
    print(f"{lang}: {len(po)} entries, {len(todo)} to translate")
    for entry in todo:
        print(f"  {lang}: {entry.msgid!r}")
PYCODE
"$PY" manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=staticfiles
