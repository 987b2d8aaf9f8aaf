"""Pure rule modules load no ORM, driver, web framework or validation library: each is
imported alone in a fresh interpreter and what it pulled in is checked."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support import ROOT

PURE = [
    "codincod.actors",
    "codincod.puzzles.rules",
    "codincod.execution.judging",
    "codincod.games.scoring",
    "codincod.games.lifecycle",
    "codincod.ratings.glicko",
    "codincod.grouping",
    "codincod.accounts.bans",
    "codincod.cache",
    "codincod.execution.sandbox",
]
HEAVY = ("tortoise", "asyncpg", "aiosqlite", "sanic", "pydantic", "textual", "httpx")

CHECK = """
import importlib, sys
importlib.import_module(sys.argv[1])
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


@pytest.mark.parametrize("module", PURE)
def test_a_pure_module_loads_nothing_heavy(module: str) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", CHECK, module],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    ).stdout.split()
    assert not set(loaded) & set(HEAVY), f"{module} loads {set(loaded) & set(HEAVY)}"
