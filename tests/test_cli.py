"""The admin commands, run as an operator would."""

from __future__ import annotations

import pytest

from codincod.accounts.models import User
from tests.support import run_cli

pytestmark = pytest.mark.usefixtures("orm")

COMMANDS = [
    [],
    ["serve"],
    ["db"],
    ["db", "upgrade"],
    ["db", "status"],
    ["db", "history"],
    ["db", "makemigrations"],
    ["user"],
    ["user", "create"],
    ["user", "set-role"],
    ["doctor"],
    ["db", "backup"],
    ["db", "restore"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "codincod")
def test_every_command_has_help(env, command) -> None:
    result = run_cli([*command, "--help"], env)
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout


async def test_user_create_reads_the_password_from_stdin_and_set_role(env) -> None:
    created = run_cli(
        [
            "user",
            "create",
            "--username",
            "cli_mod",
            "--email",
            "cli@example.com",
            "--role",
            "moderator",
        ],
        env,
        stdin="a password from stdin\n",
    )
    assert created.returncode == 0, created.stderr
    assert "created moderator cli_mod" in created.stdout
    assert "a password from stdin" not in created.stdout + created.stderr
    user = await User.get(username="cli_mod")
    assert user.role == "moderator" and user.password_hash.startswith("sha256+$2")
    demoted = run_cli(["user", "set-role", "cli_mod", "user"], env)
    assert demoted.returncode == 0 and "now a user" in demoted.stdout
    await user.refresh_from_db()
    assert user.role == "user"


def test_user_create_explains_bad_input(env) -> None:
    short = run_cli(
        ["user", "create", "--username", "cli_short", "--email", "s@example.com"],
        env,
        stdin="short\n",
    )
    assert short.returncode == 1 and "at least 14 characters" in short.stderr
    unknown = run_cli(["user", "set-role", "no_such_user", "moderator"], env)
    assert unknown.returncode == 1 and "No user named" in unknown.stderr
    bad_role = run_cli(["user", "set-role", "cli_mod", "admin"], env)
    assert bad_role.returncode == 2


def test_config_lists_every_setting_the_readme_names(env) -> None:
    import re

    from tests.support import ROOT

    named = set(re.findall(r"`(CODINCOD_[A-Z0-9_]+)`", (ROOT / "README.md").read_text()))
    result = run_cli(["config"], env)
    assert result.returncode == 0, result.stderr
    listed = set(re.findall(r"CODINCOD_[A-Z0-9_]+", result.stdout))
    assert named and named <= listed, named - listed


def test_user_create_help_states_the_password_rules(env) -> None:
    said = run_cli(["user", "create", "--help"], env).stdout
    assert "14 to 4096 characters" in said and "3 to 20" in said
