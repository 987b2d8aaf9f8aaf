"""Hardening, round two, over a real server: ids that cannot be ids, sockets that follow their
session, appeals by banned users, logins an attacker cannot lock, one ban at a time, games'
ends and hidden code, and the smaller holes. Each test reruns an attack as it was found."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import time
from urllib.parse import quote

import asyncpg
import httpx
import jwt
import pytest
import websockets

from codincod.accounts.models import UserBan
from codincod.moderation.models import AuditEntry
from codincod.timeutil import utcnow
from tests.actors import bearer, moderator, player
from tests.sockets import Socket
from tests.support import (
    DB_KIND,
    PG_ADMIN_URL,
    TEST_SECRET,
    ServerProcess,
    client,
    events_heard_again,
    fresh_address,
    run_cli,
    token_from,
)

pytestmark = pytest.mark.usefixtures("orm")

UNKNOWN = "feedfacefeedfacefeedface"
MALFORMED = [
    "x" * 300,
    "abc\n",
    UNKNOWN + "\n",
    "a b",
    "caf\u00e9",
    UNKNOWN[:-1] + "\u0430",  # a Cyrillic letter
    "%0a",
]
SAMPLE_BODY = {"reason": "A reason that is long enough", "status": "resolved", "duration": 1}


# Path parameters that are not ids keep a valid value: the walk is about the ids.
NOT_IDS = {"item_type": "puzzle"}


def _concrete(template: str, value: str) -> str:
    """The path with every id parameter set to ``value`` (percent-encoded as a client sends
    it), the others to a valid value."""

    def fill(match: re.Match[str]) -> str:
        return quote(NOT_IDS.get(match.group(1), value), safe="")

    return re.sub(r"\{([^}]+)\}", fill, template)


def _elsewhere() -> dict[str, str]:
    """A header that makes the request come from an address of its own (its own budget)."""
    return {"X-Forwarded-For": fresh_address()}


async def _login(http: httpx.AsyncClient, name: str, password: str = "a long password!!") -> str:
    got = await http.post(
        "/api/v1/login", json={"identifier": name, "password": password}, headers=_elsewhere()
    )
    assert got.status_code == 200, got.text
    http.cookies.clear()
    return token_from(got)


def _normal(body: dict, value: str) -> str:
    return str(body).replace(value, "<id>")


async def test_every_path_id_that_cannot_be_an_id_answers_like_an_unknown_one(
    server: ServerProcess,
) -> None:
    """Every route with a path parameter, from the server's own OpenAPI document, as an
    admin: a malformed segment gets exactly what an unknown id gets, never a 5xx."""
    async with client(server.url) as http:
        admin, _ = await moderator(http, "hard_ids_admin", admin=True)
        document = (await http.get("/docs/openapi.json")).json()
        checked = 0
        for template, operations in document["paths"].items():
            if "{" not in template:
                continue
            for method in operations:
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                send = {"json": SAMPLE_BODY} if method != "get" else {}
                # each request from an address of its own: the walk is longer than a
                # client's budget
                send["headers"] = {**bearer(admin), "X-Forwarded-For": fresh_address()}
                expected = await http.request(method, _concrete(template, UNKNOWN), **send)
                for value in MALFORMED:
                    got = await http.request(method, _concrete(template, value), **send)
                    where = (method, template, value)
                    assert got.status_code < 500, (where, got.text)
                    if "_id}" in template or "Id}" in template:
                        assert got.status_code == expected.status_code, (where, got.text)
                        assert _normal(got.json(), value) == _normal(expected.json(), UNKNOWN)
                    checked += 1
    assert checked > 100


# --- a dropped database connection, a deadline ------------------------------------------------


async def _drop_server_connections(database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1].split("?", 1)[0]
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
    finally:
        await admin.close()


@pytest.mark.skipif(DB_KIND != "postgres", reason="SQLite has no connection to drop")
async def test_dropped_connections_give_no_500_and_no_logout_that_did_not_revoke(
    server: ServerProcess, env: dict[str, str]
) -> None:
    """As the attack ran it: PostgreSQL kills every connection of the server while requests
    are in flight, ten times; then logouts right after each kill."""
    statuses: dict[int, int] = {}
    async with client(server.url) as http:
        token, _ = await player(http, "hard_drop")
        stop = asyncio.Event()

        async def read_forever() -> None:
            while not stop.is_set():
                for path in ("/api/v1/user/me", "/api/v1/puzzle"):
                    got = await http.get(path, headers=bearer(token) | _elsewhere())
                    statuses[got.status_code] = statuses.get(got.status_code, 0) + 1

        readers = [asyncio.ensure_future(read_forever()) for _ in range(8)]
        for _ in range(10):
            await asyncio.sleep(0.2)
            await _drop_server_connections(env["CODINCOD_DATABASE_URL"])
        stop.set()
        await asyncio.gather(*readers)
        outcomes = []
        for _ in range(6):
            session = await _login(http, "hard_drop")
            await _drop_server_connections(env["CODINCOD_DATABASE_URL"])
            out = await http.post("/api/v1/logout", headers=bearer(session) | _elsewhere())
            me = await http.get("/api/v1/user/me", headers=bearer(session) | _elsewhere())
            outcomes.append((out.status_code, me.status_code))
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:  # the next tests share this server: its events flow again before they start
        await events_heard_again(admin, server, [])
    finally:
        await admin.close()
    assert not [status for status in statuses if status >= 500 and status != 503], statuses
    assert statuses.get(200, 0) > 100
    # Reads are run again on a fresh connection: a 503 only if that one dropped too.
    assert statuses.get(503, 0) <= 2, statuses
    # A logout either revoked (200, then 401) or said it could not (503): never 200 and alive.
    assert all(outcome in ((200, 401), (503, 200)) for outcome in outcomes), outcomes
    assert outcomes.count((200, 401)) >= 5, outcomes  # logout is idempotent: run again
    print(f"dropped connections: {statuses}; logouts {outcomes}")


async def test_a_request_past_its_deadline_gets_503_with_retry_after(
    env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    extra = {"CODINCOD_RESPONSE_TIMEOUT_SECONDS": "1", "CODINCOD_RUN_TIMEOUT_MS": "3000"}
    slow = ServerProcess({**env, **extra}, tmp_path_factory.mktemp("logs") / "deadline.log")
    slow.start()
    try:
        async with client(slow.url) as http:
            token, _ = await player(http, "hard_deadline")
            body = {"code": "import time\ntime.sleep(2.5)", "language": "python"}
            got = await http.post(
                "/api/v1/execute",
                json={**body, "testInput": "", "testOutput": ""},
                headers=bearer(token),
            )
    finally:
        slow.stop()
    assert got.status_code == 503, got.text
    assert got.headers["retry-after"].isdigit() and got.json()["message"]


# --- appeals by banned users -------------------------------------------------------------------

REASON = "Breaking the rules of the site"
APPEAL = "I was hacked, it will not happen again"


def _basic(identifier: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{identifier}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}", **_elsewhere()}


async def _ban(http, mod: str, user_id: str, kind: str = "permanent", **extra) -> httpx.Response:
    body = {"reason": REASON, **extra}
    return await http.post(
        f"/api/v1/moderation/user/{user_id}/ban/{kind}", json=body, headers=bearer(mod)
    )


async def test_a_banned_user_without_a_session_appeals_and_follows_it(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        mod, _ = await moderator(http, "hard_apl_mod")
        token, user = await player(http, "hard_apl_user")
        await http.post("/api/v1/logout", headers=bearer(token))
        assert (await _ban(http, mod, user)).status_code == 200
        refused = await http.post(
            "/api/v1/login",
            json={"identifier": "hard_apl_user", "password": "a long password!!"},
            headers=_elsewhere(),
        )
        assert refused.status_code == 403 and "appeal" in refused.json()["message"].lower()
        assert refused.json()["banDetails"]["type"] == "permanent"

        wrong = await http.post(
            "/api/v1/appeal",
            json={"identifier": "hard_apl_user", "password": "not the password", "reason": APPEAL},
            headers=_elsewhere(),
        )
        assert wrong.status_code == 401, wrong.text
        assert (await http.get("/api/v1/appeal/mine", headers=_elsewhere())).status_code == 401
        filed = await http.post(
            "/api/v1/appeal",
            json={"identifier": "HARD_APL_USER", "password": "a long password!!", "reason": APPEAL},
            headers=_elsewhere(),
        )
        assert filed.status_code == 201, filed.text
        assert filed.json()["status"] == "pending" and filed.json()["user"] == user
        by_email = _basic("hard_apl_user@example.com", "a long password!!")
        mine = await http.get("/api/v1/appeal/mine", headers=by_email)
        assert mine.status_code == 200 and mine.json()["_id"] == filed.json()["_id"]
        bad = await http.get("/api/v1/appeal/mine", headers=_basic("hard_apl_user", "nope nope"))
        assert bad.status_code == 401
        garbage = {"Authorization": "Basic !!!not-base64", **_elsewhere()}
        assert (await http.get("/api/v1/appeal/mine", headers=garbage)).status_code == 401


async def _queue_ids(http, mod: str) -> set[str]:
    queue = await http.get(
        "/api/v1/moderation/review?type=ban_appeal&limit=100", headers=bearer(mod)
    )
    return {item["id"] for item in queue.json()["data"]}


@pytest.mark.parametrize("ending", ["unban", "new ban", "expiry"])
async def test_an_appeal_leaves_the_queue_when_its_ban_ends(
    server: ServerProcess, ending: str
) -> None:
    async with client(server.url) as http:
        mod, _ = await moderator(http, f"hard_end_mod_{ending[:3]}")
        name = f"hard_end_{ending[:3]}"
        token, user = await player(http, name)
        await _ban(http, mod, user, "temporary", duration=1)
        filed = await http.post("/api/v1/appeal", json={"reason": APPEAL}, headers=bearer(token))
        assert filed.status_code == 201, filed.text
        assert filed.json()["_id"] in await _queue_ids(http, mod)
        if ending == "unban":
            ended = await http.post(
                f"/api/v1/moderation/user/{user}/unban",
                json={"reason": REASON},
                headers=bearer(mod),
            )
            assert ended.status_code == 200
        elif ending == "new ban":
            assert (await _ban(http, mod, user, "permanent")).status_code == 200
        else:
            await UserBan.filter(user_id=user, is_active=True).update(end_date=utcnow())
        assert filed.json()["_id"] not in await _queue_ids(http, mod)
        if ending != "expiry":  # the sweeper closes an expired one within its minute
            mine = await http.get("/api/v1/appeal/mine", headers=_basic(name, "a long password!!"))
            assert mine.json()["status"] == "closed", mine.text


# --- no lock-outs ------------------------------------------------------------------------------


async def test_others_failing_against_an_account_do_not_lock_its_owner_out(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        await player(http, "hard_lock_owner")
        device = await http.post(
            "/api/v1/login",
            json={"identifier": "hard_lock_owner", "password": "a long password!!"},
            headers=_elsewhere(),
        )
        assert device.status_code == 200
        proof = device.cookies.get("codincod_device")
        assert proof and device.headers.get_list("set-cookie")[0].startswith("token=")
        http.cookies.clear()
        # The attack: wrong passwords for the account from many addresses, for a while.
        refused = 0
        for attempt in range(30):
            got = await http.post(
                "/api/v1/login",
                json={"identifier": "hard_lock_owner", "password": f"guess {attempt}"},
                headers=_elsewhere(),
            )
            refused += got.status_code == 429
        assert refused >= 15  # guessing stays slow across addresses
        stranger = await http.post(
            "/api/v1/login",
            json={"identifier": "hard_lock_owner", "password": "a long password!!"},
            headers=_elsewhere(),
        )
        assert stranger.status_code == 429  # a new device waits like the attacker
        owner = await http.post(
            "/api/v1/login",
            json={"identifier": "hard_lock_owner", "password": "a long password!!"},
            headers={"Cookie": f"codincod_device={proof}", **_elsewhere()},
        )
        assert owner.status_code == 200, owner.text
        http.cookies.clear()
        # The frontend's server (loopback, no forwarded address) has its own budget.
        frontend = await http.post(
            "/api/v1/login",
            json={"identifier": "hard_lock_owner", "password": "a long password!!"},
            headers={"X-Forwarded-For": ""},
        )
        assert frontend.status_code == 200, frontend.text
        http.cookies.clear()
        tampered = proof[:-1] + ("0" if proof[-1] != "0" else "1")
        forged = await http.post(
            "/api/v1/login",
            json={"identifier": "hard_lock_owner", "password": "a long password!!"},
            headers={"Cookie": f"codincod_device={tampered}", **_elsewhere()},
        )
        assert forged.status_code == 429


# --- one ban at a time --------------------------------------------------------------------------


async def _bans_and_audits(user_id: str) -> tuple[int, int, int]:
    """(active bans, bans made, ban audit entries) of one user."""
    active = await UserBan.filter(user_id=user_id, is_active=True).count()
    made = await UserBan.filter(user_id=user_id).count()
    audited = await AuditEntry.filter(action="ban", target_id=user_id).count()
    return active, made, audited


async def test_ten_concurrent_bans_leave_one_active_ban_and_an_audit_per_ban(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        mods = [(await moderator(http, f"hard_race_mod{n}"))[0] for n in range(3)]
        _, user = await player(http, "hard_race_user")
        answers = await asyncio.gather(
            *(
                _ban(http, mods[n % 3], user, "temporary", duration=n + 1)
                if n % 2
                else _ban(http, mods[n % 3], user, "permanent")
                for n in range(10)
            )
        )
    statuses = [answer.status_code for answer in answers]
    assert set(statuses) <= {200, 409}, statuses
    active, made, audited = await _bans_and_audits(user)
    assert active == 1 and made == statuses.count(200) == audited, (active, made, audited)


async def test_concurrent_upholds_escalate_once_per_step_in_order(server: ServerProcess) -> None:
    """Ten reports against one user upheld at the same moment by three moderators: the
    counts run 1..10, so exactly the 3rd, 5th, 7th and 10th bring a ban, and the last one
    (permanent) is the one in force."""
    async with client(server.url) as http:
        mods = [(await moderator(http, f"hard_up_mod{n}"))[0] for n in range(3)]
        _, offender = await player(http, "hard_up_offender")
        reports = []
        for n in range(10):
            reporter, _ = await player(http, f"hard_up_rep{n}")
            made = await http.post(
                "/api/v1/report",
                json={
                    "problematicIdentifier": offender,
                    "problemType": "user",
                    "explanation": "Insulting other players in every game chat.",
                },
                headers=bearer(reporter) | _elsewhere(),
            )
            assert made.status_code == 201, made.text
            reports.append(made.json()["_id"])
        answers = await asyncio.gather(
            *(
                http.post(
                    f"/api/v1/moderation/report/{report}/resolve",
                    json={"status": "resolved"},
                    headers=bearer(mods[n % 3]) | _elsewhere(),
                )
                for n, report in enumerate(reports)
            )
        )
    assert [answer.status_code for answer in answers] == [200] * 10
    active, made, audited = await _bans_and_audits(offender)
    assert (active, made, audited) == (1, 4, 4)
    in_force = await UserBan.get(user_id=offender, is_active=True)
    assert in_force.ban_type == "permanent"


# --- every socket follows its session -----------------------------------------------------------


async def _closed_within(socket: Socket, seconds: float) -> tuple[int | None, str]:
    """Wait for the server to close ``socket``: its close code and reason (frames before
    the close are kept in ``socket.pending``)."""
    started = time.monotonic()
    with contextlib.suppress(AssertionError, websockets.ConnectionClosed):
        await socket.next("never sent", timeout=seconds)
    assert time.monotonic() - started < seconds, "the socket stayed open"
    return socket.ws.close_code, socket.ws.close_reason or ""


async def test_a_logout_closes_every_socket_of_its_session_on_every_process(
    server: ServerProcess, piston_server: ServerProcess
) -> None:
    """Lobby, game and staff sockets, on two server processes sharing the database: the
    logout reaches all of them within two seconds, without a frame from the client."""
    async with client(server.url) as http:
        mod, _ = await moderator(http, "hard_out_mod")
        other, _ = await moderator(http, "hard_out_other")  # another session: untouched
        sockets = [
            await Socket.open(server.url, "/ws", mod),
            await Socket.open(piston_server.url, "/ws", mod),
            await Socket.open(piston_server.url, "/ws/game/" + UNKNOWN[:-1] + "0", mod),
            await Socket.open(server.url, "/ws/admin", mod),
            await Socket.open(piston_server.url, "/ws/admin", mod),
        ]
        bystander = await Socket.open(piston_server.url, "/ws/admin", other)
        await bystander.next("feed:open")
        await asyncio.sleep(0.2)
        assert (await http.post("/api/v1/logout", headers=bearer(mod))).status_code == 200
        for socket in sockets[:2] + sockets[3:]:
            code, reason = await _closed_within(socket, 2.5)
            assert code == 1008 and "session has ended" in reason, (code, reason)
        await bystander.nothing("error", seconds=1.5)
        await bystander.close()


async def test_a_demoted_moderator_hears_nothing_more_on_the_staff_feed(
    server: ServerProcess, env: dict[str, str]
) -> None:
    async with client(server.url) as http:
        admin, _ = await moderator(http, "hard_demote_admin", admin=True)
        mod, mod_id = await moderator(http, "hard_demote_mod")
        cli_mod, cli_id = await moderator(http, "hard_demote_cli")
        reporter, _ = await player(http, "hard_demote_rep")
        feed = await Socket.open(server.url, "/ws/admin", mod)
        cli_feed = await Socket.open(server.url, "/ws/admin", cli_mod)
        await feed.next("feed:open")
        await cli_feed.next("feed:open")
        demoted = await http.post(
            f"/api/v1/admin/users/{mod_id}/role", json={"role": "user"}, headers=bearer(admin)
        )
        assert demoted.status_code == 200, demoted.text
        await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": mod_id,
                "problemType": "user",
                "explanation": "Filed right after the demotion, for nobody demoted.",
            },
            headers=bearer(reporter) | _elsewhere(),
        )
        code, reason = await _closed_within(feed, 2.5)
        assert (code, reason) == (1008, "Moderators only")
        assert not [f for f in feed.pending if f["event"] == "report:filed"], feed.pending
        # The same from the command line, another process.
        result = run_cli(["user", "set-role", "hard_demote_cli", "user"], env)
        assert result.returncode == 0, result.stderr
        after = await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": cli_id,
                "problemType": "user",
                "explanation": "Filed right after the demotion from the command line.",
            },
            headers=bearer(reporter) | _elsewhere(),
        )
        code, reason = await _closed_within(cli_feed, 2.5)
        assert (code, reason) == (1008, "Moderators only")
        late = after.json()["_id"]
        assert not [f for f in cli_feed.pending if f.get("reportId") == late], cli_feed.pending


async def test_an_account_holds_at_most_its_share_of_sockets(server: ServerProcess) -> None:
    async with client(server.url) as http:
        token, _ = await player(http, "hard_cap")
        sockets = [await Socket.open(server.url, "/ws", token) for _ in range(20)]
        for socket in sockets:
            await socket.next("rooms:overview")
        one_more = await Socket.open(server.url, "/ws", token)
        code, reason = await _closed_within(one_more, 2)
        assert code == 1008 and "Too many open connections" in reason, (code, reason)
        await sockets[0].close()
        await asyncio.sleep(0.2)
        again = await Socket.open(server.url, "/ws", token)
        await again.next("rooms:overview")
        for socket in [*sockets[1:], again]:
            await socket.close()


# --- the smaller holes --------------------------------------------------------------------------


async def test_a_connection_that_sends_nothing_goes_after_the_request_timeout(
    env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    quick = ServerProcess(
        {**env, "CODINCOD_REQUEST_TIMEOUT_SECONDS": "2"},
        tmp_path_factory.mktemp("logs") / "idle.log",
    )
    quick.start()
    try:
        started = time.monotonic()
        reader, writer = await asyncio.open_connection("127.0.0.1", quick.port)
        assert await asyncio.wait_for(reader.read(), 10) == b""  # closed by the server
        held = time.monotonic() - started
        writer.close()
    finally:
        quick.stop()
    assert 1.5 < held < 4, f"an idle connection was held {held:.1f}s"


async def test_every_staff_action_is_audited_even_when_it_changes_nothing(
    server: ServerProcess,
) -> None:
    async with client(server.url) as http:
        admin, admin_id = await moderator(http, "hard_audit_admin", admin=True)
        done = await http.post("/api/v1/leaderboard/recalculate", headers=bearer(admin))
        assert done.status_code == 200, done.text
        upgrade = await http.post("/api/v1/admin/migrations/upgrade", headers=bearer(admin))
        assert upgrade.status_code == 200 and upgrade.json()["applied"] == []
        trail = await http.get(f"/api/v1/moderation/audit?actor={admin_id}", headers=bearer(admin))
    assert [entry["action"] for entry in trail.json()["items"]] == ["migrate", "recalculate"]


async def test_a_wrong_method_says_which_are_allowed(server: ServerProcess) -> None:
    async with client(server.url) as http:
        got = await http.delete("/api/v1/login")
    assert got.status_code == 405 and got.headers["allow"] == "OPTIONS, POST", got.headers


async def test_a_signed_token_that_lives_too_long_is_refused(server: ServerProcess) -> None:
    async with client(server.url) as http:
        token, user = await player(http, "hard_lifetime")
        claims = jwt.decode(token, options={"verify_signature": False})
        now = int(time.time())

        async def me(forged: dict) -> int:
            signed = jwt.encode({**claims, **forged}, TEST_SECRET, algorithm="HS256")
            return (await http.get("/api/v1/user/me", headers=bearer(signed))).status_code

        assert await me({}) == 200
        century = 100 * 365 * 86400
        assert await me({"iat": now, "exp": now + century}) == 401  # ours: 1 day at most
        assert await me({"jti": None, "exp": now + 6 * 86400}) == 401  # a jti is text
        # The Node server's tokens (no jti) may live its 7 days, no more.
        plain = {k: v for k, v in claims.items() if k != "jti"}
        for lifetime, status in ((6 * 86400, 200), (8 * 86400, 401)):
            signed = jwt.encode(
                {**plain, "iat": now, "exp": now + lifetime}, TEST_SECRET, algorithm="HS256"
            )
            got = await http.get("/api/v1/user/me", headers=bearer(signed))
            assert got.status_code == status, (lifetime, got.text)
        assert user


async def test_nobody_reports_themselves(server: ServerProcess) -> None:
    async with client(server.url) as http:
        token, user = await player(http, "hard_self")
        got = await http.post(
            "/api/v1/report",
            json={
                "problematicIdentifier": user,
                "problemType": "user",
                "explanation": "Reporting myself to see what happens here.",
            },
            headers=bearer(token),
        )
    assert got.status_code == 400 and "yourself" in got.json()["message"], got.text


async def test_every_spelling_of_an_account_shares_its_budget(server: ServerProcess) -> None:
    """Name, letter case, email and Unicode look-alikes (which PostgreSQL's UPPER() folds)
    reach one account and count against one budget."""
    async with client(server.url) as http:
        await player(http, "sissi_fold")
        spellings = ["sissi_fold", "SISSI_FOLD", "Sissi_Fold", "sissi_fold@example.com"]
        statuses = []
        for attempt in range(12):
            got = await http.post(
                "/api/v1/login",
                json={"identifier": spellings[attempt % 4], "password": f"wrong {attempt}"},
                headers=_elsewhere(),
            )
            statuses.append(got.status_code)
        assert statuses.count(401) == 10 and statuses[-2:] == [429, 429], statuses
        for lookalike in ("\u017fi\u017f\u017fi_fold", "s\u0131ssi_fold"):
            got = await http.post(
                "/api/v1/login",
                json={"identifier": lookalike, "password": "a long password!!"},
                headers=_elsewhere(),
            )
            assert got.status_code == 401, (lookalike, got.text)  # no account by that name
