"""A real PostgreSQL 15 for the tests (imported by conftest.py): one server per session, initdb in a temp dir
on a free loopback port; `new_database` gives a test its own empty database on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def as_postgres(*cmd: str) -> list[str]:
    # initdb refuses to run as root: the server runs as the postgres user on a temp dir it owns
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL 15 server on a free loopback port; yields the URL of its `postgres` database."""
    from tests.conftest import free_port

    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15 is not installed ({PG_BIN}/initdb missing): run `make system-deps`")
    # its own /tmp dir: pytest's temp root is private to root and the server runs as postgres
    base = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    port = free_port()
    subprocess.run(as_postgres(str(PG_BIN / "initdb"), "-D", f"{base}/data", "-A", "trust", "-U", "app"),
                   check=True, capture_output=True)
    subprocess.run(as_postgres(str(PG_BIN / "pg_ctl"), "-D", f"{base}/data", "-w", "-l", f"{base}/log", "-o",
                               f"-p {port} -k {base} -c listen_addresses=127.0.0.1", "start"),
                   check=True, capture_output=True)
    try:
        yield f"postgresql://app@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_postgres(str(PG_BIN / "pg_ctl"), "-D", f"{base}/data", "-m", "fast", "stop"),
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def new_database(url: str, name: str | None = None) -> str:
    """Create a database on the server of `url` (default: a fresh unique name); returns its URL."""
    import psycopg

    name = name or f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name
