"""``codincod doctor`` through the real CLI, on the database under test: green on a sound
install, and each broken thing named with what to do."""

from __future__ import annotations

from tests.support import DB_KIND, free_port, run_cli, server_env


def doctor(env: dict[str, str]) -> tuple[int, str]:
    result = run_cli(["doctor"], env)
    return result.returncode, result.stdout + result.stderr


def test_a_sound_install_is_green_and_a_pending_migration_is_named(
    fresh_database, tmp_path
) -> None:
    env = server_env(tmp_path / "data", fresh_database("doctor"))
    code, said = doctor(env)
    assert code == 1 and "FAIL  migrations" in said and "codincod db upgrade" in said
    assert run_cli(["db", "upgrade"], env).returncode == 0
    code, said = doctor(env)
    assert code == 0, said
    assert "all checks pass" in said and "FAIL" not in said
    for check in ("database", "migrations", "jwt secret", "frontend origin", "executor", "disk"):
        assert f"  {check}:" in said, check


def test_secrets_that_others_can_read_or_guess_fail(fresh_database, tmp_path) -> None:
    env = server_env(tmp_path / "data", fresh_database("doctor_secret"))
    assert run_cli(["db", "upgrade"], env).returncode == 0
    del env["CODINCOD_JWT_SECRET"]  # the generated one, kept in the data directory
    secret = tmp_path / "data" / "jwt-secret"
    secret.parent.mkdir(mode=0o700, exist_ok=True)
    secret.write_text("s" * 48 + "\n")
    secret.chmod(0o644)
    code, said = doctor(env)
    assert code == 1 and "permission" in said and "chmod 600" in said
    secret.chmod(0o600)
    code, said = doctor(env)
    if DB_KIND == "postgres":  # other processes and hosts must share one secret
        assert "warn  jwt secret" in said and "CODINCOD_JWT_SECRET" in said
    assert code == 0, said
    code, said = doctor({**env, "CODINCOD_JWT_SECRET": "short"})
    assert code == 1 and "guessable" in said


def test_an_unreachable_piston_is_named(fresh_database, tmp_path) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    env = server_env(
        tmp_path / "data", fresh_database("doctor_piston"), CODINCOD_PISTON_URL=nowhere
    )
    assert run_cli(["db", "upgrade"], env).returncode == 0
    code, said = doctor(env)
    assert code == 1 and f"Piston at {nowhere}" in said and "CODINCOD_PISTON_URL" in said


def test_an_unreachable_database_is_named(tmp_path) -> None:
    url = "postgres://nobody@127.0.0.1:1/none"
    code, said = doctor(server_env(tmp_path / "data", url))
    assert code == 1 and "FAIL  database" in said and "CODINCOD_DATABASE_URL" in said
