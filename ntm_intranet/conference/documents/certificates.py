"""The certificates (giấy khen) as a PDF: one A4 landscape page per honouree, only the text (name,
achievement line, decision number), at the positions measured on the pre-printed sheets."""

from __future__ import annotations

from ...documents.pdf import render_pdf
from .. import rules


def certificates_pdf(items, layout: dict[str, int]) -> bytes:
    """`layout` holds the positions in mm from the sheet's top-left corner (Conference.layout())."""
    return render_pdf("exports/certificates.html", items=items, layout=layout,
                      width=rules.A4_LANDSCAPE[0], height=rules.A4_LANDSCAPE[1])
