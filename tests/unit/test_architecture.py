"""The house's walls: every module imports on its own in a fresh interpreter (no hidden order between
modules, as when `make bench` imported awards/services.py first and its loader option failed on 'Unit'),
and the import contracts of pyproject.toml hold."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import ntm_intranet

PACKAGE = Path(ntm_intranet.__file__).parent


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def test_every_module_imports_alone_in_a_fresh_interpreter():
    """One interpreter imports the third-party libraries (not one module of the app), then forks once per
    module: each child starts with no module of the app loaded and imports just that one, as
    `python -c 'import X'` would, without paying for Flask and SQLAlchemy a hundred times."""
    script = textwrap.dedent("""
        import importlib, os, sys, traceback
        import docx, flask, flask_babel, flask_htmx, flask_limiter, flask_login, flask_migrate, flask_sqlalchemy
        import flask_wtf, openpyxl, sqlalchemy.orm, wtforms
        failed = []
        for name in sys.argv[1:]:
            pid = os.fork()
            if pid == 0:
                try:
                    importlib.import_module(name)
                except BaseException:
                    traceback.print_exc()
                    os._exit(1)
                os._exit(0)
            _pid, status = os.waitpid(pid, 0)
            if status:
                failed.append(name)
        print("FAILED:", " ".join(failed))
        sys.exit(1 if failed else 0)
    """)
    env = {**os.environ, "NTM_INSTANCE_PATH": os.environ.get("NTM_INSTANCE_PATH", "/tmp")}
    result = subprocess.run([sys.executable, "-c", script, *_modules()], capture_output=True, text=True,
                            timeout=300, env=env, cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert len(_modules()) > 80


def test_the_import_contracts_hold():
    """`lint-imports` (import-linter) with the contracts of pyproject.toml: rooms import only downward, the
    toolkit and the letterhead import no room, no view imports another room's views, rules are pure."""
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(linter), "--no-cache"], capture_output=True, text=True, timeout=300,
                            cwd=PACKAGE.parent)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Contracts: 4 kept, 0 broken." in result.stdout
