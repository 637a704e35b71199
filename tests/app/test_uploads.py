"""Uploading a unit's report: what is refused, what is kept, and how it comes back out.

A bad upload is refused with a clear message on the dossier page and leaves nothing behind: no
`ReportFile` row, no file in the upload folder, an empty `tmp/`. A good one is stored once,
content-addressed, and downloads under its original name with a safe content type.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import struct
import sys
import time
import unicodedata
import zipfile
import zlib
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from docx import Document
from openpyxl import Workbook

from ntm_intranet import uploads
from ntm_intranet.auth.models import User
from ntm_intranet.extensions import db
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import ReportFile, Submission

from .. import factories
from ..conftest import csrf_token, post

REPORTER = "bc-19567"          # Xã Triệu Nguyên
OTHER_REPORTER = "bc-19570"    # Xã Ba Lòng
COORDINATOR = "nnptnt"

NOT_A_DOCUMENT = "không phải là PDF, Word (.docx), Excel (.xlsx), OpenDocument (.odt) hay ảnh quét"
MISMATCH = "không khớp với nội dung (thực chất là tệp PDF)"
MACRO = "Tệp có chứa macro: không nhận."
PDF_ACTIVE = "có chứa mã JavaScript, lệnh mở chương trình hoặc tệp đính kèm bên trong: không nhận."
ZIP_BOMB = "Tệp nén bất thường (giải nén quá lớn): không nhận."
EMPTY = "Tệp rỗng (0 byte): không nhận."
TOO_BIG = "Tệp lớn hơn 1 MB: không nhận."
IDENTICAL = "Tệp này giống hệt phiên bản 1 đã tải lên: không cần tải lại."
STALE = "Hồ sơ vừa được thay đổi ở nơi khác"
ACCEPTED = "Báo cáo đã được duyệt: không sửa hay gửi lại được nữa."

DOCX_TYPE = uploads.TYPES["docx"][0]
XLSX_TYPE = uploads.TYPES["xlsx"][0]


# Files ------------------------------------------------------------------------------------------


def pdf_bytes(text: str = "Bao cao tong ket", catalog_extra: bytes = b"") -> bytes:
    """A small but well-formed one-page PDF (header, objects, xref table, trailer); `catalog_extra` goes into
    the document catalog (an /OpenAction, /Names...)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def docx_bytes() -> bytes:
    document = Document()
    document.add_heading("Báo cáo tổng kết phong trào thi đua", level=1)
    document.add_paragraph("Xã Triệu Nguyên, huyện Đakrông, giai đoạn 2011–2015.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Chỉ tiêu", "Số liệu"])
    sheet.append(["Đường giao thông (km)", 12.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A valid 1×1 white PNG (Pillow is not installed, so built by hand)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


# A complete 1×1 baseline JPEG (SOI, quantisation table, frame, Huffman-free arithmetic scan, EOI).
JPEG = bytes.fromhex(
    "ffd8ffdb004300030202020203020202030303030406040404040408060605060908"
    "0a0a090809090a0c0f0c0a0b0e0b09090d110d0e0f101011100a0c12131210130f10"
    "1010ffc9000b080001000101011100ffcc000600101005ffda0008010100003f00d2"
    "cf20ffd9")


def zip_bytes(entries: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


WORD_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
    'main+xml"/></Types>')
DOCM_CONTENT_TYPES = WORD_CONTENT_TYPES.replace(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml")
DOCUMENT_XML = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Báo cáo</w:t></w:r></w:p></w:body></w:document>')


@cache
def zip_bomb() -> bytes:
    """A 'docx' whose document.xml is 200 MB of zeros: about 200 KB on the wire, a ratio near 1000:1."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", WORD_CONTENT_TYPES)
        zeros = bytes(1024 * 1024)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            for _ in range(200):
                entry.write(zeros)
    return buffer.getvalue()


# Helpers ----------------------------------------------------------------------------------------


pytestmark = pytest.mark.usefixtures("upload_dir")  # each test its own upload folder (tests/conftest.py)


@pytest.fixture
def reporter(demo, as_user):
    return as_user(REPORTER)


def unit_id(code: str = "19567") -> int:
    return db.session.execute(db.select(Unit.id).filter_by(code=code)).scalar_one()


def files_in(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def tmp_is_empty(root: Path) -> bool:
    """No upload being written and no stored file still marked pending (tmp/pending) under <root>/tmp."""
    tmp = root / "tmp"
    return not tmp.exists() or not any(p.is_file() for p in tmp.rglob("*"))


def rows() -> list[ReportFile]:
    db.session.expire_all()
    return list(db.session.execute(db.select(ReportFile).order_by(ReportFile.id)).scalars())


def send(client, data: bytes, filename: str, code: str = "19567", kind: str = "report", **fields):
    return post(client, f"/units/{unit_id(code)}/report/files?kind={kind}",
                {"file": (io.BytesIO(data), filename), **fields})


def send_raw(client, data: bytes, disposition: str, code: str = "19567"):
    """A multipart body written by hand, for file names a browser would encode (RFC 5987 `filename*`)."""
    boundary = "----ntm-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf_token(client)}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; {disposition}\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/units/{unit_id(code)}/report/files?kind=report", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


_ALERT = re.compile(r'<(\w+)[^>]*\brole="alert"[^>]*>(.*?)</\1>', re.S)


def alerts(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)) for _tag, text in _ALERT.findall(page))


def assert_refused(response, message: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert "Báo cáo tổng kết của Xã Triệu Nguyên" in page  # the dossier itself, not an error page
    assert message in alerts(page), alerts(page)
    return page


class Snapshot:
    """What the upload folder and the report_file table hold now; `unchanged()` after a refusal."""

    def __init__(self, root: Path):
        self.root, self.files, self.rows = root, files_in(root), [r.id for r in rows()]

    def assert_unchanged(self):
        assert [r.id for r in rows()] == self.rows
        assert files_in(self.root) == self.files
        assert tmp_is_empty(self.root)


def assert_stored_once(root: Path, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    stored = root / sha[:2] / sha
    assert stored.read_bytes() == data
    assert files_in(root) == {f"{sha[:2]}/{sha}"}
    assert tmp_is_empty(root)
    return sha


def disposition_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    match = re.search(r"filename\*=UTF-8''([^;]+)", disposition)
    if match:
        return unquote(match.group(1))
    return re.search(r'filename="?([^";]+)"?', disposition).group(1)


# Refused uploads --------------------------------------------------------------------------------

BAD_FILES = {
    "exe-as-pdf": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
                   + b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200,
                   "Báo cáo tổng kết.pdf", NOT_A_DOCUMENT),
    "html-as-docx": (b"<!DOCTYPE html><html><body><script>fetch('/admin')</script></body></html>",
                     "Báo cáo tổng kết.docx", NOT_A_DOCUMENT),
    "svg-with-script": (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                        b"<script>alert(document.cookie)</script><rect width=\"10\" height=\"10\"/></svg>",
                        "sơ đồ.svg", NOT_A_DOCUMENT),
    "pdf-as-docx": (pdf_bytes(), "Báo cáo tổng kết.docx", MISMATCH),
    "docx-with-macros": (zip_bytes({"[Content_Types].xml": WORD_CONTENT_TYPES, "word/document.xml": DOCUMENT_XML,
                                    "word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512}),
                         "Báo cáo tổng kết.docx", MACRO),
    "docm-content-type": (zip_bytes({"[Content_Types].xml": DOCM_CONTENT_TYPES, "word/document.xml": DOCUMENT_XML}),
                          "Báo cáo tổng kết.docx", MACRO),
    "docm-named-docm": (zip_bytes({"[Content_Types].xml": DOCM_CONTENT_TYPES, "word/document.xml": DOCUMENT_XML}),
                        "Báo cáo tổng kết.docm", MACRO),
    "plain-zip": (zip_bytes({"anh/1.txt": "ảnh hội nghị", "anh/2.txt": "biên bản"}), "hồ sơ.zip", NOT_A_DOCUMENT),
    "plain-zip-as-docx": (zip_bytes({"readme.txt": "không phải Word"}), "Báo cáo.docx", NOT_A_DOCUMENT),
    "empty": (b"", "Báo cáo tổng kết.pdf", EMPTY),
    "pdf-running-javascript-on-open": (pdf_bytes(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
                                       "Báo cáo tổng kết.pdf", PDF_ACTIVE),
    "pdf-with-javascript-name-escaped": (pdf_bytes(catalog_extra=b"/OpenAction << /S /J#61v#61Script /JS (x) >> "),
                                         "Báo cáo tổng kết.pdf", PDF_ACTIVE),
    "pdf-launching-a-program": (pdf_bytes(catalog_extra=b"/OpenAction << /S /Launch /F (cmd.exe) >> "),
                                "Báo cáo tổng kết.pdf", PDF_ACTIVE),
    "pdf-with-an-embedded-file": (pdf_bytes(catalog_extra=b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >> "),
                                  "Báo cáo tổng kết.pdf", PDF_ACTIVE),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_clear_message_and_leaves_nothing_behind(reporter, upload_dir, case):
    data, filename, message = BAD_FILES[case]
    before = Snapshot(upload_dir)

    assert_refused(send(reporter, data, filename), message)

    before.assert_unchanged()
    assert files_in(upload_dir) == set()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(reporter, upload_dir):
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024  # small on the wire: the size cap alone would not stop it
    before = Snapshot(upload_dir)

    assert_refused(send(reporter, bomb, "Báo cáo tổng kết.docx"), ZIP_BOMB)

    before.assert_unchanged()


def test_the_bad_file_name_is_shown_escaped_in_the_message(reporter, upload_dir):
    page = assert_refused(send(reporter, b"<script>alert(1)</script>", "<img src=x onerror=alert(1)>.pdf"),
                          NOT_A_DOCUMENT)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
    assert files_in(upload_dir) == set()


def test_an_unknown_document_kind_is_refused(reporter, upload_dir):
    before = Snapshot(upload_dir)
    assert_refused(send(reporter, pdf_bytes(), "Báo cáo.pdf", kind="evil"), "Loại tài liệu không hợp lệ.")
    before.assert_unchanged()


def test_a_file_over_the_cap_is_refused_in_the_stream_and_a_whole_request_too_big_gets_413(app, reporter,
                                                                                            upload_dir):
    app.config["NTM_MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    before = Snapshot(upload_dir)

    big = pdf_bytes() + b"\x00" * (1536 * 1024)  # 1.5 MB: within the request cap, over the file cap
    assert_refused(send(reporter, big, "Báo cáo quét.pdf"), TOO_BIG)
    before.assert_unchanged()

    huge = pdf_bytes() + b"\x00" * (3 * 1024 * 1024)  # 3 MB: the whole request is refused before any view
    response = send(reporter, huge, "Báo cáo quét.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Tệp quá lớn" in page and "vượt quá dung lượng cho phép" in page
    before.assert_unchanged()


def test_the_same_file_uploaded_twice_is_refused_as_identical_and_kept_once(reporter, upload_dir):
    data = pdf_bytes()
    assert send(reporter, data, "Báo cáo tổng kết.pdf").status_code == 302
    before = Snapshot(upload_dir)

    assert_refused(send(reporter, data, "Báo cáo tổng kết (bản 2).pdf"), IDENTICAL)

    before.assert_unchanged()
    assert [(r.version, r.original_name) for r in rows()] == [(1, "Báo cáo tổng kết.pdf")]
    assert_stored_once(upload_dir, data)


_VERSION = re.compile(r'<form[^>]*action="[^"]*/report/files[^"]*".*?name="version" type="hidden" value="(\d*)"',
                      re.S)
_MEETING_VERSION = re.compile(r'<form[^>]*action="[^"]*/report/meeting".*?name="version" type="hidden" '
                              r'value="(\d*)"', re.S)


def test_a_stale_version_field_is_refused_and_the_page_offers_the_current_one(reporter, upload_dir):
    assert send(reporter, pdf_bytes("v1"), "Báo cáo v1.pdf").status_code == 302
    old_version = _VERSION.search(reporter.get(f"/units/{unit_id()}/report").get_data(as_text=True)).group(1)
    assert old_version
    # The dossier changes in another tab: the meeting is recorded.
    response = post(reporter, f"/units/{unit_id()}/report/meeting", {"held_on": "20/06/2015",
                                                                      "version": old_version})
    assert response.status_code == 302
    before = Snapshot(upload_dir)

    page = assert_refused(send(reporter, pdf_bytes("v2"), "Báo cáo v2.pdf", version=old_version), STALE)

    before.assert_unchanged()
    assert [r.version for r in rows()] == [1]
    fresh = _VERSION.search(page).group(1)
    assert fresh != old_version
    assert send(reporter, pdf_bytes("v2"), "Báo cáo v2.pdf", version=fresh).status_code == 302
    assert [r.version for r in rows()] == [1, 2]


def test_uploading_after_the_report_was_accepted_is_refused(demo, as_user, upload_dir):
    reporter = db.session.execute(db.select(User).filter_by(username=REPORTER)).scalar_one()
    factories.submission(reporter.unit, state="accepted", by=reporter)
    client = as_user(REPORTER)
    before = Snapshot(upload_dir)
    assert before.rows  # the accepted dossier has its file

    assert_refused(send(client, pdf_bytes(), "Báo cáo bổ sung.pdf"), ACCEPTED)

    before.assert_unchanged()


def test_another_units_reporter_gets_404_and_nothing_is_stored(demo, as_user, upload_dir):
    client = as_user(OTHER_REPORTER)
    before = Snapshot(upload_dir)

    response = send(client, pdf_bytes(), "Báo cáo.pdf", code="19567")

    assert response.status_code == 404
    before.assert_unchanged()
    assert factories.count(Submission) == 0


def test_a_coordinator_cannot_upload_into_a_units_dossier(demo, as_user, upload_dir):
    client = as_user(COORDINATOR)
    before = Snapshot(upload_dir)

    response = send(client, pdf_bytes(), "Báo cáo.pdf", code="19567")

    assert response.status_code == 403
    before.assert_unchanged()
    assert factories.count(Submission) == 0


def test_bad_minutes_on_the_meeting_form_are_refused_and_the_form_can_be_sent_again(reporter, upload_dir):
    assert send(reporter, pdf_bytes(), "Báo cáo tổng kết.pdf").status_code == 302  # the dossier exists
    url = f"/units/{unit_id()}/report/meeting"
    version = _MEETING_VERSION.search(reporter.get(f"/units/{unit_id()}/report").get_data(as_text=True)).group(1)
    before = Snapshot(upload_dir)

    response = post(reporter, url, {"held_on": "20/06/2015", "version": version,
                                    "minutes": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "Biên bản.pdf")})

    page = assert_refused(response, NOT_A_DOCUMENT)
    before.assert_unchanged()
    # What the page now offers goes through with a good file.
    version = _MEETING_VERSION.search(page).group(1)
    response = post(reporter, url, {"held_on": "20/06/2015", "version": version,
                                    "minutes": (io.BytesIO(pdf_bytes()), "Biên bản hội nghị.pdf")})
    assert response.status_code == 302, alerts(response.get_data(as_text=True))
    assert [(r.kind, r.original_name) for r in rows()] == [("report", "Báo cáo tổng kết.pdf"),
                                                           ("minutes", "Biên bản hội nghị.pdf")]


# Accepted uploads -------------------------------------------------------------------------------

GOOD_FILES = {
    "pdf": (pdf_bytes, "Báo cáo tổng kết Triệu Nguyên.pdf", "application/pdf"),
    "docx": (docx_bytes, "Báo cáo tổng kết giai đoạn 2011–2015.docx", DOCX_TYPE),
    "xlsx": (xlsx_bytes, "Số liệu tổng hợp.xlsx", XLSX_TYPE),
    "png": (png_bytes, "Ảnh biên bản hội nghị.png", "image/png"),
    "jpeg": (lambda: JPEG, "Ảnh hội nghị tổng kết.jpg", "image/jpeg"),
}


@pytest.mark.parametrize("case", list(GOOD_FILES))
def test_a_good_file_is_stored_once_by_its_hash_and_downloads_under_its_name(reporter, upload_dir, case):
    make, filename, content_type = GOOD_FILES[case]
    data = make()

    response = send(reporter, data, filename)

    assert response.status_code == 302 and response.location.endswith("#files")
    sha = assert_stored_once(upload_dir, data)
    [row] = rows()
    assert (row.sha256, row.size, row.content_type, row.original_name, row.version, row.kind) == \
        (sha, len(data), content_type, filename, 1, "report")
    page = reporter.get(f"/units/{unit_id()}/report").get_data(as_text=True)
    assert f'href="/files/{row.id}">{filename}</a>' in page

    download = reporter.get(f"/files/{row.id}")
    try:
        assert download.status_code == 200
        assert download.get_data() == data
        assert download.headers["Content-Type"] == content_type
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
        assert disposition_name(download) == filename
    finally:
        download.close()


def test_another_unit_cannot_download_the_file(demo, as_user, upload_dir):
    client = as_user(REPORTER)
    assert send(client, pdf_bytes(), "Báo cáo.pdf").status_code == 302
    [row] = rows()
    assert as_user(OTHER_REPORTER).get(f"/files/{row.id}").status_code == 404
    assert as_user(COORDINATOR).get(f"/files/{row.id}").status_code == 200


# File names: a browser sends the bare name, so anything else is refused, never mended -------------------

PATH_REFUSED = "có chứa đường dẫn thư mục (dấu / hoặc \\): không nhận."
CONTROL_REFUSED = "có ký tự điều khiển hoặc ký tự ẩn (ở chỗ dấu �): không nhận."
TOO_LONG_NAME = "quá 255 ký tự cho phép: không nhận. Hãy đổi tên tệp ngắn hơn rồi tải lên lại."

# Werkzeug unescapes backslashes in a quoted file name, so a Windows path reaches the app only escaped
# (`\\\\`) or percent-encoded in `filename*`.
PATH_NAMES = {'filename="../../etc/passwd.pdf"': "../../etc/passwd.pdf",
              'filename="/etc/passwd.pdf"': "/etc/passwd.pdf",
              "filename*=UTF-8''..%5C..%5Cetc%5Cpasswd.pdf": "..\\..\\etc\\passwd.pdf",
              "filename*=UTF-8''C%3A%5Cfakepath%5C..%5C..%5Cpasswd.pdf": "C:\\fakepath\\..\\..\\passwd.pdf",
              'filename=".."': ".."}


@pytest.mark.parametrize("disposition", list(PATH_NAMES))
def test_a_path_in_the_file_name_is_refused_with_a_clear_message_and_nothing_is_stored(reporter, upload_dir,
                                                                                        disposition):
    before = Snapshot(upload_dir)

    page = assert_refused(send_raw(reporter, pdf_bytes(), disposition), PATH_REFUSED)

    assert f"Tên tệp “{PATH_NAMES[disposition]}”" in alerts(page)
    before.assert_unchanged()
    assert files_in(upload_dir) == set()
    assert not (upload_dir.parent / "etc").exists() and not (upload_dir / "etc").exists()


# Internet Explorer, and Edge in IE mode, send the whole Windows path of the chosen file.
WINDOWS_PATHS = {'filename="C:\\\\Users\\\\Hoa\\\\Desktop\\\\Báo cáo tổng kết.pdf"': "Báo cáo tổng kết.pdf",
                 'filename="C:\\\\Báo cáo.pdf"': "Báo cáo.pdf",
                 "filename*=UTF-8''%5C%5Cmay-chu%5Cchung%5CBi%C3%AAn%20b%E1%BA%A3n.pdf": "Biên bản.pdf"}


@pytest.mark.parametrize("disposition", list(WINDOWS_PATHS))
def test_the_whole_windows_path_an_old_browser_sends_is_read_as_the_files_own_name(reporter, upload_dir,
                                                                                    disposition):
    assert send_raw(reporter, pdf_bytes(), disposition).status_code == 302
    [row] = rows()
    assert row.original_name == WINDOWS_PATHS[disposition]


# (how the name is sent, how the message shows it)
CONTROL_NAMES = {
    "crlf-and-bell-in-filename*": ("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%0D%0AT%E1%BB%95ng%20k%E1%BA%BFt%07.pdf",
                                   "Báo cáo��Tổng kết�.pdf"),
    "nul": ("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%00.pdf", "Báo cáo�.pdf"),
    "tab": ("filename*=UTF-8''Bi%C3%AAn%09b%E1%BA%A3n.pdf", "Biên�bản.pdf"),
    "right-to-left-override": ("filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%E2%80%AEfdp.exe", "Biên bản�fdp.exe"),
    "zero-width-space": ("filename*=UTF-8''T%E1%BB%9D%E2%80%8Btr%C3%ACnh.pdf", "Tờ�trình.pdf"),
    "line-separator": ("filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh%E2%80%A8.pdf", "Tờ trình�.pdf"),
}


@pytest.mark.parametrize("case", list(CONTROL_NAMES))
def test_a_control_or_invisible_character_in_the_file_name_is_refused_and_nothing_is_stored(reporter, upload_dir,
                                                                                            case):
    disposition, shown = CONTROL_NAMES[case]
    before = Snapshot(upload_dir)

    page = assert_refused(send_raw(reporter, pdf_bytes(), disposition), CONTROL_REFUSED)

    assert f"Tên tệp “{shown}”" in alerts(page)
    assert "\u202e" not in page and "\x00" not in page
    before.assert_unchanged()
    assert files_in(upload_dir) == set()


def test_a_control_character_typed_by_a_script_in_a_plain_file_name_is_refused_too(reporter, upload_dir):
    before = Snapshot(upload_dir)
    assert_refused(send(reporter, pdf_bytes(), "Biên\tbản hội\x0bnghị.pdf"), CONTROL_REFUSED)
    before.assert_unchanged()


def test_a_file_name_over_255_characters_is_refused_and_one_of_255_is_kept_whole(reporter, upload_dir):
    words = "Báo cáo tổng kết phong trào thi đua chung sức xây dựng nông thôn mới " * 5
    before = Snapshot(upload_dir)

    assert_refused(send(reporter, pdf_bytes(), words[:252] + ".pdf"), "Tên tệp dài 256 ký tự, " + TOO_LONG_NAME)

    before.assert_unchanged()
    longest = words[:250] + "x.pdf"
    assert len(longest) == 255 and len(longest.encode()) > 255  # characters count, not UTF-8 bytes
    response = send(reporter, pdf_bytes(), longest)
    assert response.status_code == 302, alerts(response.get_data(as_text=True))
    [row] = rows()
    assert row.original_name == longest
    download = reporter.get(f"/files/{row.id}")
    assert disposition_name(download) == longest
    download.close()


# Names people really give their files: decomposed diacritics (as macOS sends them), dots, brackets, quotes.
ORDINARY_NAMES = {
    "decomposed-diacritics": (unicodedata.normalize("NFD", "Báo cáo tổng kết Hướng Hiệp.pdf"),
                              "Báo cáo tổng kết Hướng Hiệp.pdf"),
    "two-dots-before-the-extension": ("Tờ trình số 12..pdf", "Tờ trình số 12..pdf"),
    "brackets-and-dash": ("Biên bản (bản ký) – 20.6.2015.pdf", "Biên bản (bản ký) – 20.6.2015.pdf"),
    "spaces-around": ("  Báo cáo.pdf  ", "Báo cáo.pdf"),
}


@pytest.mark.parametrize("case", list(ORDINARY_NAMES))
def test_an_ordinary_vietnamese_file_name_is_kept_in_nfc(reporter, upload_dir, case):
    sent, kept = ORDINARY_NAMES[case]

    response = send(reporter, pdf_bytes(case), sent)

    assert response.status_code == 302, alerts(response.get_data(as_text=True))
    [row] = rows()
    assert row.original_name == kept
    assert unicodedata.is_normalized("NFC", row.original_name)
    download = reporter.get(f"/files/{row.id}")
    assert disposition_name(download) == kept
    download.close()


def test_two_dossiers_uploading_the_same_bytes_share_one_stored_file(demo, as_user, upload_dir):
    data = pdf_bytes("Mau bao cao chung")
    assert send(as_user(REPORTER), data, "Mẫu báo cáo.pdf").status_code == 302
    assert send(as_user(OTHER_REPORTER), data, "Mẫu báo cáo (Ba Lòng).pdf", code="19570").status_code == 302

    sha = assert_stored_once(upload_dir, data)
    assert [r.sha256 for r in rows()] == [sha, sha]
    assert len({r.submission_id for r in rows()}) == 2


# The database write fails after the file was stored ------------------------------------------


def fail_commit_once_in_add_file(monkeypatch):
    real_commit = db.session.commit
    state = {"failed": False}

    def commit():
        if not state["failed"] and sys._getframe(1).f_code.co_name == "add_file":
            state["failed"] = True
            raise RuntimeError("database went away")
        return real_commit()

    monkeypatch.setattr(db.session, "commit", commit)
    return state


def test_a_failed_database_write_leaves_no_stray_file_and_no_row(reporter, upload_dir, monkeypatch):
    state = fail_commit_once_in_add_file(monkeypatch)
    before = Snapshot(upload_dir)

    response = send(reporter, pdf_bytes(), "Báo cáo tổng kết.pdf")

    assert state["failed"]
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in response.get_data(as_text=True)
    before.assert_unchanged()
    assert files_in(upload_dir) == set()
    # And the next try works.
    assert send(reporter, pdf_bytes(), "Báo cáo tổng kết.pdf").status_code == 302
    assert_stored_once(upload_dir, pdf_bytes())


def test_a_failed_database_write_keeps_a_file_another_dossier_uses(demo, as_user, upload_dir, monkeypatch):
    data = pdf_bytes("Mau bao cao chung")
    assert send(as_user(OTHER_REPORTER), data, "Mẫu báo cáo.pdf", code="19570").status_code == 302
    client = as_user(REPORTER)
    state = fail_commit_once_in_add_file(monkeypatch)

    response = send(client, data, "Mẫu báo cáo.pdf")

    assert state["failed"] and response.status_code == 500
    assert len(rows()) == 1
    download = as_user(OTHER_REPORTER).get(f"/files/{rows()[0].id}")
    assert download.status_code == 200 and download.get_data() == data
    download.close()
    assert_stored_once(upload_dir, data)


def test_undoing_an_upload_never_deletes_bytes_a_nomination_file_still_uses(app):
    from ntm_intranet.nominations.models import NominationFile

    factories.nomination(status="draft")
    shared = db.session.execute(db.select(NominationFile)).scalars().first()
    uploads.discard(uploads.StoredFile(shared.sha256, shared.size, shared.content_type, "x.docx", created=True))
    assert uploads.path_for(shared.sha256).exists()

    orphan = b"%PDF-1.4\n% nobody refers to these bytes\n%%EOF\n"
    path = uploads.path_for(hashlib.sha256(orphan).hexdigest())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orphan)
    uploads.discard(uploads.StoredFile(hashlib.sha256(orphan).hexdigest(), len(orphan), "application/pdf", "o.pdf",
                                      created=True))
    assert not path.exists()


def _stored_without_commit(data: bytes, name: str = "Báo cáo.pdf") -> uploads.StoredFile:
    from werkzeug.datastructures import FileStorage

    return uploads.store(FileStorage(io.BytesIO(data), filename=name))


def test_a_stored_file_whose_row_never_commits_is_removed_at_a_later_start_and_one_with_a_row_is_kept(
        reporter, upload_dir):
    """A worker killed between the file's rename into the store and its row's commit (tests/load/test_faults.py
    does it for real) leaves the file marked pending; the sweep at start removes it once the mark is old."""
    orphan = _stored_without_commit(pdf_bytes("never committed"))
    db.session.rollback()  # the row never came
    young = _stored_without_commit(pdf_bytes("still in flight on another worker"))
    db.session.rollback()
    shared = pdf_bytes("committed by another upload of the same bytes")
    kept = _stored_without_commit(shared)
    db.session.rollback()
    assert send(reporter, shared, "Báo cáo.pdf").status_code == 302  # a row refers to those bytes after all
    old = time.time() - 2 * 3600
    for stored in (orphan, kept):
        os.utime(upload_dir / "tmp" / "pending" / stored.sha256, (old, old))

    assert uploads.sweep_pending(upload_dir, 3600) == 1

    assert not uploads.path_for(orphan.sha256).exists()
    assert uploads.path_for(kept.sha256).exists() and uploads.path_for(young.sha256).exists()
    assert {p.name for p in (upload_dir / "tmp" / "pending").iterdir()} == {young.sha256}


def test_a_committed_upload_leaves_no_pending_mark(reporter, upload_dir):
    assert send(reporter, pdf_bytes("committed"), "Báo cáo.pdf").status_code == 302
    assert len(rows()) == 1 and tmp_is_empty(upload_dir)
