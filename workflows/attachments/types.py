"""What a file is, by its content and never by its name.

The first bytes are matched by puremagic (PDF, JPEG, PNG, TIFF, or a ZIP container). A ZIP
container is accepted only with the inner structure of a DOCX (`word/document.xml`), an XLSX
(`xl/workbook.xml`) or an ODT (a first `mimetype` entry naming an OpenDocument text), both
OOXML kinds with their `[Content_Types].xml`; one carrying macros (`vbaProject.bin`) is not.
"""

import zipfile
from pathlib import Path

import puremagic

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED = (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT)
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", TIFF: "tif", DOCX: "docx", XLSX: "xlsx",
              ODT: "odt"}  # fmt: skip
_PLAIN = frozenset({PDF, JPEG, PNG, TIFF})
_ZIP = b"PK\x03\x04"
HEAD_BYTES = 8192


def content_type(path: Path) -> str | None:
    """The allowed type of the file at `path`, or None when it is none of them."""
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    if not head:
        return None
    if head.startswith(_ZIP):
        return _container(path)
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    found = {m.mime_type for m in matches if m.offset == 0} & _PLAIN
    return found.pop() if len(found) == 1 else None


def _container(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None
            if names and names[0] == "mimetype":
                with archive.open("mimetype") as entry:
                    return ODT if entry.read(64).strip() == ODT.encode() else None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
