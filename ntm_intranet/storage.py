"""Uploaded files: streamed to disk under a size cap, hashed, sniffed, stored content-addressed.

A file sent with a request is written once, as the body arrives, into a temporary file in
`<upload dir>/tmp` (the app's request class, `UploadRequest`, hands Werkzeug's form parser an
`Incoming`), which enforces the size cap, hashes it and runs the CHUNK_CHECKS over the bytes on the
way. `store()` then checks what the bytes are (not what the name says), fsyncs and renames the file
atomically to `<upload dir>/<sha[:2]>/<sha>`; any other stream is first copied into an `Incoming`
the same way. Identical files are stored once. The caller writes the database row and commits; if
that fails it calls `discard()` so no stray file is left.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from flask import Request, current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from . import faults

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


def _markup_in(lowered: bytes) -> bool:
    return any(pattern.search(lowered) for pattern in _MARKUP_PATTERNS)


def has_active_markup(data: bytes) -> bool:
    """Whether these bytes hold HTML or script a browser would run (compared without regard to case)."""
    return _markup_in(data.lower())


class ActiveMarkup:
    """has_active_markup() over a file fed chunk by chunk, in order: `feed()` each chunk; `found` tells.

    Each chunk is lower-cased and searched once; the seam between two chunks (the last bytes of the one and
    the first of the next) is searched too, so a marker cut in two is still found. About 1.3 ms per MB.
    """

    def __init__(self):
        self.found = False
        self._tail = b""  # the last bytes fed, lower-cased

    def feed(self, chunk: bytes) -> None:
        if self.found or not chunk:
            return
        lowered = chunk.lower()
        self.found = _markup_in(self._tail + lowered[:_MARKUP_OVERLAP]) or _markup_in(lowered)
        self._tail = (self._tail + lowered[-_MARKUP_OVERLAP:])[-_MARKUP_OVERLAP:]


# What makes a PDF reader run or open something: JavaScript (actions and the document's script tree: a
# JavaScript action is typed /S /JavaScript, so /JavaScript finds its /JS too), Launch actions (start a
# program) and embedded files. A name may be written with any character as #xx (/J#61vaScript), so each
# character may be either; a delimiter must follow (/Launcher is another name). Nine bytes or more: random
# binary data (a scan's image) practically never matches, which a bare /JS (three bytes) would.
_DELIMITERS = rb"[\x00\t\n\x0c\r ()<>\[\]{}/%]"


def _pdf_name(word: str) -> bytes:
    letters = []
    for ch in word:
        escaped = "#" + "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{ord(ch):02x}")
        letters.append(f"(?:{re.escape(ch)}|{escaped})")
    return "".join(letters).encode()


_PDF_ACTIVE = re.compile(rb"/(?:" + _pdf_name("JavaScript") + b"|" + _pdf_name("Launch") + b"|"
                         + _pdf_name("EmbeddedFile") + rb"(?:s|#73)?)(?=" + _DELIMITERS + rb")")
_PDF_OVERLAP = 64
_PDF_STREAM = re.compile(rb"stream(?:\r\n|\n)")  # the keyword, unless a letter comes before (endstream)
_PDF_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_MAX_INFLATED = 64 * 1024 * 1024  # object streams hold dictionaries: a few MB at most in real files


class PdfActiveContent:
    """Looks through a PDF as it streams past for JavaScript, Launch actions and embedded files.

    `feed()` every chunk in order; `found` tells. The names are looked for in the raw bytes (a chunk's
    last bytes are kept, so a name cut in two is still found) and in the compressed object streams
    (/Type /ObjStm, FlateDecode) where PDF 1.5 writers put most dictionaries: those are inflated as they
    pass, up to 64 MB in all. Best effort: the object streams of an encrypted PDF, or under another filter,
    cannot be read here. Anything that does not start with %PDF- is not looked at.
    """

    def __init__(self):
        self.found = False
        self._head = b""
        self._is_pdf: bool | None = None
        self._tail = b""          # the raw window's last bytes
        self._pending = b""       # raw bytes not parsed yet: a keyword may be cut by the chunk's end
        self._context = b""       # the text since the last stream: the next stream's dictionary
        self._in_stream = False
        self._inflater = None     # a zlib decompressor while inside an object stream
        self._inflated = 0
        self._inflated_tail = b""

    def feed(self, chunk: bytes) -> None:
        if self._is_pdf is None:
            self._head += chunk
            if len(self._head) < 5:
                return
            self._is_pdf = self._head.startswith(b"%PDF-")
            chunk, self._head = self._head, b""
        if not self._is_pdf or self.found:
            return
        window = self._tail + chunk
        if _PDF_ACTIVE.search(window):
            self.found = True
            return
        self._tail = window[-_PDF_OVERLAP:]
        self._parse(chunk)

    def _parse(self, chunk: bytes) -> None:
        data, pos = self._pending + chunk, 0
        while not self.found:
            if self._in_stream:
                end = data.find(b"endstream", pos)
                if end < 0:
                    keep = max(pos, len(data) - 8)  # "endstream" may begin in the last 8 bytes
                    self._inflate(data[pos:keep])
                    self._pending = data[keep:]
                    return
                self._inflate(data[pos:end])
                self._in_stream, self._inflater, pos = False, None, end + len(b"endstream")
            else:
                match = _PDF_STREAM.search(data, pos)
                while match is not None and match.start() > 0 and data[match.start() - 1:match.start()].isalpha():
                    match = _PDF_STREAM.search(data, match.end())
                if match is None:
                    keep = max(pos, len(data) - 16)
                    self._context = (self._context + data[max(pos, keep - 4096):keep])[-4096:]
                    self._pending = data[keep:]
                    return
                dictionary = self._context + data[pos:match.start()]
                self._context, self._in_stream, pos = b"", True, match.end()
                self._inflater = self._object_stream_inflater(dictionary)
                self._inflated_tail = b""

    @staticmethod
    def _object_stream_inflater(dictionary: bytes):
        """A decompressor when the stream this dictionary opens is a Flate-compressed object stream."""
        start = dictionary.rfind(b"obj")
        text = _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), dictionary[max(start, 0):])
        if not re.search(rb"/Type\s*/ObjStm(?![A-Za-z])", text):
            return None
        filters = re.findall(rb"/([A-Za-z0-9]*Decode|Fl|AHx|A85|LZW|RL|CCF|DCT)(?![A-Za-z0-9])", text)
        if set(filters) - {b"FlateDecode", b"Fl"} or not filters or b"/DecodeParms" in text:
            return None
        return zlib.decompressobj()

    def _inflate(self, data: bytes) -> None:
        while data and self._inflater is not None and not self.found:
            room = _PDF_MAX_INFLATED - self._inflated
            if room <= 0:
                self._inflater = None
                return
            try:
                out = self._inflater.decompress(data, min(room, CHUNK))
            except zlib.error:  # encrypted, or not what its dictionary said
                self._inflater = None
                return
            data = self._inflater.unconsumed_tail
            self._inflated += len(out)
            window = self._inflated_tail + out
            if _PDF_ACTIVE.search(window):
                self.found = True
            self._inflated_tail = window[-_PDF_OVERLAP:]


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


# Checks over an upload's bytes, fed to them as the bytes are written (the file is never read back for
# them), in the order they refuse: (a class with `feed(chunk)` and `found`, the sniffed kinds it applies to
# or None for any, the refusal message for the file's name).
CHUNK_CHECKS = (
    (ActiveMarkup, None,
     lambda name: _("Tệp “%(name)s” có chứa mã HTML hoặc JavaScript ẩn bên trong: không nhận. Hãy xuất lại tệp (in "
                    "ra PDF, chụp hoặc quét lại) rồi tải lên.", name=name)),
    (PdfActiveContent, frozenset({"pdf"}),
     lambda name: _("Tệp PDF “%(name)s” có chứa mã JavaScript, lệnh mở chương trình hoặc tệp đính kèm bên trong: "
                    "không nhận. Hãy xuất lại tệp (in ra PDF từ Word, hoặc quét lại) rồi tải lên.", name=name)),
)


_WRITEBACK_STEP = 8 * CHUNK


class Incoming(io.BufferedRandom):
    """An upload being written into <upload dir>/tmp: counted against the size cap, hashed and fed to the
    CHUNK_CHECKS as it is written, so the bytes are written once and never read back to be checked.

    The request's form parser writes a file part into one as the body arrives (UploadRequest); store()
    copies any other stream into one. Past the cap nothing more is kept and `too_large` is set: store()
    refuses it. It reads back like any file. Closing it deletes the file, unless keep_as() gave it its
    final name; the request closes those it made when it ends, whatever happened.
    """

    def __init__(self):
        tmp_dir = upload_root() / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="up-")
        self.path: Path | None = Path(name)
        try:
            super().__init__(io.FileIO(fd, "r+"))
        except BaseException:
            os.close(fd)
            self.path.unlink(missing_ok=True)
            raise
        self.limit = max_bytes()
        self.size = 0
        self.too_large = False
        self._written_back = 0
        self._digest = hashlib.sha256()
        self.scans = [scanner() for scanner, _kinds, _message in CHUNK_CHECKS]

    def write(self, data) -> int:
        count = len(data)
        if self.too_large or not count:
            return count
        if self.size + count > self.limit:
            self.too_large = True
            return count
        data = bytes(data)
        self.size += count
        self._digest.update(data)
        for scan in self.scans:
            scan.feed(data)
        written = super().write(data)
        if self.size - self._written_back >= _WRITEBACK_STEP:
            self._start_writeback()
        return written

    def _start_writeback(self) -> None:
        """Have the kernel start writing what came so far to the disk, while the rest arrives, so that the
        fsync in keep_as() finds little left to wait for. On Linux POSIX_FADV_DONTNEED starts that
        writeback without waiting for it (PostgreSQL flushes its files the same way where it must)."""
        if not hasattr(os, "posix_fadvise"):
            return
        self.flush()
        os.posix_fadvise(self.fileno(), self._written_back, self.size - self._written_back, os.POSIX_FADV_DONTNEED)
        self._written_back = self.size

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def refusal(self, kind: str, name: str) -> str | None:
        """The message of the first CHUNK_CHECKS that found something in a file of this kind, if any."""
        for scan, (_scanner, kinds, message) in zip(self.scans, CHUNK_CHECKS, strict=True):
            if scan.found and (kinds is None or kind in kinds):
                return message(name)
        return None

    def keep_as(self, final: Path) -> bool:
        """Make the bytes durable (fsync), then rename the file to `final` atomically. False, and nothing
        renamed, when identical bytes are stored there already (closing then deletes the file)."""
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            return False
        self.flush()
        os.fsync(self.fileno())
        os.fchmod(self.fileno(), 0o640)
        _mark_pending(final)
        os.replace(self.path, final)
        self.path = None
        _fsync_folder(final.parent)  # the new name is durable too, not only the bytes
        return True

    def close(self) -> None:
        try:
            super().close()
        finally:
            path, self.path = getattr(self, "path", None), None
            if path is not None:
                path.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    """After a rename, fsync the folder that holds the new name (POSIX; elsewhere nothing to do)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # a file system that cannot sync a folder: the bytes are synced already
    finally:
        os.close(fd)


class UploadRequest(Request):
    """The app's request class: a file part of a multipart body is written straight into <upload dir>/tmp
    as it arrives (an Incoming), so that store() only checks it and renames it. Bodies without a file are
    parsed as before; an empty file input (no file chosen) gets Werkzeug's usual stream, and so does every
    file part past the first STREAMED_PARTS (no form here has more than one file field: a body made of a
    thousand tiny files must not hold a thousand open files; store() copies such a part if it ever gets one).
    """

    STREAMED_PARTS = 4

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        made = self.__dict__.setdefault("_incoming", [])
        if not filename or len(made) >= self.STREAMED_PARTS:
            return super()._get_file_stream(total_content_length, content_type, filename, content_length)
        incoming = Incoming()
        made.append(incoming)
        return incoming

    def close(self) -> None:
        """Also close (and so delete) every temporary file this request's body made, whether or not it
        reached `files` (a body cut short) and whether or not store() took it."""
        try:
            super().close()
        finally:
            for incoming in self.__dict__.pop("_incoming", ()):
                incoming.close()


def _stream_into_store(stream) -> Incoming:
    incoming = Incoming()
    try:
        while not incoming.too_large and (chunk := stream.read(CHUNK)):
            incoming.write(chunk)
    except BaseException:
        incoming.close()
        raise
    return incoming


def store(upload, allowed=DOCUMENT_KINDS) -> StoredFile:
    """Put a Werkzeug FileStorage into the store; raise UploadRefused with a clear message.

    A file that came with the request is already in <upload dir>/tmp, hashed and scanned (UploadRequest):
    it is only checked and renamed. Any other stream (a file made in code, a test's BytesIO) is copied
    into one the same way first. Whatever is refused or fails, the temporary file is deleted.
    """
    incoming = upload.stream if isinstance(upload.stream, Incoming) and upload.stream.path is not None else None
    try:
        name = checked_filename(upload.filename)
        ext = os.path.splitext(name)[1].lower()
        if incoming is None:
            incoming = _stream_into_store(upload.stream)
        incoming.flush()
        faults.pause("upload")  # test-only, off unless NTM_TEST_FAULT_PAUSE says so: see faults.py
        if incoming.too_large:
            raise UploadRefused(_("Tệp lớn hơn %(n)d MB: không nhận. Hãy giảm dung lượng (ví dụ quét ở độ phân "
                                  "giải thấp hơn) rồi tải lên lại.", n=incoming.limit // (1024 * 1024)))
        if incoming.size == 0:
            raise UploadRefused(_("Tệp rỗng (0 byte): không nhận."))
        kind = sniff(incoming.path)
        if kind not in allowed:
            raise UploadRefused(_("Tệp “%(name)s” không phải là PDF, Word (.docx), Excel (.xlsx), OpenDocument "
                                  "(.odt) hay ảnh quét (JPG, PNG, TIFF): không nhận.", name=name))
        refusal = incoming.refusal(kind, name)
        if refusal:
            raise UploadRefused(refusal)
        content_type, extensions = TYPES[kind]
        if ext not in extensions:
            raise UploadRefused(_("Tên tệp “%(name)s” không khớp với nội dung (thực chất là tệp %(kind)s). Hãy "
                                  "đặt đúng phần mở rộng rồi tải lên lại.", name=name, kind=kind.upper()))
        sha = incoming.sha256
        created = incoming.keep_as(path_for(sha))
        faults.pause("stored")  # test-only: in the store, its row not yet committed
        return StoredFile(sha, incoming.size, content_type, name, created)
    finally:
        if incoming is not None:
            incoming.close()  # deletes the temporary file unless it was kept


TMP_MAX_AGE_SECONDS = 3600


def sweep_tmp(root: Path, max_age_seconds: float = TMP_MAX_AGE_SECONDS) -> int:
    """Remove what killed uploads left in <root>/tmp; return how many files went.

    An upload is written to <root>/tmp and moved to its content address only once it is whole and
    checked, so a worker killed in the middle (SIGKILL, the machine losing power) leaves a temporary file
    there and nothing in the store. The app sweeps at start: in every gunicorn worker as it boots, and in
    every `flask` command.

    The rule that keeps a sweep from taking a file another live worker is still filling: only a file
    untouched for `max_age_seconds` (NTM_TMP_MAX_AGE_SECONDS, an hour by default) goes. A file being
    written is touched with every chunk, and no request lasts that long (gunicorn kills a worker whose
    request runs past its --timeout, two minutes in the README's command), so an hour old is certainly
    abandoned. Only regular files directly in tmp/ are removed; a file that vanishes meanwhile (another
    worker's sweep, its own upload finishing) or cannot be removed is left to the next sweep.
    """
    tmp = root / "tmp"
    cutoff = time.time() - max(max_age_seconds, 0)
    removed = 0
    try:
        entries = list(os.scandir(tmp))
    except FileNotFoundError:
        return 0
    except OSError as exc:
        logging.getLogger(__name__).warning("Cannot look through %s: %s", tmp, exc)
        return 0
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime <= cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            logging.getLogger(__name__).warning("Cannot remove %s: %s", entry.path, exc)
    if removed:
        logging.getLogger(__name__).info("Removed %d abandoned upload file(s) from %s", removed, tmp)
    return removed


# Between a new file's rename into the store and the commit of the row that refers to it, a worker may
# die: the file would stay with no row. So a marker named after the file is made in <root>/tmp/pending
# before the rename; the commit of the request's transaction removes it (after_commit below). A marker
# that outlives NTM_TMP_MAX_AGE_SECONDS names a file whose transaction never committed: sweep_pending()
# removes that file unless a row refers to its bytes after all (the same bytes stored by another upload).


def _pending_dir(root: Path) -> Path:
    return root / "tmp" / "pending"


def _mark_pending(final: Path) -> None:
    from .extensions import db

    marker = _pending_dir(upload_root()) / final.name
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()
    db.session.connection()  # in a transaction now, so that its commit or rollback settles the marker
    db.session.info.setdefault(_PENDING, set()).add(marker)


_PENDING = "ntm_pending_files"


@event.listens_for(Session, "after_commit")
def _committed(session) -> None:
    """The rows of this transaction's new files are in the database: their files are no longer pending."""
    for marker in session.info.pop(_PENDING, ()):
        marker.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session, previous_transaction) -> None:
    """The rows never came: the markers stay for sweep_pending (or discard) to deal with the files."""
    session.info.pop(_PENDING, None)


def sweep_pending(root: Path, max_age_seconds: float = TMP_MAX_AGE_SECONDS) -> int:
    """Remove the stored files whose transaction never committed (see _mark_pending); return how many.

    Run at start after sweep_tmp, with the same age rule. Needs the database: it is skipped, and the
    markers kept for a later start, when the database cannot be read (not migrated yet, not reachable).
    """
    pending = _pending_dir(root)
    cutoff = time.time() - max(max_age_seconds, 0)
    try:
        markers = [entry for entry in os.scandir(pending)
                   if entry.is_file(follow_symlinks=False) and re.fullmatch(r"[0-9a-f]{64}", entry.name)
                   and entry.stat(follow_symlinks=False).st_mtime <= cutoff]
    except FileNotFoundError:
        return 0
    if not markers:
        return 0
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db

    try:
        kept = _referenced([entry.name for entry in markers])
        db.session.rollback()
    except SQLAlchemyError as exc:
        db.session.rollback()
        logging.getLogger(__name__).warning("Pending uploads left for a later start (database: %s)", exc)
        return 0
    removed = 0
    for entry in markers:
        if entry.name not in kept and (root / entry.name[:2] / entry.name).is_file():
            (root / entry.name[:2] / entry.name).unlink(missing_ok=True)
            removed += 1
        Path(entry.path).unlink(missing_ok=True)
    if removed:
        logging.getLogger(__name__).info("Removed %d stored file(s) whose upload never committed", removed)
    return removed


def _referenced(shas: list[str]) -> set[str]:
    """Which of these stored files a row refers to: a report's file or a nomination's (the same bytes
    uploaded twice are stored once and shared)."""
    from .extensions import db
    from .nominations.models import NominationFile
    from .reports.models import ReportFile

    found: set[str] = set()
    for model in (ReportFile, NominationFile):
        found.update(db.session.execute(db.select(model.sha256).filter(model.sha256.in_(shas))).scalars())
    return found


def discard(stored: StoredFile) -> None:
    """Undo a store() whose database row could not be written.

    Only a file this upload created, and only while no row refers to its bytes: identical bytes stored
    at the same moment by another upload (a report, a nomination file) share the file.
    """
    if not stored.created or _referenced([stored.sha256]):
        return
    path_for(stored.sha256).unlink(missing_ok=True)
    (_pending_dir(upload_root()) / stored.sha256).unlink(missing_ok=True)


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
