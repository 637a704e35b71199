"""The upload checks that need no request: the PDF active-content scan and the sweep of abandoned temporaries.

The scan sees a file as `store()` does, chunk after chunk; it must find what it looks for wherever the
chunks cut the file, and never trip on an honest document: the app's own PDF exports, the test PDFs,
a scan's worth of binary image data.
"""

from __future__ import annotations

import os
import random
import time
import zlib
from pathlib import Path

import pytest

from ntm_intranet.awards.documents import award_list_pdf
from ntm_intranet.storage import CHUNK, PdfActiveContent, sweep_tmp
from ntm_intranet.voting.documents import minutes_pdf

from ..app.test_uploads import pdf_bytes
from .test_award_exports import _award_doc, _minutes_doc


def scan(data: bytes, chunk: int = CHUNK) -> bool:
    scanner = PdfActiveContent()
    for start in range(0, len(data), chunk):
        scanner.feed(data[start:start + chunk])
    return scanner.found


def object_stream(body: bytes, dictionary: bytes = b"/Filter /FlateDecode", compress: bool = True) -> bytes:
    """A PDF 1.5 file whose dictionaries sit, compressed, in an object stream."""
    packed = zlib.compress(body) if compress else body
    return (b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n" + random.Random(5).randbytes(3000)
            + b"\n7 0 obj\n<< /Type /ObjStm /N 2 /First 9 /Length %d " % len(packed) + dictionary
            + b" >>\nstream\n" + packed + b"\nendstream\nendobj\n%%EOF\n")


ACTIVE = {
    "javascript-on-open": pdf_bytes(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
    "javascript-name-tree": pdf_bytes(catalog_extra=b"/Names << /JavaScript << /Names [(a) 9 0 R] >> >> "),
    "javascript-escaped": pdf_bytes(catalog_extra=b"/OpenAction << /S /#4A#61v#61Scr#69pt /JS (x) >> "),
    "launch": pdf_bytes(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    "launch-at-the-very-end-of-a-name": pdf_bytes(catalog_extra=b"/AA << /O << /S /Launch/F (a.exe) >> >> "),
    "embedded-files": pdf_bytes(catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >> "),
    "embedded-file-stream": b"%PDF-1.7\n9 0 obj\n<< /Type /EmbeddedFile /Length 3 >>\nstream\nMZ\x90\nendstream\n",
    "in-a-compressed-object-stream": object_stream(b"1 0 2 40 << /OpenAction << /S /Launch /F (a.exe) >> >> "
                                                   b"<< /Type /Catalog >>"),
    "escaped-in-a-compressed-object-stream": object_stream(b"1 0 << /S /J#61vaScript /JS (x) >>",
                                                           b"/#46ilter /Fl#61teDecode"),
    "object-stream-with-its-type-escaped": object_stream(b"1 0 << /S /Launch /F (a.exe) >>").replace(
        b"/Type /ObjStm", b"/Type /Obj#53tm"),
}


@pytest.mark.parametrize("case", list(ACTIVE))
def test_active_content_is_found_wherever_the_chunks_cut_the_file(case):
    data = ACTIVE[case]
    assert scan(data)
    for size in (1, 2, 3, 5, 7, 13, 64, 4096):
        assert scan(data, size), f"missed with {size}-byte chunks"


@pytest.mark.parametrize("split", [1, 5, 11])
def test_active_content_after_a_scans_worth_of_image_data_is_found_across_a_1_mb_boundary(split):
    """Three megabytes of image, then the name cut by the third 1 MB chunk's end `split` bytes in."""
    head = b"%PDF-1.4\n1 0 obj\n<< /Length 0 >>\nstream\n"
    tail = b"\nendstream\nendobj\n2 0 obj << /S "
    image = random.Random(3).randbytes(3 * CHUNK - split - len(head) - len(tail))
    data = head + image + tail + b"/JavaScript /JS (x) >> endobj\n"
    assert data[3 * CHUNK - split:3 * CHUNK] == b"/JavaScript"[:split]
    assert scan(data)
    assert not scan(data.replace(b"/JavaScript", b"/Javascript"))  # names are case-sensitive


HONEST = {
    "test-pdf": lambda: pdf_bytes(),
    "award-list-export": lambda: award_list_pdf(_award_doc()),
    "minutes-export": lambda: minutes_pdf(_minutes_doc()),
    # 30 MB of incompressible image data in a stream, and the same outside any stream (as the benchmark's
    # and the load test's synthetic PDFs are): no 9-byte name turns up by chance.
    "scan-in-a-stream": lambda: (b"%PDF-1.4\n1 0 obj\n<< /Subtype /Image /Length 31457280 >>\nstream\n"
                                 + random.Random(1).randbytes(30 * 1024 * 1024) + b"\nendstream\nendobj\n%%EOF\n"),
    "random-bytes-after-the-header": lambda: b"%PDF-1.7\n" + random.Random(2).randbytes(30 * 1024 * 1024),
    "names-that-only-begin-alike": lambda: pdf_bytes(catalog_extra=b"/Launcher 1 /JavaScriptless 2 /EmbeddedFileX 3 "),
    "object-stream-without-active-content": lambda: object_stream(b"1 0 2 30 << /Type /Catalog /Pages 3 0 R >> "
                                                                  b"<< /Type /Pages /Kids [] /Count 0 >>"),
    # Encrypted (or lying about its filter): not zlib data, so nothing can be read; no error either.
    "encrypted-object-stream": lambda: object_stream(random.Random(4).randbytes(2000), compress=False),
}


@pytest.mark.parametrize("case", list(HONEST))
def test_an_honest_pdf_is_not_taken_for_active_content(case):
    data = HONEST[case]()
    assert data.startswith(b"%PDF-")
    assert not scan(data)
    assert not scan(data[:300_000], 7)


def test_a_file_that_is_not_a_pdf_is_not_looked_at():
    assert not scan(b"PK\x03\x04" + b"<< /S /JavaScript /JS (x) >>")
    assert scan(b"%PDF-" + b"<< /S /JavaScript /JS (x) >>", 2)


def test_a_compressed_object_stream_is_inflated_only_up_to_its_cap(monkeypatch):
    from ntm_intranet import storage

    monkeypatch.setattr(storage, "_PDF_MAX_INFLATED", 1024 * 1024)
    padding = b"% " + b"0" * (2 * 1024 * 1024) + b"\n"
    assert not scan(object_stream(padding + b"<< /S /Launch /F (a.exe) >>"))
    assert scan(object_stream(b"<< /S /Launch /F (a.exe) >>" + padding))


# The sweep of <upload dir>/tmp ----------------------------------------------------------------------------


def _file(path: Path, age_seconds: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 part of an upload")
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


def test_the_sweep_removes_only_temporaries_untouched_for_the_age_and_nothing_outside_tmp(tmp_path):
    root = tmp_path / "uploads"
    abandoned = [_file(root / "tmp" / "up-killed1", 2 * 3600), _file(root / "tmp" / "up-killed2", 3601)]
    in_flight = _file(root / "tmp" / "up-another-worker", 5)
    stored = _file(root / "ab" / ("ab" + "0" * 62), 30 * 24 * 3600)
    nested = _file(root / "tmp" / "folder" / "old", 2 * 3600)
    outside = _file(tmp_path / "elsewhere" / "old", 2 * 3600)
    (root / "tmp" / "link-to-elsewhere").symlink_to(outside)

    assert sweep_tmp(root, 3600) == 2

    assert not any(path.exists() for path in abandoned)
    assert in_flight.exists() and stored.exists() and nested.exists() and outside.exists()


def test_the_sweep_with_age_zero_takes_everything_in_tmp_and_a_missing_tmp_is_no_error(tmp_path):
    root = tmp_path / "uploads"
    assert sweep_tmp(root, 0) == 0
    _file(root / "tmp" / "up-1", 0)
    assert sweep_tmp(root, 0) == 1
    assert list((root / "tmp").iterdir()) == []


def test_the_app_sweeps_its_upload_folder_when_it_starts(tmp_path):
    from ntm_intranet import create_app

    root = tmp_path / "uploads"
    old, fresh = _file(root / "tmp" / "up-old", 2 * 3600), _file(root / "tmp" / "up-fresh", 1)
    create_app({"TESTING": True, "NTM_UPLOAD_DIR": str(root), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not old.exists() and fresh.exists()
