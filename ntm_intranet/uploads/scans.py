"""The checks run over an upload's bytes as they are written: active markup (HTML or script a browser would
run) in any file, active content (JavaScript, Launch actions, embedded files) in a PDF.

Each check is a class with `feed(chunk)` and `found`; the Incoming file (storing.py) feeds every chunk to
the CHUNK_CHECKS as it writes it, so the file is never read back for them.
"""

from __future__ import annotations

import re
import zlib

from flask_babel import gettext as _

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
