"""What an uploaded attachment really is: PDF or Word, checked by name AND by content."""

import zipfile

from .models import AttachmentKind

OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # Word 97–2003 (.doc) compound file
PDF_MAGIC = b"%PDF-"
EXTENSIONS = {".pdf": AttachmentKind.PDF, ".docx": AttachmentKind.DOCX, ".doc": AttachmentKind.DOC}
CONTENT_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    AttachmentKind.DOC: "application/msword",
}


def kind_from_name(name: str) -> str | None:
    """The attachment kind the file name claims, or None for any other extension."""
    lowered = name.lower()
    for extension, kind in EXTENSIONS.items():
        if lowered.endswith(extension):
            return kind
    return None


def kind_from_content(uploaded) -> str | None:
    """The attachment kind the file's bytes show, or None when it is none of them."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    try:
        if head.startswith(PDF_MAGIC):
            return AttachmentKind.PDF
        if head == OLE2_MAGIC:
            return AttachmentKind.DOC
        if head.startswith(b"PK\x03\x04") and _is_word_package(uploaded):
            return AttachmentKind.DOCX
        return None
    finally:
        uploaded.seek(0)


def _is_word_package(uploaded) -> bool:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names
