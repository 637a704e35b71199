"""Uploaded files: streamed to disk under a size cap, hashed, sniffed, stored content-addressed.

Callers write `from ntm_intranet import uploads` and `uploads.store(...)`. The package knows no room's
tables: a room declares beside its model which columns hold stored files (`uploads.holds_files(
ReportFile.sha256)`), and discard() and the sweep ask those before removing a file.

- checks.py    what an upload may be: its name, its kind by its bytes (TYPES), zip bombs and macros, and
               what is looked for in the bytes as they stream past: active markup, a PDF's active content
- storing.py   the store: the streaming Incoming file and the request class that makes it, store(),
               discard(), path_for(), fsync and the atomic rename, the pending markers
- sweep.py     at start: what killed uploads left in tmp/ and in the store
- registry.py  which rows hold which files, as the rooms declared
- responses.py the download response for a stored file
"""

from .checks import (
    ACCEPT_ATTR,
    CHUNK,
    CHUNK_CHECKS,
    DOCUMENT_KINDS,
    MAX_NAME_CHARS,
    TYPES,
    ActiveMarkup,
    PdfActiveContent,
    UploadRefused,
    checked_filename,
    has_active_markup,
    sent_filename,
    sniff,
)
from .registry import holds_files
from .responses import send
from .storing import Incoming, StoredFile, UploadRequest, discard, max_bytes, path_for, store, upload_root
from .sweep import TMP_MAX_AGE_SECONDS, sweep_pending, sweep_tmp

__all__ = ["ACCEPT_ATTR", "CHUNK", "CHUNK_CHECKS", "DOCUMENT_KINDS", "MAX_NAME_CHARS", "TMP_MAX_AGE_SECONDS",
           "TYPES", "ActiveMarkup", "Incoming", "PdfActiveContent", "StoredFile", "UploadRefused",
           "UploadRequest", "checked_filename", "discard", "has_active_markup", "holds_files", "max_bytes",
           "path_for", "send", "sent_filename", "sniff", "store", "sweep_pending", "sweep_tmp", "upload_root"]
