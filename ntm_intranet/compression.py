"""Gzip for text responses (HTML, CSS, JS, JSON, SVG) when the client accepts it.

An after_request hook: the body of a compressible response is gzipped when the request says
`Accept-Encoding: gzip` and it is at least `MIN_SIZE` bytes; every compressible response gets
`Vary: Accept-Encoding` so a cache never hands the gzipped body to a client that did not ask.

Left as they are: anything already encoded, streamed bodies, attachments (downloads, uploaded files
above all: their bytes and checksums must come back unchanged), partial and bodiless answers
(206, 304, 204, 1xx). The app's own static files are file streams (`direct_passthrough`); they are
small, so their bytes are read from disk and compressed, cached by path, size and mtime.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

COMPRESSIBLE = frozenset({
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "image/svg+xml",
})
MIN_SIZE = 500  # bytes: below this, the gzip header and the CPU cost outweigh the gain
LEVEL = 6


def register(app: Flask) -> None:
    app.after_request(compress)


def compress(response: Response) -> Response:
    if response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    if not _should_compress(response):
        return response

    if response.direct_passthrough:
        path = _static_path()
        if path is None:
            return response  # a file stream that is not one of our static files: leave it alone
        stat = path.stat()
        if stat.st_size < MIN_SIZE:
            return response
        body = _gzip_file(str(path), stat.st_size, stat.st_mtime_ns)
        close = getattr(response.response, "close", None)
        if close is not None:
            close()  # the open file of send_file, replaced by the bytes below
        response.direct_passthrough = False
    else:
        data = response.get_data()
        if len(data) < MIN_SIZE:
            return response
        body = gzip.compress(data, compresslevel=LEVEL, mtime=0)

    response.set_data(body)  # also sets Content-Length
    response.headers["Content-Encoding"] = "gzip"
    response.headers.pop("Accept-Ranges", None)  # byte ranges of the plain file no longer apply
    etag, weak = response.get_etag()
    if etag and not weak:
        # Same resource, different bytes: a strong validator must not be shared with the plain body.
        # A weak one still answers If-None-Match with 304 (werkzeug compares weakly there).
        response.set_etag(etag, weak=True)
    return response


def _should_compress(response: Response) -> bool:
    if request.accept_encodings.quality("gzip") <= 0:
        return False
    if response.status_code < 200 or response.status_code in (204, 206, 304):
        return False
    if "Content-Encoding" in response.headers or "Content-Range" in response.headers:
        return False
    if response.headers.get("Content-Disposition", "").lower().startswith("attachment"):
        return False
    if response.direct_passthrough:
        return True  # decided by _static_path()
    return not response.is_streamed


def _static_path() -> Path | None:
    """The file on disk of a request to the app's static folder, if that is what this is."""
    if request.endpoint != "static" or not current_app.static_folder:
        return None
    filename = (request.view_args or {}).get("filename")
    joined = safe_join(current_app.static_folder, filename) if filename else None
    if joined is None:
        return None
    path = Path(joined)
    return path if path.is_file() else None


@lru_cache(maxsize=64)
def _gzip_file(path: str, size: int, mtime_ns: int) -> bytes:
    """A static file, gzipped; size and mtime are part of the key, so an edited file is compressed anew."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=LEVEL, mtime=0)
