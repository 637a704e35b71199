"""The sweeps at start: what killed uploads left behind, in <upload dir>/tmp and in the store itself."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .registry import holders, referenced
from .storing import pending_dir

TMP_MAX_AGE_SECONDS = 3600


def sweep_tmp(root: Path, max_age_seconds: float = TMP_MAX_AGE_SECONDS) -> int:
    """Remove what killed uploads left in <root>/tmp; return how many files went.

    An upload is written to <root>/tmp and moved to its content address only once it is whole and
    checked, so a worker killed in the middle (SIGKILL, the machine losing power) leaves a temporary file
    there and nothing in the store. The app sweeps at start: in every gunicorn worker as it boots, and in
    every `flask` command.

    The rule that keeps a sweep from taking a file another live worker is still filling: only a file
    untouched for `max_age_seconds` (NTM_TMP_MAX_AGE_SECONDS, an hour by default) goes. A file being
    written is touched with every chunk, and no request lasts that long (gunicorn kills a worker whose
    request runs past its --timeout, two minutes in the README's command), so an hour old is certainly
    abandoned. Only regular files directly in tmp/ are removed; a file that vanishes meanwhile (another
    worker's sweep, its own upload finishing) or cannot be removed is left to the next sweep.
    """
    tmp = root / "tmp"
    cutoff = time.time() - max(max_age_seconds, 0)
    removed = 0
    try:
        entries = list(os.scandir(tmp))
    except FileNotFoundError:
        return 0
    except OSError as exc:
        logging.getLogger(__name__).warning("Cannot look through %s: %s", tmp, exc)
        return 0
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime <= cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            continue
        except OSError as exc:
            logging.getLogger(__name__).warning("Cannot remove %s: %s", entry.path, exc)
    if removed:
        logging.getLogger(__name__).info("Removed %d abandoned upload file(s) from %s", removed, tmp)
    return removed


def sweep_pending(root: Path, max_age_seconds: float = TMP_MAX_AGE_SECONDS) -> int:
    """Remove the stored files whose transaction never committed (see storing._mark_pending); return how many.

    Run at start after sweep_tmp, with the same age rule. Needs the database: it is skipped, and the
    markers kept for a later start, when the database cannot be read (not migrated yet, not reachable).
    Which rows hold files is what the rooms declared (registry.holds_files).
    """
    pending = pending_dir(root)
    cutoff = time.time() - max(max_age_seconds, 0)
    try:
        markers = [entry for entry in os.scandir(pending)
                   if entry.is_file(follow_symlinks=False) and re.fullmatch(r"[0-9a-f]{64}", entry.name)
                   and entry.stat(follow_symlinks=False).st_mtime <= cutoff]
    except FileNotFoundError:
        return 0
    if not markers:
        return 0
    if not holders():  # no room has said where its files are: nothing can be known unused, so nothing goes
        logging.getLogger(__name__).warning("Pending uploads left for a later start (no room declared its files)")
        return 0
    try:
        kept = referenced([entry.name for entry in markers])
        db.session.rollback()
    except SQLAlchemyError as exc:
        db.session.rollback()
        logging.getLogger(__name__).warning("Pending uploads left for a later start (database: %s)", exc)
        return 0
    removed = 0
    for entry in markers:
        if entry.name not in kept and (root / entry.name[:2] / entry.name).is_file():
            (root / entry.name[:2] / entry.name).unlink(missing_ok=True)
            removed += 1
        Path(entry.path).unlink(missing_ok=True)
    if removed:
        logging.getLogger(__name__).info("Removed %d stored file(s) whose upload never committed", removed)
    return removed
