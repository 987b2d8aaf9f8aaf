"""Bad input on every endpoint gets a 4xx JSON error, never a 500, and changes nothing."""

from __future__ import annotations

import asyncio
import json

import pytest

from codincod.accounts.models import User
from tests.support import client, register

pytestmark = pytest.mark.usefixtures("orm")

# (method, path, needs a session); {puzzle} and {comment} are filled with real ids
BODY_ENDPOINTS = [
    ("POST", "/api/v1/register", False),
    ("POST", "/api/v1/login", False),
    ("PUT", "/api/v1/account/preferences", True),
    ("PATCH", "/api/v1/account/preferences", True),
    ("POST", "/api/v1/puzzle", True),
    ("PUT", "/api/v1/puzzle/{puzzle}", True),
    ("POST", "/api/v1/puzzle/{puzzle}/comment", True),
    ("POST", "/api/v1/comment/{comment}/comment", True),
    ("POST", "/api/v1/comment/{comment}/vote", True),
    ("POST", "/api/v1/report", True),
]

BAD_BODIES = {
    "malformed json": (b'{"username": "x",', "application/json"),
    "truncated text/plain json": (b'{"identifier": ', "text/plain"),
    "json array": (b"[1, 2, 3]", "application/json"),
    "json string": (b'"just a string"', "application/json"),
    "json null": (b"null", "application/json"),
    "empty body": (b"", "application/json"),
    "not utf-8": (b"\xff\xfe\x00garbage", "application/json"),
    "wrong types": (
        b'{"username": 12, "email": [], "password": {}, "identifier": 5, "theme": 3,'
        b' "editor": "vim", "blockedUsers": "nope", "title": 5, "text": 7, "type": 1,'
        b' "problemType": 2, "explanation": false, "problematicIdentifier": 3}',
        "application/json",
    ),
    "deeply nested": (b"[" * 5000 + b"]" * 5000, "application/json"),
}


@pytest.fixture(scope="module")
async def session(server) -> str:
    async with client(server.url) as http:
        return await register(http, "bad_input_user")


@pytest.fixture(scope="module")
async def targets(server, session) -> dict[str, str]:
    headers = {"Cookie": f"token={session}"}
    async with client(server.url) as http:
        puzzle = (
            await http.post("/api/v1/puzzle", json={"title": "Bad input"}, headers=headers)
        ).json()
        comment = await http.post(
            f"/api/v1/puzzle/{puzzle['_id']}/comment", json={"text": "target"}, headers=headers
        )
    return {"puzzle": puzzle["_id"], "comment": comment.json()["_id"]}


@pytest.mark.parametrize(("method", "path", "auth"), BODY_ENDPOINTS)
@pytest.mark.parametrize("case", sorted(BAD_BODIES))
async def test_bad_bodies_get_a_4xx_json_error(
    server, session, targets, method, path, auth, case
) -> None:
    path = path.format(**targets)
    body, content_type = BAD_BODIES[case]
    headers = {"Content-Type": content_type}
    if auth:
        headers["Cookie"] = f"token={session}"
    users_before = await User.all().count()
    async with client(server.url) as http:
        response = await http.request(method, path, content=body, headers=headers)
    assert 400 <= response.status_code < 500, (case, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    payload = response.json()
    assert isinstance(payload.get("message"), str) and payload.get("error")
    assert await User.all().count() == users_before


async def test_missing_fields_are_named(server) -> None:
    async with client(server.url) as http:
        response = await http.post("/api/v1/register", json={"username": "only_name"})
    assert response.status_code == 400
    paths = {detail["path"] for detail in response.json()["details"]}
    assert paths == {"email", "password"}


async def test_oversized_body_is_refused_with_413(server) -> None:
    """The server answers from the headers alone: a client announcing 2 MiB gets a JSON 413
    before it has sent the body (sending all of it would race the server closing)."""
    host, port = server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /api/v1/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {2 * 1024 * 1024}\r\n\r\n".encode()
        + b'{"identifier": "'
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    status_line, *header_lines = head.decode().split("\r\n")
    assert status_line.split()[1] == "413"
    length = next(
        int(h.split(":")[1]) for h in header_lines if h.lower().startswith("content-length")
    )
    body = json.loads(await asyncio.wait_for(reader.readexactly(length), timeout=10))
    writer.close()
    assert body["error"] == "Payload Too Large"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/puzzle", {"title": "x" * 129}),
        ("POST", "/api/v1/puzzle", {"title": "abc"}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"difficulty": "hard"}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"visibility": "public"}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"tags": ["cooking"]}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"statement": "s" * 2049}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"validators": [{"input": 1, "output": []}]}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"validators": "none"}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"solution": {"code": 5}}),
        ("PUT", "/api/v1/puzzle/{puzzle}", {"solution": {"programmingLanguage": "nope"}}),
        ("POST", "/api/v1/puzzle/{puzzle}/comment", {"text": "t" * 321}),
        ("POST", "/api/v1/puzzle/{puzzle}/comment", {"text": ""}),
        ("POST", "/api/v1/comment/{comment}/vote", {"type": "sideways"}),
        (
            "POST",
            "/api/v1/report",
            {
                "problematicIdentifier": "{puzzle}",
                "problemType": "puzzle",
                "explanation": "e" * 1025,
            },
        ),
        (
            "POST",
            "/api/v1/report",
            {"problematicIdentifier": "{puzzle}", "problemType": "song", "explanation": "e" * 30},
        ),
        (
            "POST",
            "/api/v1/report",
            {
                "problematicIdentifier": "not-an-id",
                "problemType": "puzzle",
                "explanation": "e" * 30,
            },
        ),
        ("GET", "/api/v1/puzzle?pageSize=-5", None),
        ("GET", "/api/v1/puzzle?page=abc", None),
        ("GET", "/api/v1/user/bad_input_user/puzzle?page=0", None),
    ],
)
async def test_rule_breaking_fields_get_400(server, session, targets, method, path, body) -> None:
    if body is not None:
        body = {k: v.format(**targets) if isinstance(v, str) else v for k, v in body.items()}
    async with client(server.url) as http:
        response = await http.request(
            method, path.format(**targets), json=body, headers={"Cookie": f"token={session}"}
        )
    assert response.status_code == 400, response.text
    assert response.json()["details"]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "resource", ["/api/v1/puzzle/", "/api/v1/comment/", "/api/v1/puzzle/{}/solution"]
)
@pytest.mark.parametrize("bad_id", ["abc", "z" * 24, "a" * 25, "0" * 24, "%E2%98%83" * 8])
async def test_unknown_and_malformed_ids_get_404(server, session, method, resource, bad_id) -> None:
    path = resource.format(bad_id) if "{}" in resource else resource + bad_id
    async with client(server.url) as http:
        response = await http.request(
            method, path, json={"title": "Anything"}, headers={"Cookie": f"token={session}"}
        )
    assert response.status_code in (404, 405), (path, response.text)
    assert response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/user/%00",
        "/api/v1/user/" + "a" * 500,
        "/api/v1/user/%F0%9F%92%A9",
        "/api/v1/user/..%2F..%2Fetc",
        "/api/v1/user/a%20b/activity",
        "/api/v1/user/x/isAvailable",
        "/api/v1/nothing-here",
        "/api/v1/user/me/extra/segments",
    ],
)
async def test_odd_paths_get_4xx_json(server, path) -> None:
    async with client(server.url) as http:
        response = await http.get(path)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()


@pytest.mark.parametrize(
    "cookie",
    ["token=", "token=%%%", 'token="quoted"', "token=" + "a" * 5000, "other=1", "token=a.b"],
)
async def test_garbage_sessions_get_401(server, cookie) -> None:
    async with client(server.url) as http:
        response = await http.get("/api/v1/user/me", headers={"Cookie": cookie})
    assert response.status_code == 401, response.text


async def test_wrong_methods_get_405_json(server) -> None:
    async with client(server.url) as http:
        response = await http.delete("/api/v1/login")
    assert response.status_code == 405
    assert response.json()["statusCode"] == 405


async def test_cors_preflight_allows_the_frontend_with_credentials(server) -> None:
    async with client(server.url) as http:
        response = await http.options(
            "/api/v1/account/preferences",
            headers={
                "Origin": "http://localhost:5173",
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        simple = await http.get("/api/v1/health", headers={"Origin": "http://localhost:5173"})
        foreign = await http.get("/api/v1/health", headers={"Origin": "https://evil.example"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "PUT" in response.headers["access-control-allow-methods"]
    assert simple.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "access-control-allow-origin" not in foreign.headers


async def test_health_readiness_docs_and_request_ids(server) -> None:
    async with client(server.url) as http:
        health = await http.get("/api/v1/health")
        ready = await http.get("/api/v1/health/ready")
        spec = await http.get("/docs/openapi.json")
        docs = await http.get("/docs")
        tagged = await http.get("/api/v1/health", headers={"X-Request-ID": "trace-123"})
        trailing = await http.get("/api/v1/health/")
    assert health.json() == {"status": "OK"}
    assert ready.json()["status"] == "OK" and ready.json()["database"] == "OK"
    assert spec.status_code == 200 and "/api/v1/login" in spec.json()["paths"]
    assert spec.json()["info"]["title"] == "codincod API"
    assert docs.status_code == 200
    assert len(health.headers["x-request-id"]) >= 8
    assert tagged.headers["x-request-id"] == "trace-123"
    assert trailing.status_code == 200
    for _ in range(40):  # access lines are flushed every half second
        if "rid=trace-123" in server.log():
            break
        await asyncio.sleep(0.1)
    assert '"GET /api/v1/health" 200' in server.log() and "rid=trace-123" in server.log()


async def test_liveness_and_readiness_answer(server) -> None:
    async with client(server.url) as http:
        live = await http.get("/api/v1/health/live")
        ready = await http.get("/api/v1/health/ready")
    assert (live.status_code, live.json()) == (200, {"status": "OK"})
    assert ready.status_code == 200 and ready.json()["database"] == "OK"
