"""What an uploaded attachment really is: PDF or Word, checked by name AND by content."""

from helsefellesskap.uploads import Container, container_of, is_word_package

from .models import AttachmentKind

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
    container = container_of(uploaded)
    if container == Container.PDF:
        return AttachmentKind.PDF
    if container == Container.OLE2:
        return AttachmentKind.DOC
    if container == Container.ZIP and is_word_package(uploaded):
        return AttachmentKind.DOCX
    return None
