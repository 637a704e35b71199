"""PDF records rendered by WeasyPrint from the print-only templates in templates/exports/.

The templates are rendered by a Jinja environment of their own (autoescaped), so a PDF can be made
with or without a Flask app; they receive plain, already formatted values. WeasyPrint embeds the
fonts (Times New Roman, or Liberation Serif with the same metrics on Linux).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..letterhead import MOTTO, NATION

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@cache
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                              trim_blocks=True, lstrip_blocks=True)
    # The national name and motto of every PDF come from letterhead.py, never from the caller.
    environment.globals.update(nation=NATION, motto=MOTTO)
    return environment


def render_html(template: str, **context) -> str:
    return _environment().get_template(template).render(**context)


def render_pdf(template: str, **context) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango, which the rest of the app never needs

    return HTML(string=render_html(template, **context), base_url=str(TEMPLATES)).write_pdf()
