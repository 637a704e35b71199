"""The name of an uploaded file as the browser sent it, read from the raw multipart header: a Windows path
is reduced to its last part, a name that is not valid in its charset is refused with a message, never
stored garbled. Raw bodies go through a real server on 127.0.0.1, as a browser's would."""

from __future__ import annotations

import re
import threading
import urllib.parse

import pytest
import requests
from werkzeug.serving import make_server

from ntm_intranet.extensions import db
from ntm_intranet.reports.models import ReportFile

from .test_uploads import REPORTER, pdf_bytes, unit_id

pytestmark = pytest.mark.usefixtures("upload_dir")

BOUNDARY = b"----ntm-raw-boundary"


@pytest.fixture
def served(demo, as_user):
    """A requests session logged in as the commune's reporter, against the app served on a free port."""
    cookie = as_user(REPORTER).get_cookie("session")
    server = make_server("127.0.0.1", 0, demo, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    session = requests.Session()
    session.cookies.set("session", cookie.value, domain="127.0.0.1")
    base = f"http://127.0.0.1:{server.server_port}"
    page = session.get(f"{base}/units/{unit_id()}/report", timeout=30)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text).group(1)
    yield session, base, token
    server.shutdown()
    thread.join(timeout=10)


def _post(served, disposition: bytes):
    session, base, token = served
    body = (b"--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode()
            + b"\r\n--" + BOUNDARY + b'\r\nContent-Disposition: form-data; name="file"; ' + disposition
            + b"\r\nContent-Type: application/pdf\r\n\r\n" + pdf_bytes() + b"\r\n--" + BOUNDARY + b"--\r\n")
    return session.post(f"{base}/units/{unit_id()}/report/files?kind=report", data=body, timeout=60,
                        headers={"Content-Type": "multipart/form-data; boundary=" + BOUNDARY.decode(),
                                 "Referer": base}, allow_redirects=False)


def _names() -> list[str]:
    db.session.expire_all()
    return list(db.session.execute(db.select(ReportFile.original_name).order_by(ReportFile.id.desc())).scalars())


def test_the_windows_path_an_old_browser_sends_is_stored_as_its_last_part(served):
    before = len(_names())
    response = _post(served, b'filename="C:\\Users\\x\\Documents\\bao-cao-tong-ket.pdf"')
    assert response.status_code == 302
    names = _names()
    assert len(names) == before + 1 and names[0] == "bao-cao-tong-ket.pdf"


def test_a_vietnamese_name_in_rfc_2231_arrives_whole(served):
    name = "Báo cáo tổng kết xã Triệu Nguyên.pdf"
    response = _post(served, b"filename*=UTF-8''" + urllib.parse.quote(name).encode())
    assert response.status_code == 302
    assert _names()[0] == name


def test_a_utf8_name_sent_raw_in_the_quotes_arrives_whole(served):
    name = "Biên bản hội nghị.pdf"
    assert _post(served, b'filename="' + name.encode() + b'"').status_code == 302
    assert _names()[0] == name


@pytest.mark.parametrize("encoded", [b"%FF%FEbao-cao.pdf", b"B%C3o%20c%C3%A1o.pdf"])
def test_a_name_that_is_not_valid_utf8_is_refused_with_a_message_and_nothing_is_stored(served, encoded):
    before = _names()
    response = _post(served, b"filename*=UTF-8''" + encoded)
    assert response.status_code == 422
    assert "Tên tệp gửi kèm không đọc được" in response.text
    assert _names() == before
    assert "\ufffd" not in "".join(_names())


@pytest.mark.parametrize(("disposition", "name"), [
    ('form-data; name="file"; filename="C:\\Users\\x\\bao-cao.pdf"', "C:\\Users\\x\\bao-cao.pdf"),
    ('form-data; name="file"; filename="\\\\may-chu\\chung\\bien-ban.pdf"', "\\\\may-chu\\chung\\bien-ban.pdf"),
    ('form-data; name="file"; filename="C:\\\\Users\\\\x\\\\bao-cao.pdf"', "C:\\Users\\x\\bao-cao.pdf"),
    ('form-data; name="file"; filename="Tờ trình \\"đợt 2\\".pdf"', 'Tờ trình "đợt 2".pdf'),
    ("form-data; name=\"file\"; filename=\"x.pdf\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o.pdf", "Báo cáo.pdf"),
    ('form-data; name="file"; filename=bien-ban.pdf', "bien-ban.pdf"),
])
def test_the_raw_header_is_read_as_the_browser_meant_it(disposition, name):
    from ntm_intranet.uploads import sent_filename

    assert sent_filename(disposition) == name
