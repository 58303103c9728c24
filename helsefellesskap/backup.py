"""Back up everything the portal holds into one archive, and restore it into an empty database.

The archive is a gzip'd tar with:
- `manifest.json`: format, time, the applied migrations, the row count of every model and the
  SHA-256 of every media file, so a restore can check it got everything;
- `data/<app_label>.json`: every row of every model of that app, as Django fixtures (history
  tables, memberships and access logs included); foreign keys to content types, permissions
  and users are written as natural keys, so they survive ids the target database gives out;
- `media/...`: the uploaded and generated files.

Content types and permissions are not stored (migrate creates them), nor are sessions (a
restore signs everyone out).
"""

import hashlib
import json
import tarfile
import tempfile
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Recreated by migrate (content types, permissions), not worth keeping (sessions), or derived:
# the page cache's content version is replaced by every save, the restore's own included.
EXCLUDED_MODELS = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "helsefellesskap.contentversion",
}
# /healthz writes and deletes probe files in healthz/; pdf-parts/ is the laid-out PDF parts' cache
# (helsefellesskap/pdf_parts.py), rebuilt from the data by the next render. Nothing to keep.
EXCLUDED_MEDIA_DIRS = {"healthz", "pdf-parts"}


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why, nothing was changed."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Like Django's encoder, but keeps microseconds (Django's rounds times to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime | date | time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list:
    """Every concrete model whose rows go into the archive, in dependency order."""
    by_app = {
        config: [
            model
            for model in config.get_models()
            if model._meta.label_lower not in EXCLUDED_MODELS
            and not model._meta.proxy
            and model._meta.managed
        ]
        for config in apps.get_app_configs()
    }
    ordered = serializers.sort_dependencies(
        [(config, models) for config, models in by_app.items() if models], allow_cycles=True
    )
    return ordered


def _applied_migrations(using: str) -> list[list[str]]:
    return sorted(MigrationRecorder(connections[using]).applied_migrations().keys())


def media_files(storage=default_storage, folder: str = ""):
    """Relative names of every file in the media storage."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        if not folder and name in EXCLUDED_MEDIA_DIRS:
            continue
        yield from media_files(storage, f"{folder}/{name}" if folder else name)


def _sha256(file) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def backup_create(destination, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the archive to `destination` (a binary file object); return its manifest."""
    counts = {}
    media = {}
    with tempfile.TemporaryDirectory() as work:
        data_dir = Path(work) / "data"
        data_dir.mkdir()
        connection = connections[using]
        outermost = not connection.in_atomic_block
        # One consistent snapshot of every table: on PostgreSQL a repeatable-read transaction,
        # so edits made while the backup runs are either wholly in it or wholly not.
        with transaction.atomic(using=using):
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            migrations = _applied_migrations(using)
            by_app: dict[str, list] = {}
            for model in backed_up_models():
                by_app.setdefault(model._meta.app_label, []).append(model)
            for app_label, models in by_app.items():
                with open(data_dir / f"{app_label}.json", "w", encoding="utf-8") as out:
                    serializers.serialize(
                        "json",
                        _rows(models, counts, using),
                        stream=out,
                        use_natural_foreign_keys=True,
                        cls=ExactJSONEncoder,
                    )
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now().astimezone().isoformat(),
            "migrations": migrations,
            # Loaded in this order: an app's rows after those of the apps it refers to.
            # Apps without rows have no file: loaddata warns about empty fixtures.
            "data_files": [
                f"data/{app_label}.json"
                for app_label, models in by_app.items()
                if any(counts[model._meta.label_lower] for model in models)
            ],
            "counts": counts,
            "media": media,
        }
        with tarfile.open(fileobj=destination, mode="w|gz") as archive:
            for name in manifest["data_files"]:
                archive.add(Path(work) / name, arcname=name)
            for name in media_files():
                with default_storage.open(name, "rb") as file:
                    media[name] = _sha256(file)
                    file.seek(0)
                    info = tarfile.TarInfo(f"media/{name}")
                    info.size = default_storage.size(name)
                    archive.addfile(info, file)
            manifest_bytes = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(manifest_bytes)
            with tempfile.TemporaryFile() as buffer:
                buffer.write(manifest_bytes)
                buffer.seek(0)
                archive.addfile(info, buffer)
    return manifest


def _rows(models, counts: dict, using: str):
    """Every row of the models, by primary key, counting them per model as they go."""
    for model in models:
        label = model._meta.label_lower
        counts[label] = 0
        for obj in model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000):
            counts[label] += 1
            yield obj


def _rows_present(using: str) -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.using(using).count()
        for model in backed_up_models()
        if model._base_manager.using(using).exists()
    }


def _safe_member(member: tarfile.TarInfo) -> bool:
    path = PurePosixPath(member.name)
    return (
        (member.isfile() or member.isdir())
        and not path.is_absolute()
        and ".." not in path.parts
        and (member.name == MANIFEST or path.parts[0] in {"data", "media"})
    )


def backup_restore(source, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore the archive read from `source` (a binary file object) into an empty, migrated
    database and an empty media storage. Refuses, changing nothing, if either holds content
    or the archive does not match this version of the portal. Returns the manifest."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        try:
            with tarfile.open(fileobj=source, mode="r|gz") as archive:
                for member in archive:
                    if not _safe_member(member):
                        raise BackupError(f"Unexpected entry in the archive: {member.name!r}")
                    archive.extract(member, work, filter="data")
            manifest = json.loads((work / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError) as error:
            raise BackupError(f"Not a readable backup archive: {error}") from error
        _check_can_restore(manifest, work, using)
        written = []
        try:
            with transaction.atomic(using=using), override_settings(SIMPLE_HISTORY_ENABLED=False):
                fixtures = [str(work / name) for name in manifest["data_files"]]
                if fixtures:
                    call_command("loaddata", *fixtures, database=using, verbosity=0)
                _check_counts(manifest, using)
                for name, digest in manifest["media"].items():
                    with open(work / "media" / name, "rb") as file:
                        if _sha256(file) != digest:
                            raise BackupError(f"Media file {name!r} is damaged in the archive.")
                        file.seek(0)
                        saved = default_storage.save(name, File(file))
                        written.append(saved)
                        if saved != name:
                            raise BackupError(f"Media file {name!r} could not keep its name.")
        except Exception:
            for name in written:
                default_storage.delete(name)
            raise
    return manifest


def _check_can_restore(manifest: dict, work: Path, using: str) -> None:
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name in manifest["data_files"]:
        if not (work / name).is_file():
            raise BackupError(f"{name} is missing from the archive.")
    ours = {tuple(m) for m in _applied_migrations(using)}
    theirs = {tuple(m) for m in manifest["migrations"]}
    if ours != theirs:
        missing = sorted(".".join(m) for m in theirs - ours)
        extra = sorted(".".join(m) for m in ours - theirs)
        raise BackupError(
            "The database schema differs from the backup's. Run migrate on an empty database "
            "with the portal version that made the backup, restore, then upgrade. "
            f"Not applied here: {missing or 'none'}; "
            f"applied here but not in the backup: {extra or 'none'}."
        )
    present = _rows_present(using)
    if present:
        listed = ", ".join(f"{label} ({n})" for label, n in sorted(present.items()))
        raise BackupError(f"The database is not empty; restore only into an empty one: {listed}.")
    existing = [name for name in manifest["media"] if default_storage.exists(name)]
    if existing:
        raise BackupError(f"Media files already exist, not overwriting: {', '.join(existing[:5])}")
    for name in manifest["media"]:
        if not (work / "media" / name).is_file():
            raise BackupError(f"Media file {name!r} is missing from the archive.")


def _check_counts(manifest: dict, using: str) -> None:
    for model in backed_up_models():
        label = model._meta.label_lower
        expected = manifest["counts"].get(label, 0)
        found = model._base_manager.using(using).count()
        if found != expected:
            raise BackupError(f"{label}: {found} rows restored, the backup has {expected}.")
