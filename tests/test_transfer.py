"""``codincod db transfer --to URL`` through the real CLI: a seeded SQLite install moved to an
empty PostgreSQL database and back, every table the same (checksums), passwords working on
the copy through a real server, serial ids going on after the copied ones; and what it
refuses. Both dialects take part in every run, so it runs in the SQLite run only (which under
CI=true has PostgreSQL too)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.support import (
    DB_KIND,
    PG_ADMIN_URL,
    ServerProcess,
    create_database,
    drop_database,
    run_cli,
    server_env,
)

pytestmark = pytest.mark.skipif(
    DB_KIND != "sqlite", reason="SQLite and PostgreSQL both take part: the SQLite run has it"
)
PASSWORD = "transfer password!\n"


@contextmanager
def statements_on(url: str) -> Iterator[Callable[[str], None]]:
    """Plain statements on ``url`` (asyncpg, run to completion each)."""
    loop = asyncio.new_event_loop()
    connection = loop.run_until_complete(asyncpg.connect(url))
    try:
        yield lambda statement: loop.run_until_complete(connection.execute(statement))
    finally:
        loop.run_until_complete(connection.close())
        loop.close()


def _sums(env: dict[str, str]) -> str:
    result = run_cli(["checksum"], env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _transfer(env: dict[str, str], target: str) -> str:
    moved = run_cli(["db", "transfer", "--to", target], env, timeout=300)
    assert moved.returncode == 0, moved.stderr + moved.stdout
    return moved.stdout


@pytest.fixture
def empty_postgres(tmp_path: Path):
    name = f"codincod_test_transfer_{tmp_path.name[-8:].lower().replace('-', '_')}"
    url = create_database(PG_ADMIN_URL, name)
    yield url
    drop_database(PG_ADMIN_URL, name)


def test_sqlite_moves_to_postgres_and_back_with_everything(
    tmp_path: Path, empty_postgres: str
) -> None:
    lite = server_env(tmp_path / "data", f"sqlite://{tmp_path / 'data' / 'codincod.sqlite3'}")
    assert run_cli(["db", "upgrade"], lite).returncode == 0
    seeded = run_cli(["seed", "--preset", "demo", "--password-stdin"], lite, stdin=PASSWORD)
    assert seeded.returncode == 0, seeded.stderr
    told = _transfer(lite, empty_postgres)
    assert "checksum matches" in told and f"CODINCOD_DATABASE_URL={empty_postgres}" in told
    pg = {**lite, "CODINCOD_DATABASE_URL": empty_postgres}
    assert _sums(pg) == _sums(lite)

    # Serial ids go on after the copied ones: a new tally takes the next one, not id 1.
    with statements_on(empty_postgres) as run_sql:
        run_sql("INSERT INTO puzzle_counts (visibility, difficulty, n) VALUES ('moved', 'x', 0)")
    serving = ServerProcess(pg, tmp_path / "server.log")
    serving.start()
    try:
        with httpx.Client(base_url=serving.url) as http:
            login = {"identifier": "demo_admin", "password": PASSWORD.strip()}
            assert http.post("/api/v1/login", json=login).status_code == 200
        with httpx.Client(base_url=serving.url) as anonymous:  # the seed's 13, approved
            assert anonymous.get("/api/v1/puzzle").json()["totalItems"] == 13
    finally:
        serving.stop()

    back = f"sqlite://{tmp_path / 'back.sqlite3'}"
    assert "checksum matches" in _transfer(pg, back)
    assert _sums({**lite, "CODINCOD_DATABASE_URL": back}) == _sums(pg)


def test_a_transfer_refuses_a_target_with_data_itself_and_a_strange_url(
    tmp_path: Path, empty_postgres: str
) -> None:
    lite = server_env(tmp_path / "data", f"sqlite://{tmp_path / 'data' / 'codincod.sqlite3'}")
    assert run_cli(["db", "upgrade"], lite).returncode == 0
    made = run_cli(
        ["user", "create", "--username", "only_one", "--email", "o@x.org", "--password-stdin"],
        lite,
        stdin=PASSWORD,
    )
    assert made.returncode == 0, made.stderr
    _transfer(lite, empty_postgres)
    again = run_cli(["db", "transfer", "--to", empty_postgres], lite)
    assert again.returncode != 0 and "already holds data" in again.stderr
    itself = run_cli(["db", "transfer", "--to", lite["CODINCOD_DATABASE_URL"]], lite)
    assert itself.returncode != 0 and "configured database itself" in itself.stderr
    strange = run_cli(["db", "transfer", "--to", "mysql://somewhere/db"], lite)
    assert strange.returncode != 0 and "sqlite://" in strange.stderr
    assert "Traceback" not in again.stderr + itself.stderr + strange.stderr
