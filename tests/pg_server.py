"""A real PostgreSQL server for the tests: given, or started in a temporary folder.

``FRAMING_APP_TEST_POSTGRES`` names a server to use (the URL of a role that
may create databases and roles, e.g. ``postgresql://postgres:pw@127.0.0.1:5433/postgres``).
Without it, a throwaway cluster is made with Debian's ``initdb`` and started
with ``pg_ctl`` on a free loopback port, as an unprivileged user (PostgreSQL
refuses to run as root: under root the ``postgres`` system user runs it), and
stopped when the tests end. ``FRAMING_APP_SKIP_POSTGRES=1`` skips the
PostgreSQL half of the backend tests, with that reason shown; anything else
that keeps the server from starting fails the run: never a silent skip.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVER_ENV = "FRAMING_APP_TEST_POSTGRES"
SKIP_ENV = "FRAMING_APP_SKIP_POSTGRES"
SUPERUSER = "postgres"


class ServerUnavailable(RuntimeError):
    """No PostgreSQL server could be given to the tests (the message says why and what to do)."""


@dataclass
class TestServer:
    host: str
    port: int
    superuser: str
    password: str
    folder: Path | None  # the cluster's folder when this run started it
    run_as: str | None = None

    def url(self, database: str, user: str | None = None, password: str | None = None) -> str:
        """SQLAlchemy URL (psycopg 3) of *database* as *user* (by default the superuser)."""
        user = user or self.superuser
        secret = self.password if password is None and user == self.superuser else password
        auth = user if secret is None else f"{user}:{secret}"
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{database}"

    def conninfo(self, database: str, user: str | None = None, password: str | None = None) -> str:
        """A libpq connection string, for raw psycopg connections."""
        user = user or self.superuser
        secret = self.password if password is None and user == self.superuser else password
        parts = [f"host={self.host}", f"port={self.port}", f"dbname={database}", f"user={user}"]
        if secret is not None:
            parts.append(f"password={secret}")
        return " ".join(parts)

    def stop(self) -> None:
        if self.folder is None:
            return
        _run_as(
            self.run_as,
            [_binary("pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "stop"],
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def skip_reason() -> str | None:
    """Why the PostgreSQL tests are skipped, or None when they run."""
    if os.environ.get(SKIP_ENV, "").strip() not in ("", "0"):
        return f"{SKIP_ENV} is set: PostgreSQL tests skipped"
    return None


def start_server() -> TestServer:
    """The server named by ``FRAMING_APP_TEST_POSTGRES``, or a new one in a temporary folder."""
    given = os.environ.get(SERVER_ENV, "").strip()
    if given:
        return _given(given)
    return _throwaway()


def _given(url: str) -> TestServer:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return TestServer(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        superuser=parsed.username or SUPERUSER,
        password=parsed.password or "",
        folder=None,
    )


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    for folder in reversed(versions):
        if (folder / name).exists():
            return str(folder / name)
    raise ServerUnavailable(
        f"PostgreSQL's {name} not found: install the server (Debian: apt-get install "
        f"postgresql), point {SERVER_ENV} at a server, or set {SKIP_ENV}=1 to skip those tests"
    )


def _run_as(user: str | None, argv: list[str], *, check: bool = True) -> None:
    result = subprocess.run(
        argv, user=user, capture_output=True, text=True, check=False, timeout=120
    )
    if check and result.returncode != 0:
        raise ServerUnavailable(
            f"{' '.join(argv[:1])} failed: {(result.stderr or result.stdout).strip()[-500:]}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _throwaway() -> TestServer:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise ServerUnavailable(
                "running as root and there is no 'postgres' system user to run the test server"
            ) from None
        run_as = SUPERUSER
    folder = Path(tempfile.mkdtemp(prefix="framing-app-pg-"))
    password = secrets.token_hex(12)
    (folder / "pw").write_text(password)
    if run_as is not None:
        entry = pwd.getpwnam(run_as)
        for path in (folder, folder / "pw"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    data = folder / "data"
    _run_as(
        run_as,
        [
            initdb,
            "-D",
            str(data),
            "-U",
            SUPERUSER,
            "--pwfile",
            str(folder / "pw"),
            "--auth-host=scram-sha-256",
            "--auth-local=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
    )
    port = _free_port()
    # The tests' server loses nothing it needs on a crash (the data are
    # made again each run), so durability is traded for speed: fsync off.
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder}"
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        " -c max_connections=200 -c shared_buffers=128MB"
    )
    try:
        _run_as(
            run_as,
            [
                pg_ctl,
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        )
    except ServerUnavailable as error:
        log = (
            (folder / "log").read_text(errors="replace")[-800:] if (folder / "log").exists() else ""
        )
        shutil.rmtree(folder, ignore_errors=True)
        raise ServerUnavailable(f"{error}; server log: {log}") from None
    return TestServer("127.0.0.1", port, SUPERUSER, password, folder, run_as)
