"""An uploaded plan document kept between its preview and "apply".

The file is stored under a random name in a private folder (settings.PLAN_IMPORT_DIR, never
served); the page carries a signed token naming it, its user, plan, original name, checksum
and what the preview showed. Nothing the browser sends is trusted as a path.
"""

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "actionplan.plan-docx-import"
#: How long a preview can be applied (seconds); older uploads are removed.
MAX_AGE = 2 * 60 * 60
_NAME = re.compile(r"[0-9a-f]{32}")


class UploadGone(Exception):
    """The token is forged, expired, another user's, or its file is gone or altered."""


@dataclass
class KeptUpload:
    data: bytes
    file_name: str
    plan_id: int
    digest: str  # PlanChanges.digest() of the preview
    name: str


def _folder():
    folder = settings.PLAN_IMPORT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _remove_stale(folder) -> None:
    cutoff = time.time() - MAX_AGE
    for path in folder.glob("*.docx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def keep_upload(data: bytes, *, user, file_name: str, plan_id: int, digest: str) -> str:
    """Store the bytes; returns the signed token for the preview page."""
    folder = _folder()
    _remove_stale(folder)
    name = secrets.token_hex(16)
    (folder / f"{name}.docx").write_bytes(data)
    payload = {
        "f": name,
        "u": user.pk,
        "n": file_name[:200],
        "p": plan_id,
        "h": hashlib.sha256(data).hexdigest(),
        "d": digest,
    }
    return signing.dumps(payload, salt=SALT)


def load_upload(token: str, *, user) -> KeptUpload:
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        raise UploadGone from None
    name = payload.get("f", "")
    if payload.get("u") != user.pk or not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UploadGone
    try:
        data = (_folder() / f"{name}.docx").read_bytes()
    except OSError:
        raise UploadGone from None
    if hashlib.sha256(data).hexdigest() != payload.get("h"):
        raise UploadGone
    return KeptUpload(data, payload["n"], payload["p"], payload["d"], name)


def discard_upload(upload: KeptUpload) -> None:
    (_folder() / f"{upload.name}.docx").unlink(missing_ok=True)
