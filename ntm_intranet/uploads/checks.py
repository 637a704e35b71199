"""What an upload may be, and what is looked for in its bytes.

- Its name (checked_filename), and its kind by its bytes, not its name (sniff: PDF, Office Open XML,
  OpenDocument or a scanned image; zip bombs and macros refused); TYPES says what a kind is stored and
  served as.
- The CHUNK_CHECKS, run over the bytes as they are written (the Incoming file of storing.py feeds them
  every chunk, so the file is never read back for them): active markup (HTML or script a browser would
  run) in any file, active content (JavaScript, Launch actions, embedded files) in a PDF. Each is a class
  with `feed(chunk)` and `found`. A new check on an upload goes here.

A refusal is an UploadRefused whose message tells the user, in Vietnamese, why.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
import zipfile
import zlib
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


_QUOTED_NAME = re.compile(r'(?:^|;)\s*filename\s*=\s*"((?:[^"\\]|\\.)*)"', re.IGNORECASE)
_BARE_NAME = re.compile(r'(?:^|;)\s*filename\s*=\s*([^";\s][^;]*)', re.IGNORECASE)
_EXTENDED_NAME = re.compile(r"(?:^|;)\s*filename\*\s*=\s*([\w!#$%&+^`{}~-]+)'[^']*'([^;\s]*)", re.IGNORECASE)


def sent_filename(disposition: str | None, parsed: str | None = None) -> str | None:
    """The file name as the browser sent it, read from the raw Content-Disposition of its part.

    Werkzeug's parser reads a quoted name as an RFC quoted-string, so the backslashes of the Windows path
    old browsers send vanish ("C:\\Users\\x\\bao-cao.pdf" becomes "C:Usersxbao-cao.pdf"), and it decodes an
    RFC 2231 name (filename*=UTF-8''...) with replacement characters. Here a backslash is kept unless it
    escapes a backslash or a quote, and an RFC 2231 name must decode
    strictly in its charset: otherwise UploadRefused, with a message, rather than a garbled name.
    `parsed` (Werkzeug's reading) is the answer when there is no header to read (a file made in code).
    """
    if not disposition:
        return parsed
    extended = _EXTENDED_NAME.search(disposition)
    if extended:
        charset, encoded = extended.group(1).lower(), extended.group(2)
        raw = urllib.parse.unquote_to_bytes(encoded)
        try:
            return raw.decode("utf-8" if charset in ("utf-8", "utf8") else charset)
        except (LookupError, UnicodeDecodeError):
            raise UploadRefused(_("Tên tệp gửi kèm không đọc được (mã ký tự %(charset)s sai): không nhận. Hãy đổi "
                                  "tên tệp trên máy (chỉ dùng chữ, số và dấu tiếng Việt thông thường) rồi tải lên "
                                  "lại.", charset=charset.upper())) from None
    quoted = _QUOTED_NAME.search(disposition)
    if quoted:
        raw = quoted.group(1)
        unescaped = re.sub(r'\\([\\"])', r"\1", raw)  # a quoted-string's \\ and \" (modern browsers)
        # Old Internet Explorer writes a Windows path raw ("C:\Users\x.pdf", "\\may-chu\chung\x.pdf"):
        # where only the raw text reads as a Windows path, it is the one the browser meant.
        return raw if _WINDOWS_PATH.fullmatch(raw) and not _WINDOWS_PATH.fullmatch(unescaped) else unescaped
    bare = _BARE_NAME.search(disposition)
    return bare.group(1).strip() if bare else parsed


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


# The checks run as the bytes stream past ------------------------------------------------------------

CHUNK = 1024 * 1024

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
