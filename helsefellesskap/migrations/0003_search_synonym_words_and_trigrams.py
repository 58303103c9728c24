"""The word groups the site search starts with (helsefellesskap/search_words.py), and pg_trgm
for the nearest-word suggestions. The extension and the trigram index exist only on PostgreSQL;
SQLite matches the words as they are.
"""

from django.db import migrations

from helsefellesskap.search_words import GROUPS, install

def add_groups(apps, schema_editor):
    install(apps.get_model("helsefellesskap", "SearchSynonym"))


def remove_groups(apps, schema_editor):
    synonym = apps.get_model("helsefellesskap", "SearchSynonym")
    terms = [term for words in GROUPS.values() for term in words.split()]
    synonym.objects.filter(term__in=terms).delete()


def add_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS helsefellesskap_searchsynonym_term_trgm "
        "ON helsefellesskap_searchsynonym USING gin (term gin_trgm_ops)"
    )


def remove_trigrams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other databases objects may use it.
    schema_editor.execute("DROP INDEX IF EXISTS helsefellesskap_searchsynonym_term_trgm")


class Migration(migrations.Migration):
    dependencies = [("helsefellesskap", "0002_search_synonyms")]

    operations = [
        migrations.RunPython(add_trigrams, remove_trigrams),
        migrations.RunPython(add_groups, remove_groups),
    ]
