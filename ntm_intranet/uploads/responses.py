"""The download response for a stored file."""

from __future__ import annotations

from flask import abort, current_app, send_file

from .storing import path_for


def send(row):
    """The download response for a stored file row (sha256, content_type, original_name): an attachment
    under its original (Vietnamese) name, never cached by a shared cache; 404 if the bytes are missing."""
    path = path_for(row.sha256)
    if not path.exists():
        current_app.logger.error("Stored file missing: %s (%s %s)", path, type(row).__name__, row.id)
        abort(404)
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.original_name,
                         conditional=True, etag=row.sha256, max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response
