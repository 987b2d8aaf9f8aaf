"""Test harness: a fresh database per run, migrated with the real CLI, and a real server process.

``CODINCOD_TEST_DB=sqlite`` (default) or ``postgres`` picks the database; run the two in separate
pytest processes (``tests/run.sh`` does), since Tortoise caches SQL per table, not per dialect.
PostgreSQL comes from ``CODINCOD_TEST_POSTGRES_URL`` (default: postgres@127.0.0.1:5432); under
``CI=true`` an unreachable PostgreSQL fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from codincod import db
from codincod.config import Settings
from tests.pistonpeer import PistonPeer
from tests.support import (
    DB_KIND,
    PG_ADMIN_URL,
    TEST_BCRYPT_ROUNDS,
    TEST_SECRET,
    ServerProcess,
    create_database,
    drop_database,
    run_cli,
    server_env,
)


def pytest_report_header() -> str:
    return f"codincod test database: {DB_KIND}"


def create_postgres_database(name: str) -> str:
    try:
        return create_database(PG_ADMIN_URL, name)
    except (OSError, asyncpg.PostgresError) as error:
        message = f"PostgreSQL at {PG_ADMIN_URL} is not usable: {error}"
        if os.environ.get("CI") == "true":
            pytest.exit(message, returncode=3)
        pytest.skip(message, allow_module_level=True)


def drop_postgres_database(name: str) -> None:
    drop_database(PG_ADMIN_URL, name)


@pytest.fixture(scope="session")
def fresh_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[callable]:
    """A factory of empty databases of the kind under test, all dropped at the end."""
    created: list[str] = []

    def make(label: str) -> str:
        if DB_KIND == "postgres":
            name = f"codincod_test_{label}_{secrets.token_hex(4)}"
            url = create_postgres_database(name)
            created.append(name)
            return url
        return f"sqlite://{tmp_path_factory.mktemp(label) / 'codincod.sqlite3'}"

    yield make
    for name in created:
        drop_postgres_database(name)


@pytest.fixture(scope="session")
def database_url(fresh_database) -> str:
    return fresh_database("main")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def env(data_dir: Path, database_url: str) -> dict[str, str]:
    environment = server_env(data_dir, database_url)
    result = run_cli(["db", "upgrade"], environment)
    assert result.returncode == 0, result.stderr + result.stdout
    return environment


@pytest.fixture(scope="session")
def settings(env: dict[str, str]) -> Settings:
    return Settings(
        data_dir=Path(env["CODINCOD_DATA_DIR"]),
        database_url=env["CODINCOD_DATABASE_URL"],
        jwt_secret=TEST_SECRET,
        bcrypt_rounds=TEST_BCRYPT_ROUNDS,
        environment="test",
    )


@pytest.fixture(scope="session")
async def orm(settings: Settings) -> AsyncIterator[Settings]:
    """The test process's own connection to the server's database, for arranging and checking."""
    await db.init_db(settings)
    yield settings
    await db.close_db()


@pytest.fixture(scope="session")
def server(
    env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    log_file = tmp_path_factory.mktemp("logs") / "server.log"
    process = ServerProcess(env, log_file)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def piston_peer() -> Iterator[PistonPeer]:
    """A Piston-speaking server in this process (a thread) that runs real code."""
    peer = PistonPeer(output_max_size=64 * 1024).start()
    yield peer
    peer.stop()


@pytest.fixture
def peer(piston_peer: PistonPeer) -> Iterator[PistonPeer]:
    """The peer, behaving normally with fresh counters, and reset after the test."""
    piston_peer.reset()
    yield piston_peer
    piston_peer.reset()


@pytest.fixture(scope="session")
def piston_server(
    env: dict[str, str], piston_peer: PistonPeer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A second server on the same database whose code runs on the Piston peer."""
    extra = {
        "CODINCOD_PISTON_URL": piston_peer.url,
        "CODINCOD_PISTON_TIMEOUT_SECONDS": "3",
        "CODINCOD_RUN_TIMEOUT_MS": "1500",
    }
    process = ServerProcess({**env, **extra}, tmp_path_factory.mktemp("logs") / "piston.log")
    process.start()
    yield process
    process.stop()
