"""Pure rules: ids, settings, passwords, tokens, bans, client addresses, rate windows."""

from __future__ import annotations

import os
import stat
import time
from datetime import timedelta
from types import SimpleNamespace

import jwt
import pytest

from codincod.accounts import passwords, tokens
from codincod.accounts.bans import ActiveBan, effective_ban
from codincod.config import Settings, load_or_create_secret
from codincod.errors import Unauthenticated
from codincod.ids import is_valid_id, new_id
from codincod.timeutil import iso_z, utcnow
from server.http import client_address
from server.ratelimit import Limit, MemoryWindows

SECRET = "unit-secret-" + "z" * 40


def test_ids_are_24_hex_unique_and_time_ordered() -> None:
    ids = [new_id() for _ in range(2000)]
    assert all(is_valid_id(i) and len(i) == 24 for i in ids)
    assert len(set(ids)) == len(ids)
    assert int(ids[0][:8], 16) <= int(ids[-1][:8], 16) <= int(time.time())
    assert not is_valid_id("xyz") and not is_valid_id("0" * 23) and not is_valid_id(None)


def test_dates_are_utc_with_milliseconds_and_z() -> None:
    from datetime import UTC, datetime, timezone

    value = datetime(2025, 10, 31, 22, 11, 22, 123456, tzinfo=timezone(timedelta(hours=1)))
    assert iso_z(value) == "2025-10-31T21:11:22.123Z"
    assert iso_z(datetime(2025, 1, 1, tzinfo=UTC)) == "2025-01-01T00:00:00.000Z"
    assert iso_z(datetime(2025, 1, 1, 2, 30)) == "2025-01-01T02:30:00.000Z"  # naive: UTC
    two_hours_east = timezone(timedelta(hours=2))
    assert iso_z(datetime(2025, 1, 1, 2, 30, tzinfo=two_hours_east)) == "2025-01-01T00:30:00.000Z"
    assert iso_z(datetime(2025, 1, 1, tzinfo=timezone(timedelta(0)))) == "2025-01-01T00:00:00.000Z"


def test_settings_defaults_and_node_fallbacks(monkeypatch, tmp_path) -> None:
    for name in list(os.environ):
        if name.startswith("CODINCOD_") or name in {"JWT_SECRET", "PISTON_URI", "NODE_ENV"}:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("JWT_SECRET", "from-node-env")
    monkeypatch.setenv("PISTON_URI", "http://piston:2000")
    monkeypatch.setenv("NODE_ENV", "production")
    monkeypatch.setenv("FRONTEND_URL", "https://codincod.example")
    monkeypatch.setenv("CODINCOD_DATA_DIR", str(tmp_path))
    settings = Settings()
    assert settings.port == 8888 and settings.dialect == "sqlite"
    assert settings.resolved_database_url == f"sqlite://{tmp_path / 'codincod.sqlite3'}"
    assert settings.jwt_secret == "from-node-env" and settings.piston_url == "http://piston:2000"
    assert settings.production and settings.frontend_url == "https://codincod.example"
    monkeypatch.setenv("CODINCOD_JWT_SECRET", "ours-wins")
    assert Settings().jwt_secret == "ours-wins"


def test_settings_from_a_toml_file(monkeypatch, tmp_path) -> None:
    config = tmp_path / "codincod.toml"
    config.write_text(
        'port = 9999\ndatabase_url = "postgresql://u@db/x"\ntrusted_proxies = ["10.0.0.0/8"]\n'
    )
    monkeypatch.setenv("CODINCOD_CONFIG", str(config))
    monkeypatch.delenv("CODINCOD_PORT", raising=False)
    monkeypatch.delenv("CODINCOD_DATABASE_URL", raising=False)
    settings = Settings()
    assert settings.port == 9999 and settings.dialect == "postgres"
    assert settings.trusted_proxies == ["10.0.0.0/8"]
    monkeypatch.setenv("CODINCOD_PORT", "7000")
    assert Settings().port == 7000  # the environment beats the file


def test_bad_settings_are_refused(monkeypatch) -> None:
    monkeypatch.setenv("CODINCOD_TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(ValueError):
        Settings()


def test_generated_secret_is_private_and_kept(tmp_path) -> None:
    data_dir = tmp_path / "data"
    first = load_or_create_secret(data_dir)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    tmp_path = data_dir
    assert len(first) >= 32
    mode = stat.S_IMODE((tmp_path / "jwt-secret").stat().st_mode)
    assert mode == 0o600
    assert load_or_create_secret(tmp_path) == first


def test_an_open_data_dir_is_closed_but_a_shared_one_left_alone(tmp_path) -> None:
    from codincod.config import ensure_private_dir

    opened, shared = tmp_path / "opened", tmp_path / "shared"
    opened.mkdir(mode=0o755)
    shared.mkdir()
    shared.chmod(0o1777)
    ensure_private_dir(opened, tighten=True)
    ensure_private_dir(shared, tighten=True)
    assert stat.S_IMODE(opened.stat().st_mode) == 0o700
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777


async def test_passwords_beyond_72_bytes_and_rehash_rules() -> None:
    hashed = await passwords.hash_password("p" * 200, 4)
    assert await passwords.check_password("p" * 200, hashed)
    assert not await passwords.check_password("q" * 200, hashed)
    assert not await passwords.check_password("anything", None)
    assert not await passwords.check_password("anything", "not-a-hash")
    assert passwords.hash_cost(hashed) == 4
    assert passwords.needs_rehash(hashed, 5) and not passwords.needs_rehash(hashed, 4)
    node_style = hashed.replace("$2b$", "$2a$", 1)
    assert await passwords.check_password("p" * 200, node_style)


def test_tokens_round_trip_and_refuse_forgeries() -> None:
    token = tokens.issue(
        user_id="a" * 24, username="amy", role="user", secret=SECRET, ttl_seconds=60
    )
    claims = tokens.decode(token, SECRET)
    assert claims.user_id == "a" * 24 and claims.username == "amy" and len(claims.token_id) == 32
    payload = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert payload["isAuthenticated"] is True and payload["exp"] - payload["iat"] == 60
    with pytest.raises(Unauthenticated):
        tokens.decode(jwt.encode(payload, None, algorithm="none"), SECRET)
    with pytest.raises(Unauthenticated):
        tokens.decode(jwt.encode({**payload, "userId": "not-an-id"}, SECRET), SECRET)
    with pytest.raises(Unauthenticated, match="expired"):
        tokens.decode(jwt.encode({**payload, "exp": 1, "iat": 0}, SECRET), SECRET)
    no_jti = jwt.encode({k: v for k, v in payload.items() if k != "jti"}, SECRET)
    assert len(tokens.decode(no_jti, SECRET).token_id) == 64  # a digest stands in


def test_the_ban_in_force() -> None:
    now = utcnow()
    past = ActiveBan("1", "temporary", "r", now - timedelta(minutes=1))
    later = ActiveBan("2", "temporary", "r", now + timedelta(days=1))
    sooner = ActiveBan("3", "temporary", "r", now + timedelta(hours=1))
    forever = ActiveBan("4", "permanent", "r", None)
    assert effective_ban([], now) == (None, [])
    assert effective_ban([past], now) == (None, ["1"])
    assert effective_ban([past, sooner, later], now) == (later, ["1"])
    assert effective_ban([sooner, forever], now)[0] is forever
    assert forever.details() == {"type": "permanent", "reason": "r"}
    assert later.details()["endDate"].endswith("Z")


def fake_request(peer: str, forwarded: str | None, trusted: list[str]) -> SimpleNamespace:
    settings = Settings(trusted_proxies=trusted)
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    app = SimpleNamespace(ctx=SimpleNamespace(settings=settings))
    return SimpleNamespace(conn_info=SimpleNamespace(client_ip=peer), headers=headers, app=app)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", "1.2.3.4", ["127.0.0.1/32"], ("203.0.113.9", True)),  # untrusted peer
        ("127.0.0.1", "1.2.3.4", ["127.0.0.1/32"], ("1.2.3.4", True)),
        ("127.0.0.1", "6.6.6.6, 1.2.3.4", ["127.0.0.1/32"], ("1.2.3.4", True)),  # spoofed left
        ("127.0.0.1", "1.2.3.4, 10.0.0.2", ["127.0.0.1/32", "10.0.0.0/8"], ("1.2.3.4", True)),
        ("127.0.0.1", None, ["127.0.0.1/32"], ("127.0.0.1", False)),  # frontend's own server
        ("127.0.0.1", "garbage", ["127.0.0.1/32"], ("127.0.0.1", True)),
        ("127.0.0.1", "1.2.3.4", [], ("127.0.0.1", True)),
    ],
)
def test_client_address_trusts_only_configured_proxies(peer, forwarded, trusted, expected) -> None:
    assert client_address(fake_request(peer, forwarded, trusted)) == expected


def test_rate_windows() -> None:
    limiter = MemoryWindows()
    limit = Limit("t", 2, 60)
    assert limiter.hit_now(limit, "a", now=0).allowed
    assert limiter.hit_now(limit, "a", now=1).allowed
    denied = limiter.hit_now(limit, "a", now=2)
    assert not denied.allowed and denied.remaining == 0 and denied.reset_seconds == 58
    assert limiter.hit_now(limit, "b", now=2).allowed
    assert limiter.hit_now(limit, "a", now=61).allowed
