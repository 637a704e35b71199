"""A known award list, compared with its golden structure in all three formats.

Not bytes (zip timestamps and PDF ids change from run to run) but what a reader sees: the DOCX's
paragraphs and table rows with their bold runs and the page orientation, the XLSX's rows and frozen
panes, the PDF's text lines. A layout change shows as a readable diff; when the change is intended,
regenerate the golden file with `NTM_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_golden_award_list.py`
and review the diff before committing it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from ntm_intranet.awards.documents import award_list_docx, award_list_pdf, award_list_xlsx

from .test_award_exports import _award_doc

GOLDEN = Path(__file__).parent / "golden" / "award_list.json"


def _docx_structure(data: bytes) -> dict:
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    body = []
    for block in doc.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[1]
        if tag == "p":
            paragraph = next(p for p in doc.paragraphs if p._p is block)
            if paragraph.text.strip():
                bold = any(run.bold for run in paragraph.runs if run.text.strip())
                body.append(("B " if bold else "  ") + paragraph.text)
        elif tag == "tbl":
            table = next(t for t in doc.tables if t._tbl is block)
            for row in table.rows:
                cells = []
                for cell in row.cells:  # a merged cell repeats: keep it once
                    if not cells or cell._tc is not cells[-1][0]:
                        cells.append((cell._tc, cell.text))
                body.append(" | ".join(text for _, text in cells))
    return {"orientation": "landscape" if section.page_width > section.page_height else "portrait",
            "header": [p.text for p in section.header.paragraphs if p.text], "body": body}


def _xlsx_structure(data: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(data)).active
    rows = []
    for row in sheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return {"title": sheet.title, "freeze": sheet.freeze_panes, "rows": rows}


def _pdf_structure(data: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _structure() -> dict:
    doc = _award_doc()
    found = {"docx": _docx_structure(award_list_docx(doc)), "xlsx": _xlsx_structure(award_list_xlsx(doc))}
    if shutil.which("pdftotext"):
        found["pdf"] = _pdf_structure(award_list_pdf(doc))
    return json.loads(json.dumps(found, ensure_ascii=False))  # tuples as lists, as the file has them


def test_the_known_award_list_keeps_its_golden_structure_in_word_excel_and_pdf():
    found = _structure()
    if os.environ.get("NTM_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    if "pdf" not in found:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF is not compared")
    assert found["docx"] == golden["docx"]
    assert found["xlsx"] == golden["xlsx"]
    assert found["pdf"] == golden["pdf"]
