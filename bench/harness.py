"""Running the app under gunicorn on 127.0.0.1, for the benchmark and the load tests.

`Server` binds a listening socket on a free loopback port itself and hands it to gunicorn as `fd://N`,
so clients may connect at once: their connections wait in the socket's backlog until a worker is up.
`throwaway_postgres()` makes an empty database on the server of a PostgreSQL URL and drops it after.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _quiet_flags() -> list[str]:
    """Recent gunicorn opens a control socket at one fixed path per user: several servers at once would share it."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []


def venv_bin(name: str) -> str:
    """A console script of the interpreter running us (the project's .venv)."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


class Server:
    """gunicorn serving a WSGI app on 127.0.0.1 (sync workers, as in production)."""

    def __init__(self, app: str, env: dict[str, str], workers: int, log_path: Path, timeout: int = 120,
                 cwd: Path = ROOT):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(2048)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        fd = self.listener.fileno()
        os.set_inheritable(fd, True)
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115  (closed in stop())
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"fd://{fd}",
                   "--timeout", str(timeout), "--graceful-timeout", "10", "--backlog", "2048",
                   "--access-logfile", "-", "--access-logformat", '%(s)s %(m)s %(U)s %(L)s', *_quiet_flags(), app]
        self.process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, pass_fds=(fd,),  # noqa: S603
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        # The listening socket lives on in gunicorn; our copy is not needed any more.
        self.listener.close()

    def worker_pids(self) -> list[int]:
        """The worker processes: the master's children."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()
        return self.process.returncode

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def throwaway_postgres(url: str, label: str) -> Iterator[str]:
    """A fresh, empty database beside the one `url` names (same server and credentials); dropped after.

    Yields the new database's URL (psycopg 3 dialect)."""
    import psycopg
    from sqlalchemy.engine import make_url

    from ntm_intranet.config import normalise_database_url

    base = make_url(normalise_database_url(url))
    name = f"{base.database or 'ntm'}_{label}_{secrets.token_hex(3)}"
    admin = base.set(database="postgres", drivername="postgresql")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flask(args: list[str], env: dict[str, str], log_path: Path | None = None) -> str:
    """`flask --app ntm_intranet ARGS` in a subprocess; its output, or an error with it."""
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "ntm_intranet", *args], cwd=ROOT,  # noqa: S603
                            env={**os.environ, **env}, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if log_path is not None:
        with open(log_path, "a") as fh:
            fh.write(f"$ flask {' '.join(args)}\n{output}\n")
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed ({result.returncode}):\n{output[-4000:]}")
    return output
