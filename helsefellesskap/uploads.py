"""What an uploaded file's bytes are, whatever its name says: shared by the apps that take files."""

import logging
import zipfile
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("helsefellesskap.uploads")

HEAD_BYTES = 8


class Container(StrEnum):
    """The kinds of file that their first bytes tell apart."""

    PDF = "pdf"
    ZIP = "zip"  # Office Open XML (.docx, .pptx, .xlsx) and OpenDocument (.odt, .odp)
    OLE2 = "ole2"  # Office 97–2003 compound file (.doc, .ppt)


_MAGIC = {
    Container.PDF: b"%PDF-",
    Container.ZIP: b"PK\x03\x04",
    Container.OLE2: bytes.fromhex("D0CF11E0A1B11AE1"),
}


def container_of(upload) -> Container | None:
    """The kind of file the upload's first bytes show, or None; the upload is left at its start."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    for container, magic in _MAGIC.items():
        if head.startswith(magic):
            return container
    return None


def is_word_package(upload) -> bool:
    """Whether a zip upload is a Word document, not some other archive; left at its start."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and "word/document.xml" in names


# Said when the file storage (the local folder, or the object storage with STORAGE_BACKEND=s3)
# cannot take a file: the row is only written after the file, so nothing was kept.
STORAGE_UNAVAILABLE = _(
    "The file storage cannot be reached just now, so nothing was saved. "
    "Please try again in a few minutes."
)


def storage_errors() -> tuple[type[BaseException], ...]:
    """What saving a file raises when its storage cannot be reached or refuses the write: the
    local folder's OSError, and the object storage client's errors when it is installed."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # the local folder only
        return tuple(errors)
    return (*errors, BotoCoreError, ClientError)


def log_storage_failure(what: str) -> None:
    """Log the storage error being handled (the details go to the log, not to the page)."""
    logger.error("file_storage_unavailable", exc_info=True, extra={"upload": what})
