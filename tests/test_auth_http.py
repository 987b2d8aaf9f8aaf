"""Accounts and sessions over real HTTP against a running server."""

from __future__ import annotations

import time
from typing import Any

import bcrypt
import jwt
import pytest

from codincod.accounts.models import User, UserBan
from codincod.accounts.passwords import hash_cost
from codincod.timeutil import utcnow
from tests.support import TEST_BCRYPT_ROUNDS, TEST_SECRET, client, eventually, register, token_from

pytestmark = pytest.mark.usefixtures("orm")


def cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"token={token}"}


async def test_register_sets_the_cookie_the_frontend_copies(server) -> None:
    async with client(server.url) as http:
        response = await http.post(
            "/api/v1/register",
            content=b'{"username":"cookie_user","email":"Cookie@Example.com",'
            b'"password":"fourteen chars!"}',
            headers={"Content-Type": "text/plain;charset=UTF-8"},
        )
    assert response.status_code == 200, response.text
    assert response.json() == {"message": "User registered successfully"}
    set_cookie = response.headers.get_list("set-cookie")[0]
    first = set_cookie.split("; ")[0]
    name, value = first.split("=")  # exactly one "=": the frontend splits on it
    assert name == "token" and value.count(".") == 2
    assert (
        "HttpOnly" in set_cookie and "Path=/" in set_cookie and "Max-Age=86400" in set_cookie
    )  # the token's lifetime
    user = await User.get(username="cookie_user")
    assert user.email == "cookie@example.com"
    assert hash_cost(user.password_hash) == TEST_BCRYPT_ROUNDS


async def test_me_logout_and_revocation(server) -> None:
    async with client(server.url) as http:
        token = await register(http, "me_user")
        me = await http.get("/api/v1/user/me", headers=cookie(token))
        assert me.status_code == 200
        body = me.json()
        assert body["isAuthenticated"] is True and body["username"] == "me_user"
        assert body["role"] == "user" and len(body["userId"]) == 24
        int(body["userId"], 16)
        bearer = await http.get("/api/v1/user/me", headers={"Authorization": f"Bearer {token}"})
        assert bearer.status_code == 200
        out = await http.post("/api/v1/logout", headers=cookie(token))
        assert out.status_code == 200 and out.json() == {"message": "Logout successful"}
        assert out.headers["set-cookie"].startswith("token=; Max-Age=0")
        again = await http.get("/api/v1/user/me", headers=cookie(token))
        assert again.status_code == 401
        assert "message" in again.json() and "error" in again.json()


async def test_login_by_username_and_email_case_insensitive_email(server) -> None:
    async with client(server.url) as http:
        await register(http, "login_user", password="the right password")
        by_name = await http.post(
            "/api/v1/login", json={"identifier": "login_user", "password": "the right password"}
        )
        assert by_name.status_code == 200 and by_name.json() == {"message": "Login successful"}
        by_mail = await http.post(
            "/api/v1/login",
            json={"identifier": "LOGIN_USER@example.com", "password": "the right password"},
        )
        assert by_mail.status_code == 200
        me = await http.get("/api/v1/user/me", headers=cookie(token_from(by_mail)))
        assert me.json()["username"] == "login_user"
        wrong = await http.post(
            "/api/v1/login", json={"identifier": "login_user", "password": "the wrong password"}
        )
        assert wrong.status_code == 401
        assert wrong.json()["message"] == "Invalid email/username or password"
        nobody = await http.post(
            "/api/v1/login", json={"identifier": "nobody_here", "password": "x"}
        )
        assert nobody.status_code == 401


async def test_duplicate_username_and_email_conflict(server) -> None:
    async with client(server.url) as http:
        await register(http, "dup_user")
        same_name = await http.post(
            "/api/v1/register",
            json={"username": "dup_user", "email": "other@example.com", "password": "p" * 14},
        )
        assert (
            same_name.status_code == 409
            and same_name.json()["message"] == "Username already exists"
        )
        same_mail = await http.post(
            "/api/v1/register",
            json={"username": "dup_user2", "email": "DUP_USER@example.com", "password": "p" * 14},
        )
        assert (
            same_mail.status_code == 409 and same_mail.json()["message"] == "Email already exists"
        )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"username": "ab", "email": "a@example.com", "password": "p" * 14}, "at least 3"),
        (
            {"username": "bad name", "email": "a@example.com", "password": "p" * 14},
            "can only contain",
        ),
        ({"username": "fine_name", "email": "not-an-email", "password": "p" * 14}, "Invalid email"),
        ({"username": "fine_name", "email": "a@example.com", "password": "short"}, "at least 14"),
    ],
)
async def test_register_rules_are_explained(server, payload, message) -> None:
    async with client(server.url) as http:
        response = await http.post("/api/v1/register", json=payload)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert response.json()["details"][0]["path"] in {"username", "email", "password"}


async def test_extra_fields_cannot_make_a_moderator(server) -> None:
    async with client(server.url) as http:
        response = await http.post(
            "/api/v1/register",
            json={
                "username": "sneaky",
                "email": "sneaky@example.com",
                "password": "p" * 14,
                "role": "moderator",
            },
        )
        assert response.status_code == 200
        me = await http.get("/api/v1/user/me", headers=cookie(token_from(response)))
    assert me.json()["role"] == "user"


def forged(payload: dict, secret: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, secret, algorithm=algorithm)


async def test_expired_tampered_and_alg_none_tokens_get_401(server) -> None:
    async with client(server.url) as http:
        token = await register(http, "tamper_user")
        claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
        now = int(time.time())
        expired = forged({**claims, "iat": now - 7200, "exp": now - 3600})
        header, payload, signature = token.split(".")
        tampered = ".".join(
            [header, payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB"), signature]
        )
        unsigned = jwt.encode({**claims}, None, algorithm="none")
        wrong_key = forged(claims, secret="another-secret-" + "y" * 40)
        for bad in (expired, tampered, unsigned, wrong_key, "garbage", "a.b.c"):
            response = await http.get("/api/v1/user/me", headers=cookie(bad))
            assert response.status_code == 401, (bad, response.text)
            assert response.headers["content-type"] == "application/json"
        expired_body = (await http.get("/api/v1/user/me", headers=cookie(expired))).json()
        assert expired_body["message"] == "Authorization token expired"
        missing = await http.get("/api/v1/user/me")
        assert missing.status_code == 401
        assert missing.json()["message"] == "No authentication token provided"


async def test_a_node_issued_token_with_the_same_secret_is_accepted(server) -> None:
    async with client(server.url) as http:
        await register(http, "node_user")
    user = await User.get(username="node_user")
    now = int(time.time())
    node_token = forged(
        {
            "userId": user.id,
            "username": "node_user",
            "role": "user",
            "isAuthenticated": True,
            "iat": now,
            "exp": now + 3600,
        }
    )
    async with client(server.url) as http:
        response = await http.get("/api/v1/user/me", headers=cookie(node_token))
        assert response.status_code == 200 and response.json()["userId"] == user.id
        await http.post("/api/v1/logout", headers=cookie(node_token))
        assert (await http.get("/api/v1/user/me", headers=cookie(node_token))).status_code == 401


async def test_role_change_is_seen_at_once(server) -> None:
    async with client(server.url) as http:
        token = await register(http, "promoted")
        await User.filter(username="promoted").update(role="moderator")
        me = await http.get("/api/v1/user/me", headers=cookie(token))
    assert me.json()["role"] == "moderator"


async def test_banned_users_are_refused_and_temporary_bans_expire(server) -> None:
    async with client(server.url) as http:
        await register(http, "ban_mod")
        token = await register(http, "banned_user", password="banned password!!")
    moderator = await User.get(username="ban_mod")
    user = await User.get(username="banned_user")
    ban = await UserBan.create(
        user=user, banned_by=moderator, ban_type="permanent", reason="spamming the chat"
    )
    async with client(server.url) as http:
        refused = await http.get("/api/v1/user/me", headers=cookie(token))
        assert refused.status_code == 403
        body = refused.json()
        assert body["banDetails"]["type"] == "permanent"
        assert body["banDetails"]["reason"] == "spamming the chat"
        assert "permanently banned" in body["error"]
        login = await http.post(
            "/api/v1/login", json={"identifier": "banned_user", "password": "banned password!!"}
        )
        assert login.status_code == 403
    ban.is_active = False
    await ban.save()
    from datetime import timedelta

    running = await UserBan.create(
        user=user,
        banned_by=moderator,
        ban_type="temporary",
        reason="cool down please",
        end_date=utcnow() + timedelta(hours=1),
    )
    async with client(server.url) as http:
        temporary = await http.get("/api/v1/user/me", headers=cookie(token))
        assert temporary.status_code == 403
        assert temporary.json()["banDetails"]["endDate"].endswith("Z")
        # The ban's end comes (moved, not waited for): the next request is let in, and the
        # ban is marked over.
        await UserBan.filter(id=running.id).update(end_date=utcnow() - timedelta(seconds=1))
        await eventually(lambda: me_status(http, token), 200)
    await running.refresh_from_db()
    assert running.is_active is False


async def me_status(http: Any, token: str) -> int:
    return (await http.get("/api/v1/user/me", headers=cookie(token))).status_code


async def test_weak_hashes_are_upgraded_and_long_passwords_work(server) -> None:
    long_password = "é" * 50  # 100 bytes: beyond bcrypt's 72
    weak = bcrypt.hashpw(long_password.encode()[:72], bcrypt.gensalt(4)).decode()
    await User.create(username="weak_hash", email="weak@example.com", password_hash=weak)
    async with client(server.url) as http:
        response = await http.post(
            "/api/v1/login", json={"identifier": "weak_hash", "password": long_password}
        )
        assert response.status_code == 200, response.text
        user = await User.get(username="weak_hash")
        assert hash_cost(user.password_hash) == TEST_BCRYPT_ROUNDS
        again = await http.post(
            "/api/v1/login", json={"identifier": "weak_hash", "password": long_password}
        )
        assert again.status_code == 200
        registered = await http.post(
            "/api/v1/register",
            json={"username": "long_pw", "email": "long@example.com", "password": "x" * 300},
        )
        assert registered.status_code == 200


async def test_login_is_rate_limited_per_client(server) -> None:
    async with client(server.url) as http:
        statuses = []
        for _ in range(7):
            response = await http.post(
                "/api/v1/login", json={"identifier": "nobody", "password": "nope"}
            )
            statuses.append(response.status_code)
        assert statuses[:5] == [401] * 5 and statuses[5] == 429
        body = response.json()
        assert body["statusCode"] == 429 and body["retryAfter"] >= 1
        assert "Rate limit exceeded" in body["message"]
        assert response.headers["retry-after"] == str(body["retryAfter"])
        assert response.headers["x-ratelimit-limit"] == "5"
    async with client(server.url) as other:  # another client address is not affected
        response = await other.post(
            "/api/v1/login", json={"identifier": "nobody", "password": "nope"}
        )
        assert response.status_code == 401


async def test_session_changes_made_outside_the_server_apply_at_once(server, settings) -> None:
    """Plain SQL from another connection: role, ban and revocation all take effect within
    moments, also after the server lost its event connection (its cache must stop trusting)."""
    from codincod import db

    async def role() -> str:
        return (await http.get("/api/v1/user/me", headers=cookie(token))).json()["role"]

    async def status() -> int:
        return (await http.get("/api/v1/user/me", headers=cookie(token))).status_code

    async with client(server.url) as http:
        token = await register(http, "outside_sql")
        user = await User.get(username="outside_sql")
        for _ in range(3):  # warm whatever the server remembers
            assert (await http.get("/api/v1/user/me", headers=cookie(token))).json()[
                "role"
            ] == "user"
        await db.connection().execute_query(
            db.sql("UPDATE users SET role = 'moderator' WHERE id = $1"), [user.id]
        )
        await eventually(role, "moderator")
        if settings.dialect == "postgres":
            await db.connection().execute_query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name LIKE 'codincod-events%' AND datname = current_database()"
            )

            # Staleness is bounded by how soon the server notices (a closed socket: at once);
            # wait for that, as pg_terminate_backend returns before the backend is gone.
            async def noticed() -> bool:
                return "lost the event connection" in server.log()

            await eventually(noticed, True, seconds=5)
        await db.connection().execute_query(
            db.sql("UPDATE users SET role = 'user' WHERE id = $1"), [user.id]
        )
        await eventually(role, "user")
        await UserBan.create(user=user, banned_by=user, ban_type="permanent", reason="sql ban ok")
        await eventually(status, 403)
