"""The store: an upload streamed to disk under a size cap, hashed and scanned as it arrives, checked, then
made durable and renamed atomically to its content address; discard() undoes it when the row is not written.

(Named `storing`, not `store`, so that `uploads.store` stays the function every room calls.)

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
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from flask import Request, current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import faults
from ..extensions import db
from .checks import CHUNK, CHUNK_CHECKS, DOCUMENT_KINDS, TYPES, UploadRefused, checked_filename, sent_filename, sniff
from .registry import referenced


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    original_name: str
    created: bool  # False when identical bytes were already stored


def max_bytes() -> int:
    return int(current_app.config["NTM_MAX_UPLOAD_MB"]) * 1024 * 1024


def upload_root() -> Path:
    return Path(current_app.config["NTM_UPLOAD_DIR"])


def path_for(sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a sha256")
    return upload_root() / sha256[:2] / sha256


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
        name = checked_filename(sent_filename(upload.headers.get("Content-Disposition"), upload.filename))
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


# Between a new file's rename into the store and the commit of the row that refers to it, a worker may
# die: the file would stay with no row. So a marker named after the file is made in <root>/tmp/pending
# before the rename; the commit of the request's transaction removes it (after_commit below). A marker
# that outlives NTM_TMP_MAX_AGE_SECONDS names a file whose transaction never committed: sweep_pending()
# (sweep.py) removes that file unless a row refers to its bytes after all (the same bytes stored by another
# upload).


def pending_dir(root: Path) -> Path:
    return root / "tmp" / "pending"


def _mark_pending(final: Path) -> None:
    marker = pending_dir(upload_root()) / final.name
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


def discard(stored: StoredFile) -> None:
    """Undo a store() whose database row could not be written.

    Only a file this upload created, and only while no row refers to its bytes: identical bytes stored
    at the same moment by another upload share the file (any row a room declared: registry.py).
    """
    if not stored.created or referenced([stored.sha256]):
        return
    path_for(stored.sha256).unlink(missing_ok=True)
    (pending_dir(upload_root()) / stored.sha256).unlink(missing_ok=True)
