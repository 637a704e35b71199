"""Uploaded files: streamed to disk under a size cap, hashed, sniffed, stored content-addressed.

`store()` copies an upload into a temporary file in the upload folder while hashing it and
enforcing the size cap, checks what the bytes are (not what the name says), then renames it
atomically to `<upload dir>/<sha[:2]>/<sha>`. Identical files are stored once. The caller writes
the database row and commits; if that fails it calls `discard()` so no stray file is left.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

CHUNK = 1024 * 1024
MAX_UNZIPPED = 300 * 1024 * 1024
MAX_ZIP_RATIO = 200
# Deflate never makes data much bigger: an entry packed larger than this over its stated size is lying
# about its size (a zip bomb that hides its real size from the ratio check).
_DEFLATE_SLACK = 1024

# Markup a browser would run if the file were ever shown as a page: a PDF/HTML or image/HTML polyglot.
# Only long, specific byte sequences, so that compressed or image data practically never matches by chance.
# Searched in lower case, one pattern per leading literal (one alternation of them all is 5 times slower).
_MARKUP_PATTERNS = (re.compile(rb"<(?:script|iframe|object|embed|(?:html|body)[\s>/]|!doctype\s+html)"),
                    re.compile(rb"on(?:load|error)\s*="), re.compile(rb"javascript:"))
_MARKUP_OVERLAP = 64  # bytes kept from the previous chunk, so a marker split between two chunks is found


def has_active_markup(data: bytes) -> bool:
    """Whether these bytes hold HTML or script a browser would run (compared without regard to case)."""
    lowered = data.lower()
    return any(pattern.search(lowered) for pattern in _MARKUP_PATTERNS)


class UploadRefused(Exception):
    """The upload is refused; the message says why, in Vietnamese, for the user."""


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    original_name: str
    created: bool  # False when identical bytes were already stored


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


def max_bytes() -> int:
    return int(current_app.config["NTM_MAX_UPLOAD_MB"]) * 1024 * 1024


def upload_root() -> Path:
    return Path(current_app.config["NTM_UPLOAD_DIR"])


def path_for(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a sha256")
    return upload_root() / sha256[:2] / sha256


def clean_filename(name: str | None) -> str:
    """The name to show and to download under: no folders, no control characters, NFC, bounded."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").split("/")[-1]
    # Line breaks and tabs become spaces (so words stay apart); other control and format characters go.
    name = "".join(" " if ch.isspace() else ch for ch in name if ch.isspace() or unicodedata.category(ch)[0] != "C")
    name = re.sub(r" {2,}", " ", name).strip().strip(".") or "tep"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem[: 180]
    return f"{stem}.{ext[:10]}" if ext else stem


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


def store(upload, allowed=DOCUMENT_KINDS) -> StoredFile:
    """Stream a Werkzeug FileStorage into the store; raise UploadRefused with a clear message."""
    name = clean_filename(upload.filename)
    ext = os.path.splitext(name)[1].lower()
    limit = max_bytes()
    root = upload_root()
    tmp_dir = root / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    active = False
    tail = b""
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="up-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while True:
                chunk = upload.stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(_("Tệp lớn hơn %(n)d MB: không nhận. Hãy giảm dung lượng (ví dụ quét ở độ "
                                          "phân giải thấp hơn) rồi tải lên lại.", n=limit // (1024 * 1024)))
                digest.update(chunk)
                if not active:
                    window = tail + chunk
                    active = has_active_markup(window)
                    tail = window[-_MARKUP_OVERLAP:]
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadRefused(_("Tệp rỗng (0 byte): không nhận."))
        kind = sniff(tmp)
        if kind not in allowed:
            raise UploadRefused(_("Tệp “%(name)s” không phải là PDF, Word (.docx), Excel (.xlsx), OpenDocument "
                                  "(.odt) hay ảnh quét (JPG, PNG, TIFF): không nhận.", name=name))
        if active:
            raise UploadRefused(_("Tệp “%(name)s” có chứa mã HTML hoặc JavaScript ẩn bên trong: không nhận. Hãy "
                                  "xuất lại tệp (in ra PDF, chụp hoặc quét lại) rồi tải lên.", name=name))
        content_type, extensions = TYPES[kind]
        if ext not in extensions:
            raise UploadRefused(_("Tên tệp “%(name)s” không khớp với nội dung (thực chất là tệp %(kind)s). Hãy "
                                  "đặt đúng phần mở rộng rồi tải lên lại.", name=name, kind=kind.upper()))
        sha = digest.hexdigest()
        final = path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        created = not final.exists()
        if created:
            os.chmod(tmp, 0o640)
            os.replace(tmp, final)
        else:
            tmp.unlink()
        return StoredFile(sha, size, content_type, name, created)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def discard(stored: StoredFile) -> None:
    """Undo a store() whose database row could not be written.

    Only a file this upload created, and only while no row refers to its bytes: identical bytes stored
    at the same moment by another upload (a report, a nomination file) share the file.
    """
    if not stored.created:
        return
    from .extensions import db
    from .nominations.models import NominationFile
    from .reports.models import ReportFile

    for model in (ReportFile, NominationFile):
        if db.session.execute(db.select(model.id).filter_by(sha256=stored.sha256).limit(1)).first():
            return
    path_for(stored.sha256).unlink(missing_ok=True)


def send(row):
    """The download response for a stored file row (sha256, content_type, original_name): an attachment
    under its original (Vietnamese) name, never cached by a shared cache; 404 if the bytes are missing."""
    from flask import abort, send_file

    path = path_for(row.sha256)
    if not path.exists():
        current_app.logger.error("Stored file missing: %s (%s %s)", path, type(row).__name__, row.id)
        abort(404)
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.original_name,
                         conditional=True, etag=row.sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
