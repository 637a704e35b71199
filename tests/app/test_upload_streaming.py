"""An uploaded file is written once: straight into <upload dir>/tmp as the request body arrives.

The request's form parser hands each file part to an `uploads.Incoming`, which enforces the size cap,
hashes and scans the bytes as they are written; `store()` only checks and renames it. Neither Werkzeug's
own spool nor a second copy by `store()` is involved, and whatever happens to the request, its temporary
file is gone when it ends. Other callers of `store()` (files made in code) are copied the same way.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat

import pytest
from werkzeug.datastructures import FileStorage

from ntm_intranet import uploads
from ntm_intranet.extensions import db
from ntm_intranet.uploads import storing

from .test_uploads import REPORTER, TOO_BIG, assert_refused, files_in, pdf_bytes, send, tmp_is_empty, unit_id

MARKUP = "có chứa mã HTML hoặc JavaScript ẩn bên trong: không nhận."


pytestmark = pytest.mark.usefixtures("upload_dir")  # each test its own upload folder (tests/conftest.py)


@pytest.fixture
def reporter(demo, as_user):
    return as_user(REPORTER)


@pytest.fixture
def incomings(monkeypatch):
    """Every Incoming made during the test, with the largest size its file reached on disk."""
    made = []
    real_init, real_close = uploads.Incoming.__init__, uploads.Incoming.close

    def init(self):
        real_init(self)
        self.largest_on_disk = 0
        made.append(self)

    def close(self):
        if not self.closed:
            self.flush()
            self.largest_on_disk = max(self.largest_on_disk, os.fstat(self.fileno()).st_size)
        real_close(self)

    monkeypatch.setattr(uploads.Incoming, "__init__", init)
    monkeypatch.setattr(uploads.Incoming, "close", close)
    return made


def big_pdf(megabytes: int, seed: int = 7) -> bytes:
    """A PDF followed by `megabytes` of random bytes (what a scan's image data looks like)."""
    return pdf_bytes() + random.Random(seed).randbytes(megabytes * 1024 * 1024)


def test_a_large_upload_is_written_once_straight_into_the_store_leaving_one_file_and_an_empty_tmp(
        reporter, upload_dir, incomings, monkeypatch):
    def no_spool(*args, **kwargs):
        raise AssertionError("the file went through Werkzeug's own temporary file")

    def no_copy(stream):
        raise AssertionError("store() copied the upload a second time")

    monkeypatch.setattr("werkzeug.wrappers.request.default_stream_factory", no_spool)
    monkeypatch.setattr(storing, "_stream_into_store", no_copy)
    data = big_pdf(6)

    response = send(reporter, data, "Báo cáo quét.pdf")

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    sha = hashlib.sha256(data).hexdigest()
    assert files_in(upload_dir) == {f"{sha[:2]}/{sha}"}
    assert (upload_dir / sha[:2] / sha).read_bytes() == data
    assert tmp_is_empty(upload_dir)
    assert len(incomings) == 1 and incomings[0].path is None  # renamed into the store, not deleted


def test_a_stored_file_is_synced_to_disk_and_so_is_its_new_name(reporter, upload_dir, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        info = os.fstat(fd)
        synced.append("folder" if stat.S_ISDIR(info.st_mode) else info.st_size)
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    data = big_pdf(1)

    assert send(reporter, data, "Báo cáo.pdf").status_code == 302

    # The bytes before the rename (else a power cut could leave a named but empty file), then the folder
    # that holds the new name (else the name itself could be lost).
    assert synced[-2:] == [len(data), "folder"]


def test_an_upload_over_the_cap_never_has_more_than_the_cap_on_disk_and_leaves_nothing(
        app, reporter, upload_dir, incomings):
    app.config["NTM_MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024

    assert_refused(send(reporter, big_pdf(3), "Báo cáo quét.pdf"), TOO_BIG)

    assert len(incomings) == 1
    assert 0 < incomings[0].largest_on_disk <= 1024 * 1024
    assert files_in(upload_dir) == set()


def test_a_file_sent_with_a_request_refused_before_the_view_is_deleted_when_the_request_ends(
        reporter, upload_dir, incomings):
    response = reporter.post(f"/units/{unit_id()}/report/files?kind=report",
                             data={"csrf_token": "not-the-token", "file": (io.BytesIO(big_pdf(2)), "Báo cáo.pdf")})

    assert response.status_code == 400
    assert len(incomings) == 1 and incomings[0].largest_on_disk > 2 * 1024 * 1024
    assert files_in(upload_dir) == set()


def test_the_file_of_a_body_cut_short_is_deleted_though_the_form_never_got_it(reporter, upload_dir, incomings):
    boundary = "----ntm-cut-short"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Báo cáo.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + big_pdf(2)  # no closing boundary: the body stops

    response = reporter.post(f"/units/{unit_id()}/report/files?kind=report", data=body,
                             content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 400
    assert len(incomings) == 1 and incomings[0].largest_on_disk > 2 * 1024 * 1024
    assert files_in(upload_dir) == set()


def test_a_body_of_many_small_files_opens_only_a_few_temporary_files_and_the_upload_still_works(
        reporter, upload_dir, incomings):
    data = pdf_bytes()
    extra = {f"extra{i}": (io.BytesIO(b"x" * 10), f"{i}.txt") for i in range(30)}

    response = send(reporter, data, "Báo cáo.pdf", **extra)

    assert response.status_code == 302
    assert len(incomings) == uploads.UploadRequest.STREAMED_PARTS
    sha = hashlib.sha256(data).hexdigest()
    assert files_in(upload_dir) == {f"{sha[:2]}/{sha}"}


def test_markup_in_a_large_streamed_upload_is_refused_and_leaves_nothing(reporter, upload_dir):
    data = big_pdf(3) + b"<html><body><script>fetch('/admin')</script></body></html>" + big_pdf(1, seed=8)

    assert_refused(send(reporter, data, "Báo cáo quét.pdf"), MARKUP)

    assert files_in(upload_dir) == set()


def test_store_copies_a_file_made_in_code_through_the_same_checks(app, upload_dir):
    data = big_pdf(2)
    with app.test_request_context("/"):
        stored = uploads.store(FileStorage(io.BytesIO(data), filename="Báo cáo.pdf"))
        db.session.commit()  # as the caller does with the file's row: the file is no longer pending
        assert stored.created and stored.size == len(data) and stored.content_type == "application/pdf"
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert files_in(upload_dir) == {f"{stored.sha256[:2]}/{stored.sha256}"}

        with pytest.raises(uploads.UploadRefused, match=MARKUP):
            uploads.store(FileStorage(io.BytesIO(data + b"<script>alert(1)</script>"), filename="Báo cáo 2.pdf"))
        app.config["NTM_MAX_UPLOAD_MB"] = 1
        with pytest.raises(uploads.UploadRefused, match=TOO_BIG):
            uploads.store(FileStorage(io.BytesIO(big_pdf(2, seed=9)), filename="Báo cáo 3.pdf"))

    assert files_in(upload_dir) == {f"{stored.sha256[:2]}/{stored.sha256}"}
    assert tmp_is_empty(upload_dir)


@pytest.mark.parametrize("marker", [b"<SCRIPT", b"<!DocType  Html", b"onError =", b"JavaScript:"])
def test_markup_cut_in_two_by_the_chunks_is_found_wherever_the_cut_falls(marker):
    noise = random.Random(3).randbytes(300)
    data = noise + marker + noise
    for cut in range(len(noise) - 70, len(noise) + len(marker) + 1):
        scan = uploads.ActiveMarkup()
        scan.feed(data[:cut])
        scan.feed(data[cut:])
        assert scan.found, cut
    clean = uploads.ActiveMarkup()
    clean.feed(noise)
    clean.feed(noise)
    assert not clean.found
