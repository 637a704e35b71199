"""The reports room's papers: the deadline board and the district totals in Excel (`sheets`), the
district report's draft in Word (`district_report`), and the unit's summary report outline (`outline`).
Each turns the room's data into the toolkit's plain pieces (ntm_intranet/documents/)."""
