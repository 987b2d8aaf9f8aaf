"""What an attacker or a careless client sends, over real HTTP: every case gets a 4xx JSON error
naming the problem (never a 5xx), races the domain can lose are the 404 or 409 they are, and
the limits hold for callers the frontend's server stands in for."""

from __future__ import annotations

import asyncio
import base64
import socket
import time
from collections.abc import Iterator

import bcrypt
import httpx
import jwt
import pytest

from codincod.accounts.models import User
from codincod.moderation.models import Report
from codincod.puzzles.models import Puzzle, Validator
from tests.support import (
    TEST_SECRET,
    ServerProcess,
    auth,
    client,
    fresh_address,
    register,
    sum_puzzle,
    token_from,
)

pytestmark = pytest.mark.usefixtures("orm")

NUL = "bad\u0000text"
EXPLANATION = "This puzzle copies another one word for word."


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_client_error(response: httpx.Response, status: int = 400) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["message"], body
    return body


@pytest.fixture(scope="module")
def strict_server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Short request deadline and a small budget for callers without an address."""
    extra = {
        "CODINCOD_REQUEST_TIMEOUT_SECONDS": "2",
        "CODINCOD_REGISTER_UNADDRESSED_PER_15_MINUTES": "3",
    }
    process = ServerProcess({**env, **extra}, tmp_path_factory.mktemp("logs") / "strict.log")
    process.start()
    yield process
    process.stop()


# --- tokens ------------------------------------------------------------------------------------


async def test_a_token_that_is_not_ascii_is_no_session(server: ServerProcess) -> None:
    async with client(server.url) as http:
        for headers in (
            {"Authorization": b"Bearer abc\xffdef"},
            {"Cookie": b"token=abc\xc3\xa9def"},
        ):
            public = await http.get("/api/v1/puzzle", headers=headers)
            assert public.status_code == 200, public.text
            protected = await http.get("/api/v1/user/me", headers=headers)
            assert_client_error(protected, 401)


async def test_a_token_with_an_absurd_expiry_is_refused(server: ServerProcess) -> None:
    async with client(server.url) as http:
        token = await register(http, "hd_expiry")
        claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"])
        for expiry in (10**30, 2**63, -5, 1e300):
            forged = jwt.encode({**claims, "exp": expiry}, TEST_SECRET, algorithm="HS256")
            assert_client_error(await http.get("/api/v1/user/me", headers=bearer(forged)), 401)
            assert (await http.get("/api/v1/puzzle", headers=bearer(forged))).status_code == 200


async def test_the_cookie_lives_as_long_as_its_token(server: ServerProcess) -> None:
    async with client(server.url) as http:
        response = await http.post(
            "/api/v1/register",
            json={"username": "hd_cookie", "email": "hd_cookie@example.com", "password": "p" * 20},
        )
    claims = jwt.decode(token_from(response), TEST_SECRET, algorithms=["HS256"])
    assert f"Max-Age={claims['exp'] - claims['iat']}" in response.headers["set-cookie"]


# --- text, ids and sizes -------------------------------------------------------------------------


async def test_a_long_login_name_is_just_wrong_credentials(server: ServerProcess) -> None:
    async with client(server.url) as http:
        for identifier in ("x" * 21, "y" * 300, "z" * 320):
            response = await http.post(
                "/api/v1/login", json={"identifier": identifier, "password": "p" * 20}
            )
            assert_client_error(response, 401)


async def test_nul_is_refused_in_every_text_field_and_query(server: ServerProcess) -> None:
    async with client(server.url) as http:
        token = await register(http, "hd_nul")
        puzzle = await http.post("/api/v1/puzzle", json={"title": "Clean"}, headers=auth(token))
        puzzle_id = puzzle.json()["_id"]
        comment = await http.post(
            f"/api/v1/puzzle/{puzzle_id}/comment", json={"text": "fine"}, headers=auth(token)
        )
        comment_id = comment.json()["_id"]
        cases = [
            (
                "POST",
                "/api/v1/register",
                {"username": "hd_n2", "email": "n@x.io", "password": NUL * 3},
            ),
            ("POST", "/api/v1/login", {"identifier": NUL, "password": "p" * 20}),
            ("POST", "/api/v1/puzzle", {"title": NUL}),
            ("PUT", f"/api/v1/puzzle/{puzzle_id}", {"statement": NUL}),
            ("PUT", f"/api/v1/puzzle/{puzzle_id}", {"validators": [{"input": NUL, "output": "1"}]}),
            ("POST", f"/api/v1/puzzle/{puzzle_id}/comment", {"text": NUL}),
            ("POST", f"/api/v1/comment/{comment_id}/comment", {"text": NUL}),
            (
                "POST",
                "/api/v1/report",
                {
                    "problematicIdentifier": puzzle_id,
                    "problemType": "puzzle",
                    "explanation": NUL * 5,
                },
            ),
            ("PUT", "/api/v1/account/preferences", {"preferredLanguage": NUL}),
            (
                "POST",
                "/api/v1/execute",
                {"code": NUL, "language": "python", "testInput": "", "testOutput": ""},
            ),
            (
                "POST",
                "/api/v1/submission",
                {"code": NUL, "puzzleId": puzzle_id, "programmingLanguage": "python"},
            ),
            ("POST", "/api/v1/puzzle", {NUL: "key"}),
        ]
        for method, path, body in cases:
            response = await http.request(method, path, json=body, headers=auth(token))
            assert_client_error(response), (method, path)
        for path in (
            "/api/v1/puzzle?search=a%00b",
            "/api/v1/puzzle?page=1%00",
            "/api/v1/user/ab%00cd",
            f"/api/v1/puzzle/{puzzle_id}%00",
        ):
            assert_client_error(await http.get(path, headers=auth(token)))
    assert [puzzle.title for puzzle in await Puzzle.filter(author__username="hd_nul")] == ["Clean"]


async def test_ids_with_a_trailing_newline_are_not_ids(server: ServerProcess) -> None:
    async with client(server.url) as http:
        token = await register(http, "hd_newline")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Newline"}, headers=auth(token))
        ).json()["_id"]
        report = await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": puzzle_id + "\n",
                "problemType": "puzzle",
                "explanation": EXPLANATION,
            },
            headers=auth(token),
        )
        assert_client_error(report)
        for path in (f"/api/v1/submission/{puzzle_id}%0A", f"/api/v1/puzzle/{puzzle_id}%0A"):
            assert_client_error(await http.get(path, headers=auth(token)), 404)
        blocked = await http.put(
            "/api/v1/account/preferences",
            json={"blockedUsers": [puzzle_id + "\n"]},
            headers=auth(token),
        )
        assert_client_error(blocked)
        name = await http.get("/api/v1/user/hd_newline%0A/isAvailable")
        assert name.status_code == 400


async def test_oversized_headers_get_431_saying_so(server: ServerProcess) -> None:
    async with client(server.url) as http:
        response = await http.get("/api/v1/health", headers={"X-Big": "a" * 9000})
    body = assert_client_error(response, 431)
    assert "header" in body["message"].lower()


def _trickle(port: int, start: bytes, seconds: float) -> tuple[float, bytes]:
    """Send ``start``, then a byte a second; how long until the server answered or hung up."""
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(start)
        while time.monotonic() - began < seconds:
            try:
                sock.sendall(b"a")
                return time.monotonic() - began, sock.recv(200)  # an answer, or b"" if closed
            except TimeoutError:
                continue
            except OSError:
                return time.monotonic() - began, b""
    return time.monotonic() - began, b""


async def test_a_client_trickling_its_request_is_cut_off(strict_server: ServerProcess) -> None:
    port = strict_server.port
    headers = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
    body = b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"
    for start in (headers, body):
        took, answer = await asyncio.to_thread(_trickle, port, start, 15)
        assert took < 6, f"held for {took:.1f}s"
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408")


def _until_closed(port: int, start: bytes, seconds: float) -> tuple[float, bytes]:
    """Send ``start`` and fall silent; what came back, and when the server hung up."""
    began, answer = time.monotonic(), b""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        sock.sendall(start)
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except TimeoutError:
            pass
    return time.monotonic() - began, answer


async def test_an_unfinished_body_ends_with_408_and_a_closed_connection(
    strict_server: ServerProcess,
) -> None:
    start = b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"
    took, answer = await asyncio.to_thread(_until_closed, strict_server.port, start, 15)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert took < 6, f"the connection stayed open {took:.1f}s"


# --- races ---------------------------------------------------------------------------------------


def own(token: str) -> dict[str, str]:
    """The user's session from an address of its own (limits are per address)."""
    return {**auth(token), "X-Forwarded-For": fresh_address()}


async def test_votes_and_replies_racing_a_delete_get_no_5xx(server: ServerProcess) -> None:
    async with client(server.url) as http:
        author = await register(http, "hd_race_author")
        voters = [await register(http, f"hd_race_{n}") for n in range(6)]
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Race"}, headers=auth(author))
        ).json()["_id"]
        await Puzzle.filter(id=puzzle_id).update(visibility="approved")
        statuses: list[int] = []
        for _ in range(5):
            comment_id = (
                await http.post(
                    f"/api/v1/puzzle/{puzzle_id}/comment", json={"text": "x"}, headers=auth(author)
                )
            ).json()["_id"]
            actions = [
                http.post(
                    f"/api/v1/comment/{comment_id}/vote", json={"type": "upvote"}, headers=own(t)
                )
                for t in voters
            ] + [
                http.post(
                    f"/api/v1/comment/{comment_id}/comment", json={"text": "re"}, headers=own(t)
                )
                for t in voters
            ]
            actions.insert(3, http.delete(f"/api/v1/comment/{comment_id}", headers=auth(author)))
            statuses += [r.status_code for r in await asyncio.gather(*actions)]
    assert all(status < 500 for status in statuses), statuses
    assert set(statuses) <= {200, 201, 204, 404, 409}, statuses


async def test_concurrent_identical_reports_make_one(server: ServerProcess) -> None:
    async with client(server.url) as http:
        author, reporter = await register(http, "hd_rep_author"), await register(http, "hd_rep")
        puzzle_id = (
            await http.post("/api/v1/puzzle", json={"title": "Reported"}, headers=auth(author))
        ).json()["_id"]
        await Puzzle.filter(id=puzzle_id).update(visibility="approved")
        body = {
            "problematicIdentifier": puzzle_id,
            "problemType": "puzzle",
            "explanation": EXPLANATION,
        }
        answers = await asyncio.gather(
            *[http.post("/api/v1/report", json=body, headers=auth(reporter)) for _ in range(20)]
        )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * 19, statuses
    assert await Report.filter(target_id=puzzle_id).count() == 1


async def test_a_draft_one_cannot_see_cannot_be_reported(server: ServerProcess) -> None:
    async with client(server.url) as http:
        author, other = (
            await register(http, "hd_draft_author"),
            await register(http, "hd_draft_rep"),
        )
        draft_id = (
            await http.post("/api/v1/puzzle", json={"title": "Secret draft"}, headers=auth(author))
        ).json()["_id"]
        body = {
            "problematicIdentifier": draft_id,
            "problemType": "puzzle",
            "explanation": EXPLANATION,
        }
        hidden = await http.post("/api/v1/report", json=body, headers=auth(other))
        unknown = await http.post(
            "/api/v1/report", json={**body, "problematicIdentifier": "0" * 24}, headers=auth(other)
        )
    assert assert_client_error(hidden, 404) == assert_client_error(unknown, 404)


# --- approved puzzles ---------------------------------------------------------------------------


async def test_approved_puzzles_stay_in_the_moderators_hands(server: ServerProcess) -> None:
    async with client(server.url) as http:
        author = await register(http, "hd_appr_author")
        puzzle_id = await sum_puzzle(http, author)  # approved, ten validators, a solution
        url = f"/api/v1/puzzle/{puzzle_id}"
        for visibility in ("draft", "review", "archived"):
            body = assert_client_error(
                await http.put(url, json={"visibility": visibility}, headers=auth(author)), 403
            )
            assert "moderator" in body["message"]
        body = assert_client_error(await http.delete(url, headers=auth(author)), 403)
        broken = [{"input": "1 2", "output": "4"}]
        refused = await http.put(url, json={"validators": broken}, headers=auth(author))
        assert_client_error(refused)
        assert refused.json()["details"][0]["index"] == 0
        language = (await Puzzle.get(id=puzzle_id)).solution_language_id  # type: ignore[attr-defined]
        wrong = {"solution": {"code": "print(0)", "programmingLanguage": language}}
        assert_client_error(await http.put(url, json=wrong, headers=auth(author)))
        same = await http.put(
            url, json={"visibility": "approved", "title": "Sum of two"}, headers=auth(author)
        )
        assert same.status_code == 200, same.text
        more = [{"input": "5 5", "output": "10"}, {"input": "0 0", "output": "0"}]
        assert (
            await http.put(url, json={"validators": more}, headers=auth(author))
        ).status_code == 200
    puzzle = await Puzzle.get(id=puzzle_id)
    assert puzzle.visibility == "approved" and puzzle.solution_code.startswith("print(sum")
    assert await Validator.filter(puzzle_id=puzzle_id).count() == 2


# --- passwords, names, limits --------------------------------------------------------------------


async def test_passwords_count_past_72_bytes(server: ServerProcess) -> None:
    password = "p" * 72 + "-the-rest-matters"
    async with client(server.url) as http:
        await register(http, "hd_long_pw", password)
        wrong = await http.post(
            "/api/v1/login", json={"identifier": "hd_long_pw", "password": "p" * 72 + "-another"}
        )
        right = await http.post(
            "/api/v1/login", json={"identifier": "hd_long_pw", "password": password}
        )
    assert_client_error(wrong, 401)
    assert right.status_code == 200


async def test_a_bcryptjs_hash_verifies_and_is_replaced(server: ServerProcess) -> None:
    password = "q" * 80  # bcryptjs used the first 72 bytes
    legacy = (
        bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(5)).decode().replace("$2b$", "$2a$")
    )
    async with client(server.url) as http:
        await register(http, "hd_legacy")
        await User.filter(username="hd_legacy").update(password_hash=legacy)
        response = await http.post(
            "/api/v1/login", json={"identifier": "hd_legacy", "password": password}
        )
    assert response.status_code == 200, response.text
    assert (await User.get(username="hd_legacy")).password_hash.startswith("sha256+$2b$")


async def test_usernames_are_one_whatever_their_case(server: ServerProcess) -> None:
    async with client(server.url) as http:
        await register(http, "Casey_hd", "casey's password!!")
        for variant in ("casey_hd", "CASEY_HD"):
            taken = await http.post(
                "/api/v1/register",
                json={"username": variant, "email": f"{variant}@x.io", "password": "p" * 20},
            )
            assert_client_error(taken, 409)
        available = await http.get("/api/v1/user/casey_hd/isAvailable")
        assert available.json() == {"isAvailable": False}
        login = await http.post(
            "/api/v1/login", json={"identifier": "CASEY_hd", "password": "casey's password!!"}
        )
        assert login.status_code == 200
        # Imported case-variants keep working: the exact name wins.
        await User.create(username="casey_hd", email="imported@x.io", password_hash="imported")
        exact = await http.get("/api/v1/user/casey_hd")
        assert exact.json()["user"]["username"] == "casey_hd"


async def test_callers_without_an_address_share_a_registration_budget(
    strict_server: ServerProcess,
) -> None:
    # The frontend's server: loopback, a trusted proxy, forwarding no client address.
    async with httpx.AsyncClient(base_url=strict_server.url) as http:
        statuses = []
        for n in range(5):
            response = await http.post(
                "/api/v1/register",
                json={"username": f"hd_unaddr_{n}", "email": f"u{n}@x.io", "password": "p" * 20},
                headers={"X-Forwarded-For": "127.0.0.1"} if n % 2 else {},
            )
            statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429, 429], statuses
    assert "retry-after" in response.headers


async def test_logins_are_limited_per_account_for_every_caller(
    strict_server: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=strict_server.url) as http:
        statuses = [
            (
                await http.post(
                    "/api/v1/login", json={"identifier": "nobody_hd", "password": "wrong password!"}
                )
            ).status_code
            for _ in range(12)
        ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]


def test_a_digest_is_what_bcrypt_sees() -> None:
    from codincod.accounts import passwords

    hashed = passwords._hash("x" * 100, 4)
    assert hashed.startswith(passwords.PREHASHED)
    digest = passwords._digest("x" * 100)
    assert len(digest) == 44 and base64.b64decode(digest)
    assert not passwords._check("x" * 72, hashed) and passwords._check("x" * 100, hashed)
