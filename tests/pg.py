"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temp folder, a free port.

``make test`` installs Debian's ``postgresql`` when it runs as root (see the Makefile's
``sysdeps``); the server is then started once per test session with ``initdb`` and ``pg_ctl``
from /usr/lib/postgresql/*/bin, listening on 127.0.0.1 only, as the ``postgres`` user when the
tests run as root (PostgreSQL refuses to run as root). Each test gets a database of its own.
Where no server binaries exist (a clone without root), the PostgreSQL tests are skipped with
the reason; under CI (``CI`` set) a missing server fails them instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = "tester"


def server_bin() -> Path | None:
    """The folder holding initdb and pg_ctl (newest PostgreSQL first), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def free_port() -> int:
    """A TCP port nobody listens on now (127.0.0.1)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in a temp folder, stopped and deleted by :meth:`stop`."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="tro-ly-pg-"))
        self.data = self.folder / "data"
        self._runas: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse root: run them as `postgres`
            account = pwd.getpwnam("postgres")
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            self._runas = ["runuser", "-u", "postgres", "--"]
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        result = subprocess.run(  # from the server's folder: `postgres` may not enter the repo's
            [*self._runas, *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr.strip()} {tail}")

    def start(self) -> PostgresServer:
        """initdb (trust authentication on 127.0.0.1) and start the server; wait until ready."""
        self._run(
            str(self.bin / "initdb"),
            "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
            "-l", str(self.folder / "server.log"), "start",
        )  # fmt: skip
        return self

    @property
    def pid(self) -> int:
        """Process id of the server (the postmaster; its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def url(self, database: str = "postgres") -> str:
        """Connection URL of one database on this server."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database; returns its URL."""
        import psycopg

        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server (skipped where none is installed, outside CI)."""
    bin_dir = server_bin()
    reason = None
    if bin_dir is None:
        reason = "no PostgreSQL server binaries (Debian: apt-get install postgresql)"
    else:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            reason = "psycopg is not installed (pip install 'psycopg[binary]')"
    if reason is None and os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            reason = "running as root without a `postgres` user to run the server as"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    assert bin_dir is not None
    server = PostgresServer(bin_dir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def pg_url(postgres_server: PostgresServer) -> str:
    """URL of a fresh, empty database on the session's server."""
    return postgres_server.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """The same test against both backends: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "journal.sqlite"
    return request.getfixturevalue("pg_url")
