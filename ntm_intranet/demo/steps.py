"""How the demo acts: on a given day of the campaign, as a given person, through the services.

`on_day(day, user)` moves the frozen clock to that day (so every timestamp a service writes falls on
it) and opens a request context with that person logged in (so the audit log names who did it, and
the services' links and notifications work as they do behind a click). The clock the app had before
comes back afterwards. `docx_upload()` is a real Word document wrapped as the browser would post it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from xml.sax.saxutils import escape

from flask import current_app, g
from flask_login import login_user
from werkzeug.datastructures import FileStorage


@contextmanager
def on_day(day: date, user=None) -> Iterator[None]:
    app = current_app._get_current_object()
    before = app.config.get("NTM_TODAY")
    app.config["NTM_TODAY"] = day
    try:
        with app.test_request_context("/"):
            if user is not None:
                login_user(user)
            yield
    finally:
        app.config["NTM_TODAY"] = before
        # The request context shares the caller's app context (and its `g`), where Flask-Login keeps the user.
        g.pop("_login_user", None)


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_SIZE = {1: 32, 2: 28}  # half-points: a level-1 heading in 16 pt, a level-2 one in 14 pt


def _paragraph(text: str, level: int = 0) -> str:
    bold = f'<w:rPr><w:b/><w:sz w:val="{_SIZE[level]}"/></w:rPr>' if level else ""
    return f'<w:p><w:r>{bold}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def docx_upload(filename: str, heading: str, paragraphs: list[str], title: str = "") -> FileStorage:
    """A real Word document (optional title line, a heading, paragraphs; "## " starts a sub-heading) as the
    browser would post it. Written as plain OOXML: python-docx takes a tenth of a second per document, and
    the demo writes fifty of them every time a test loads it."""
    body = ([_paragraph(title)] if title else []) + [_paragraph(heading, 1)]
    body += [_paragraph(text[3:], 2) if text.startswith("## ") else _paragraph(text) for text in paragraphs]
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
                f'{"".join(body)}</w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS),
                           ("word/document.xml", document)):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2015, 6, 1, 0, 0, 0)), text,
                             compress_type=zipfile.ZIP_DEFLATED)
    buffer.seek(0)
    return FileStorage(buffer, filename=filename,
                       content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
