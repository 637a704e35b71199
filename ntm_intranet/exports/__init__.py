"""Spreadsheet (.xlsx) and Word (.docx) exports of the deadline board and the district totals."""
