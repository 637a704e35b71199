"""What an upload may be: its name (checked_filename), its kind by its bytes, not its name (sniff: PDF,
Office Open XML, OpenDocument or a scanned image; zip bombs and macros refused), and the TYPES a kind is
stored and served as. A refusal is an UploadRefused whose message tells the user, in Vietnamese, why.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

from flask_babel import gettext as _

MAX_UNZIPPED = 300 * 1024 * 1024
MAX_ZIP_RATIO = 200
# Deflate never makes data much bigger: an entry packed larger than this over its stated size is lying
# about its size (a zip bomb that hides its real size from the ratio check).
_DEFLATE_SLACK = 1024


class UploadRefused(Exception):
    """The upload is refused; the message says why, in Vietnamese, for the user."""


# kind -> (content type, extensions that may carry it)
TYPES = {
    "pdf": ("application/pdf", {".pdf"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "odt": ("application/vnd.oasis.opendocument.text", {".odt"}),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", {".ods"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
    "tiff": ("image/tiff", {".tif", ".tiff"}),
}
DOCUMENT_KINDS = frozenset(TYPES)
ACCEPT_ATTR = ",".join(sorted({ext for _t, exts in TYPES.values() for ext in exts}))


MAX_NAME_CHARS = 255  # the file-name columns are String(255), and Windows allows 255 characters too
# No place in a file name: control characters (NUL, tab, line breaks...), invisible format characters
# (a right-to-left override that disguises "fdp.exe" as "exe.pdf", zero-width spaces), lone surrogates
# (bytes that were not UTF-8) and the Unicode line and paragraph separators.
_FORBIDDEN_IN_NAMES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _shown_name(name: str) -> str:
    """The refused name as the message shows it: each forbidden character as �, at most 120 characters."""
    shown = "".join("\ufffd" if unicodedata.category(ch) in _FORBIDDEN_IN_NAMES else ch for ch in name)
    return shown if len(shown) <= 120 else shown[:119] + "…"


_WINDOWS_PATH = re.compile(r"(?:[A-Za-z]:\\|\\\\)(?:[^/\\]+\\)*[^/\\]+")  # C:\...\name or \\server\...\name


def checked_filename(name: str | None) -> str:
    """The uploaded file's name as it will be shown and downloaded; UploadRefused for a name no browser sends.

    A browser sends the bare name of the chosen file, so a name that would need mending is refused, with a
    message that says why, before a byte is stored: a path (a / or \\ anywhere, or a name that is only "." or
    ".."), a control or invisible character, more than 255 characters. "Báo cáo..pdf" is a name, not a path:
    without a separator ".." cannot leave a folder (and files are stored under their hash anyway).
    The name is put in NFC (macOS sends decomposed diacritics), spaces and dots around it go, and an empty
    name becomes "tep".
    """
    name = unicodedata.normalize("NFC", name or "")
    # Internet Explorer (and Edge in IE mode, still used in offices for signing plug-ins) sends the whole
    # Windows path of the chosen file: the file's own name is its last part. Only an absolute path, with no
    # ".." in it, is read so; anything else with a separator is refused below.
    if _WINDOWS_PATH.fullmatch(name) and ".." not in name.split("\\"):
        name = name.rsplit("\\", 1)[-1]
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        raise UploadRefused(_("Tên tệp “%(name)s” có chứa đường dẫn thư mục (dấu / hoặc \\): không nhận. Hãy chọn "
                              "lại tệp hoặc đổi tên tệp cho không còn các dấu đó rồi tải lên lại.",
                              name=_shown_name(name)))
    if any(unicodedata.category(ch) in _FORBIDDEN_IN_NAMES for ch in name):
        raise UploadRefused(_("Tên tệp “%(name)s” có ký tự điều khiển hoặc ký tự ẩn (ở chỗ dấu �): không nhận. "
                              "Hãy đổi tên tệp, chỉ dùng chữ, số, dấu cách và dấu câu thông thường, rồi tải lên "
                              "lại.", name=_shown_name(name)))
    if len(name) > MAX_NAME_CHARS:
        raise UploadRefused(_("Tên tệp dài %(n)d ký tự, quá %(max)d ký tự cho phép: không nhận. Hãy đổi tên tệp "
                              "ngắn hơn rồi tải lên lại.", n=len(name), max=MAX_NAME_CHARS))
    return name.strip().strip(".").strip() or "tep"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            total = sum(info.file_size for info in infos)
            packed = max(sum(info.compress_size for info in infos), 1)
            # Checked on the sizes the archive states, before anything is unpacked; an entry whose packed
            # data is larger than its stated size hides its real size, so it is refused too.
            lying = any(info.compress_size > info.file_size + info.file_size // 100 + _DEFLATE_SLACK
                        for info in infos)
            if lying or total > MAX_UNZIPPED or total / packed > MAX_ZIP_RATIO:
                raise UploadRefused(_("Tệp nén bất thường (giải nén quá lớn): không nhận."))
            if any(n.lower().endswith("vbaproject.bin") or n.lower().startswith("basic/") for n in names):
                raise UploadRefused(_("Tệp có chứa macro: không nhận. Hãy lưu lại thành .docx / .xlsx thông thường "
                                      "(không có macro) rồi tải lên."))
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                return {"application/vnd.oasis.opendocument.text": "odt",
                        "application/vnd.oasis.opendocument.spreadsheet": "ods"}.get(mimetype, "")
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as member:
                    content_types = member.read(200_000).decode("utf-8", "replace")
                # A VBA project may hide under any part name; its content type gives it away.
                if "macroenabled" in content_types.lower() or "vbaproject" in content_types.lower():
                    raise UploadRefused(_("Tệp có chứa macro: không nhận. Hãy lưu lại thành .docx / .xlsx thông "
                                          "thường (không có macro) rồi tải lên."))
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except zipfile.BadZipFile:
        return ""
    return ""


def sniff(path: Path) -> str:
    """What the bytes are: one of TYPES, or "" for anything else."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    return ""
