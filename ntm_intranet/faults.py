"""Test-only fault injection: a pause at a named point of the code, so a test can kill the server there.

Off unless NTM_TEST_FAULT_PAUSE names the point (several may be given, comma-separated); never set it in
production. The points:

- "upload": in `uploads.store()`, once the upload is written to its temporary file in <upload dir>/tmp,
  before it is checked and moved to its content address;
- "stored": in `uploads.store()`, once a new file is at its content address (marked pending), before the
  caller writes and commits its row;
- "ballot": in `voting.services._record_sheet()`, once the who-has-voted row and the sealed sheet
  are written in the transaction, before it commits.

At the point the request logs "NTM_TEST_FAULT_PAUSE: paused at <point>" and sleeps for
NTM_TEST_FAULT_PAUSE_SECONDS (60 by default), long enough for tests/load/test_faults.py to SIGKILL the
server in the middle of the work.
"""

from __future__ import annotations

import time

from flask import current_app


def pause(point: str) -> None:
    names = current_app.config.get("NTM_TEST_FAULT_PAUSE") or ""
    if point not in {name.strip() for name in names.split(",")}:
        return
    seconds = float(current_app.config.get("NTM_TEST_FAULT_PAUSE_SECONDS") or 60)
    current_app.logger.warning("NTM_TEST_FAULT_PAUSE: paused at %s for %g s", point, seconds)
    time.sleep(seconds)
