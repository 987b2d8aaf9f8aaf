"""The console against a real running server: seeded data made over HTTP (and the ORM where
the API has no door, e.g. a finished game to replay), consoles driven by Textual's pilot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import _wait as textual_wait

from tests.actors import moderator
from tests.console.support import Staff
from tests.support import ServerProcess, client

# The pilot waits for the app to go idle after every key in slices of 20 ms; slices of 5 ms
# see the same idleness (the tests wait for what they check with ``until`` anyway) and keep
# the console's tests within their minute.
textual_wait.SLEEP_GRANULARITY = 0.005
textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test keeps its token and key map in a folder of its own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config"


@pytest.fixture(scope="session")
async def staff(server: ServerProcess, orm: Any) -> Staff:
    async with client(server.url) as http:
        admin, admin_id = await moderator(http, "con_admin", admin=True)
        other, _ = await moderator(http, "con_other")
    return Staff(server.url, admin, admin_id, other)


# --- seeded things ------------------------------------------------------------------------------
