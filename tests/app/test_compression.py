"""Gzip of text responses: only when asked, never below the minimum size, never for downloads."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from flask import send_file

from ntm_intranet.auth.access import public
from ntm_intranet.compression import MIN_SIZE

from ..conftest import without_tokens
from .test_uploads import pdf_bytes, rows, send

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
STATIC = Path(__file__).resolve().parents[2] / "static"


pytestmark = pytest.mark.usefixtures("upload_dir")  # each test its own upload folder (tests/conftest.py)


def test_a_page_is_gzipped_when_the_client_accepts_it(app, client):
    plain = client.get("/login")
    zipped = client.get("/login", headers=GZIP)

    assert zipped.status_code == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data()) < len(plain.get_data())
    assert without_tokens(gzip.decompress(zipped.get_data()).decode()) == without_tokens(plain.get_data(as_text=True))
    assert "Accept-Encoding" in zipped.headers["Vary"] and "HX-Request" in zipped.headers["Vary"]


def test_a_page_is_plain_without_accept_encoding_or_when_gzip_is_refused(app, client):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0, br"}):
        response = client.get("/login", headers=headers)
        assert "Content-Encoding" not in response.headers, headers
        assert "Đăng nhập" in response.get_data(as_text=True)
        assert "Accept-Encoding" in response.headers["Vary"]  # a cache must keep the two apart


def test_a_small_response_is_not_compressed(app, client):
    response = client.get("/healthz", headers=GZIP)
    assert len(response.get_data()) < MIN_SIZE
    assert "Content-Encoding" not in response.headers
    assert response.json["status"] == "ok"


@pytest.mark.parametrize("name, mimetype", [("vendor/pico/pico.min.css", "text/css"),
                                            ("vendor/htmx/htmx.min.js", "text/javascript"),
                                            ("css/app.css", "text/css")])
def test_static_text_files_are_compressed_and_still_revalidate(app, client, name, mimetype):
    original = (STATIC / name).read_bytes()

    response = client.get(f"/static/{name}", headers=GZIP)

    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Ranges" not in response.headers
    body = response.get_data()
    assert int(response.headers["Content-Length"]) == len(body) < len(original) // 2
    assert gzip.decompress(body) == original
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')  # not the plain file's strong validator
    again = client.get(f"/static/{name}", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()

    plain = client.get(f"/static/{name}")
    try:
        assert "Content-Encoding" not in plain.headers and plain.get_data() == original
        assert "Accept-Encoding" in plain.headers["Vary"]
    finally:
        plain.close()


def test_a_static_file_below_the_minimum_size_is_sent_as_it_is(app, client):
    original = (STATIC / "img/favicon.svg").read_bytes()
    assert len(original) < MIN_SIZE  # an SVG, so compressible, but too small to gain anything
    response = client.get("/static/img/favicon.svg", headers=GZIP)
    try:
        assert "Content-Encoding" not in response.headers and response.get_data() == original
        assert "Accept-Encoding" in response.headers["Vary"]
    finally:
        response.close()


def test_a_downloaded_upload_comes_back_byte_for_byte(demo, as_user):
    reporter = as_user("bc-19567")
    data = pdf_bytes("Bao cao tong ket " * 200)
    assert len(data) > MIN_SIZE
    assert send(reporter, data, "Báo cáo.pdf").status_code == 302
    [row] = rows()

    download = reporter.get(f"/files/{row.id}", headers=GZIP)
    try:
        assert download.status_code == 200
        assert "Content-Encoding" not in download.headers
        assert download.get_data() == data
        assert download.headers["ETag"].strip('"') == row.sha256
    finally:
        download.close()


def test_a_text_attachment_is_not_compressed(app):
    payload = b'{"rows": [' + b", ".join(b'{"n": %d}' % i for i in range(400)) + b"]}"

    @app.route("/export-test.json")
    @public
    def export():
        return send_file(io.BytesIO(payload), mimetype="application/json", as_attachment=True,
                         download_name="export.json")

    response = app.test_client().get("/export-test.json", headers=GZIP)
    try:
        assert "Content-Encoding" not in response.headers
        assert response.get_data() == payload
    finally:
        response.close()
