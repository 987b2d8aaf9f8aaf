"""This process's sockets, and the events that reach them.

The hub holds only its own connections: lobby sockets, and game sockets by game. It hears the
lobby and games channels of the bus (from any process) and, for each event, reads what it
needs from the database once, then hands the same frame to the sockets concerned: a game's
event only to that game's sockets, a room's only to its members'. Events of one room or game
are handled in order, one at a time ("lanes"); different ones run side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from datetime import datetime
from functools import partial
from typing import Any

from codincod.accounts import authcache
from codincod.accounts import service as accounts
from codincod.actors import Actor
from codincod.bus import Bus
from codincod.games import ending, events, lifecycle, play, rooms
from codincod.moderation import banning, feed
from codincod.puzzles import service as puzzles
from codincod.timeutil import utcnow
from server.realtime.connection import Connection
from server.wire import encode, game_dto, puzzle_page_dto, room_dto, rooms_dto

log = logging.getLogger("codincod.realtime")
Job = Callable[[], Awaitable[None]]
GameJob = Callable[[str], Awaitable[None]]


class Lanes:
    """Jobs with the same key run one after another, in the order they came."""

    def __init__(self) -> None:
        self._queues: dict[Hashable, deque[Job]] = {}

    def run(self, key: Hashable, job: Job) -> None:
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(job)
            return
        self._queues[key] = deque([job])
        asyncio.get_running_loop().create_task(self._drain(key))

    async def _drain(self, key: Hashable) -> None:
        queue = self._queues[key]
        try:
            while queue:
                job = queue.popleft()
                try:
                    await job()
                except Exception:
                    log.exception("delivering an event (%s) failed", key)
        finally:
            del self._queues[key]


_FEED_NAMES = {
    events.ROOM: "room:changed",
    events.ROOMS: "rooms:changed",
    events.ROOM_START: "game:started",
    events.OVERVIEW: "game:changed",
    events.CHAT: "chat:message",
    events.FINISHED: "game:finished",
}


_ROOM_CHANGES = {
    "created": "room:created",
    "joined": "player:joined",
    "left": "player:left",
    "closed": "room:closed",
}


def text(event: str, **fields: Any) -> str:
    return encode({"event": event, **fields}).decode()


class Hub:
    def __init__(self) -> None:
        self.lobby: dict[int, Connection] = {}
        self.staff: dict[int, Connection] = {}  # /ws/admin
        self.games: dict[str, dict[int, Connection]] = {}
        self.lanes = Lanes()
        self._rooms_pending = False
        self._timers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.stopping = False  # the server is going down: its sockets' users will be back
        self._per_user: Counter[str] = Counter()  # open sockets of each user, here
        self._recheck_pending = False
        self._staff_outbox: list[str] = []
        self._staff_flushing = False

    def attach(self, bus: Bus) -> None:
        bus.subscribe(events.LOBBY, self._on_lobby)
        bus.subscribe(events.GAMES, self._on_game)
        bus.subscribe(banning.BANS, self._on_ban)
        bus.subscribe(feed.STAFF, self._to_staff)
        bus.subscribe(authcache.CHANNEL, self._on_session_change)
        for channel in (events.LOBBY, events.GAMES, banning.BANS):
            bus.subscribe(channel, partial(self._feed, channel))

    # --- the staff's feed (/ws/admin) -------------------------------------------------------

    def _to_staff(self, frame: str) -> None:
        """Staff frames go out in order, each batch after a check of the staff sockets'
        sessions that began after the frames were made: a moderator demoted by anyone (the
        command line of another process included) hears nothing more."""
        if not self.staff:
            return
        self._staff_outbox.append(frame)
        if not self._staff_flushing:
            self._staff_flushing = True
            self.lanes.run("staff", self._flush_staff)

    async def _flush_staff(self) -> None:
        try:
            while self._staff_outbox:
                frames, self._staff_outbox = self._staff_outbox, []
                await self.recheck_sessions(list(self.staff.values()))
                for conn in list(self.staff.values()):
                    if conn.actor.is_moderator and not conn.held:
                        for frame in frames:
                            conn.send_text(frame)
        finally:
            self._staff_flushing = False

    def _on_session_change(self, payload: str) -> None:
        """A user's or a session's standing changed: their staff sockets hear nothing more
        until the recheck, which runs at once, says they still may."""
        kind, _, key = payload.partition(":")
        affected = [
            conn
            for conn in self.every_connection()
            if (kind == "user" and conn.user_id == key)
            or (kind == "token" and conn.session.token_id == key)
        ]
        if not affected:
            return
        for conn in affected:
            conn.held = True
        if not self._recheck_pending:
            self._recheck_pending = True
            self.lanes.run("sessions", self._recheck_now)

    async def _recheck_now(self) -> None:
        self._recheck_pending = False
        await self.recheck_sessions()

    def _feed(self, channel: str, payload: str) -> None:
        """What moderators watch, from the rooms', games' and bans' own events."""
        if not self.staff:
            return
        if channel == banning.BANS:
            self._to_staff(text("user:banned", userId=payload))
            return
        event = events.decode(payload)
        if event is None:
            return
        name = _FEED_NAMES.get(event["kind"])
        if event["kind"] == events.ROOM:
            name = _ROOM_CHANGES.get(event.get("change", ""), name)
        if name is not None:
            fields = {k: v for k, v in event.items() if k != "kind"}
            self._to_staff(text(name, **fields))

    def _on_ban(self, user_id: str) -> None:
        if self.sockets_of(user_id):
            self.lanes.run(("ban", user_id), lambda: self._close_banned(user_id))

    async def _close_banned(self, user_id: str) -> None:
        """A ban takes effect at once: the user's sockets get the ban's message and a 1008
        close (the frontend does not reconnect)."""
        message = await banning.message_for(user_id)
        for conn in self.sockets_of(user_id):
            conn.send({"event": "error", "message": message})
            await conn.close(1008, message)

    # --- the lobby ------------------------------------------------------------------------

    def lobby_users(self) -> list[str]:
        return list({conn.user_id for conn in self.lobby.values()})

    def in_lobby(self, user_id: str) -> bool:
        return any(conn.user_id == user_id for conn in self.lobby.values())

    def _on_lobby(self, payload: str) -> None:
        event = events.decode(payload)
        if event is None or not self.lobby:
            return
        kind = event["kind"]
        if kind == events.ROOMS:
            self._refresh_rooms()
            return
        room_id = event.get("room")
        if isinstance(room_id, str):
            self.lanes.run(("room", room_id), lambda: self._room_event(kind, room_id, event))

    def _refresh_rooms(self) -> None:
        """Bursts of changes make one read: a refresh asked while one waits joins it."""
        if self._rooms_pending:
            return
        self._rooms_pending = True

        async def refresh() -> None:
            self._rooms_pending = False
            frame = text("rooms:overview", rooms=rooms_dto(await rooms.lobby()))
            for conn in list(self.lobby.values()):
                conn.send_text(frame)

        self.lanes.run("rooms", refresh)

    async def _room_event(self, kind: str, room_id: str, event: dict[str, Any]) -> None:
        room = await rooms.view(room_id)
        if room is None:
            return
        members = [conn for conn in self.lobby.values() if room.has(conn.user_id)]
        if not members:
            return
        if kind == events.ROOM and room.members and room.state == "open":
            frame = text("room:overview", room=room_dto(room))
        elif kind == events.ROOM_CHAT:
            frame = text("room:chat-message", **event["message"])
        elif kind == events.ROOM_START:
            frame = text("game:start", gameUrl=event["gameUrl"], startTime=event["startTime"])
        else:
            return
        for conn in members:
            conn.send_text(frame)

    async def send_rooms(self, conn: Connection) -> None:
        conn.send_text(text("rooms:overview", rooms=rooms_dto(await rooms.lobby())))

    # --- games ----------------------------------------------------------------------------

    def enter_game(self, conn: Connection, game_id: str) -> None:
        self.games.setdefault(game_id, {})[conn.id] = conn

    def leave_game(self, conn: Connection, game_id: str) -> None:
        sockets = self.games.get(game_id)
        if sockets is None:
            return
        sockets.pop(conn.id, None)
        if not sockets:
            del self.games[game_id]
            for what in ("start", "end"):
                timer = self._timers.pop((game_id, what), None)
                if timer is not None:
                    timer.cancel()

    def _on_game(self, payload: str) -> None:
        event = events.decode(payload)
        game_id = event.get("game") if event else None
        if event is None or not isinstance(game_id, str) or game_id not in self.games:
            return
        kind = event["kind"]
        if kind == events.CHAT:
            frame = text("message:send", chatMessage=event["message"])
        elif kind == events.LANGUAGE:
            frame = text("language:change", language=event["language"], username=event["username"])
        elif kind in (events.OVERVIEW, events.FINISHED):
            self.lanes.run(("game", game_id), lambda: self.refresh_game(game_id, kind))
            return
        else:
            return
        self.lanes.run(("game", game_id), lambda: self._to_players(game_id, frame))

    async def _to_players(self, game_id: str, frame: str) -> None:
        """Chat and languages are the players' own: watchers see the game, not its talk."""
        for conn in list(self.games.get(game_id, {}).values()):
            if conn.plays:
                conn.send_text(frame)

    async def refresh_game(
        self, game_id: str, kind: str = events.OVERVIEW, only: Connection | None = None
    ) -> None:
        """Send the game's sockets (or ``only`` one) its overview, read once; players who
        have not had the puzzle get it with the overview once the game runs. Once the game
        is over, each socket is told so once."""
        sockets = [only] if only is not None else list(self.games.get(game_id, {}).values())
        if not sockets:
            return
        view = await play.load(game_id)
        if view is None:
            return
        game = game_dto(view)
        if kind == events.FINISHED or view.phase is lifecycle.GamePhase.OVER:
            frame = text("game:finished", game=game)
            for conn in sockets:
                if not conn.told_finished:
                    conn.told_finished = True
                    conn.send_text(frame)
            return
        plain = text("game:overview", game=game)
        puzzle: dict[str, Any] | None = None
        for conn in sockets:
            if self._wants_puzzle(conn, view):
                puzzle = puzzle or await self._puzzle(view)
                if puzzle is not None:
                    conn.has_puzzle = True
                    conn.send({"event": "game:overview", "game": game, "puzzle": puzzle})
                    continue
            conn.send_text(plain)

    @staticmethod
    def _wants_puzzle(conn: Connection, view: play.GameView) -> bool:
        running = lifecycle.accepts_hand_ins(view.phase)
        return running and not conn.has_puzzle and view.plays(conn.user_id)

    @staticmethod
    async def _puzzle(view: play.GameView) -> dict[str, Any] | None:
        try:
            found = await puzzles.view(None, view.game.puzzle_id)  # type: ignore[attr-defined]
        except Exception:  # taken down mid-game: the players keep the rest of the game
            log.warning("the puzzle of game %s cannot be shown", view.game.id)
            return None
        return puzzle_page_dto(found)

    async def greet(self, conn: Connection, game_id: str) -> bool:
        """What a socket gets when it opens: the game (with the puzzle for a player once it
        runs), the chat so far and each player's language. False: no such game."""
        view = await play.load(game_id)
        if view is None:
            return False
        game = game_dto(view)
        conn.plays = view.plays(conn.user_id)
        replay = conn.plays and not await play.page_kept_its_chat(view.game.id, conn.user_id)
        if conn.plays:  # kept before anything is sent: the socket may go any moment
            await play.record_presence(view.game.id, conn.user_id, "join")
        if view.phase is lifecycle.GamePhase.OVER:
            conn.told_finished = True
            conn.send({"event": "game:finished", "game": game})
        elif not view.plays(conn.user_id):
            conn.send({"event": "game:overview", "game": game})
            conn.send({"event": "error", "message": "User not in this game"})
        elif self._wants_puzzle(conn, view) and (puzzle := await self._puzzle(view)):
            conn.has_puzzle = True
            conn.send({"event": "game:overview", "game": game, "puzzle": puzzle})
        else:
            conn.send({"event": "game:overview", "game": game})
        if view.phase is lifecycle.GamePhase.COUNTDOWN:
            self._at(view.game.id, "start", view.game.start_time, self._started)
        if view.phase is not lifecycle.GamePhase.OVER:
            end = view.game.end_time + lifecycle.GRACE
            self._at(view.game.id, "end", end, self._ended)
        if replay:
            await self.catch_up(conn, view.game.id)
        return True

    async def catch_up(self, conn: Connection, game_id: str) -> None:
        """A player's socket gets the chat so far and each player's language."""
        for line in await play.recent_chat(game_id):
            conn.send({"event": "message:send", "chatMessage": line})
        for username, language in (await play.languages(game_id)).items():
            conn.send({"event": "language:change", "language": language, "username": username})

    def _at(self, game_id: str, what: str, when: datetime, then: GameJob) -> None:
        """Run ``then(game_id)`` at ``when``, once per game and purpose, while this process
        has sockets in the game (timers go with the game's last socket)."""
        key = (game_id, what)
        if key in self._timers:
            return

        async def wake() -> None:
            await asyncio.sleep(max(0.0, (when - utcnow()).total_seconds()))
            self._timers.pop(key, None)
            self.lanes.run(("game", game_id), lambda: then(game_id))

        self._timers[key] = asyncio.get_running_loop().create_task(wake())

    async def _started(self, game_id: str) -> None:
        await self.refresh_game(game_id)  # the countdown is over: the players get the puzzle

    async def _ended(self, game_id: str) -> None:
        """The grace is over: end the game here and now (the sweepers would within a second;
        whoever is first ends it) and tell this process's sockets, whatever the bus does."""
        await ending.finish(game_id)
        await self.refresh_game(game_id, events.FINISHED)

    # --- everyone -------------------------------------------------------------------------

    def track(self, conn: Connection) -> None:
        self._per_user[conn.user_id] += 1

    def untrack(self, conn: Connection) -> None:
        self._per_user[conn.user_id] -= 1
        if self._per_user[conn.user_id] <= 0:
            del self._per_user[conn.user_id]

    def open_sockets(self, user_id: str) -> int:
        return self._per_user[user_id]

    def every_connection(self) -> list[Connection]:
        found = [*self.lobby.values(), *self.staff.values()]
        for sockets in self.games.values():
            found += sockets.values()
        return found

    async def recheck_sessions(self, only: list[Connection] | None = None) -> None:
        """Every socket follows its session: a logout, a ban, a deleted account, an expired
        token or (for the staff feed) the loss of the moderator role closes it with 1008 and
        the reason; a new name or role applies to the socket at once. All sessions of this
        process are read in one go."""
        everyone = self.every_connection() if only is None else only
        sockets = [conn for conn in everyone if not conn.closed]
        if not sockets:
            return
        verdicts = await accounts.recheck({(c.user_id, c.session.token_id) for c in sockets})
        now = utcnow()
        for conn in sockets:
            verdict = verdicts[(conn.user_id, conn.session.token_id)]
            if isinstance(verdict, Actor):
                conn.actor = verdict
            why = _why_closed(conn, verdict, now)
            if why is not None:
                conn.held = True  # nothing more for it while it closes
                self.spawn(_close_with(conn, why))
            else:
                conn.held = False

    def sockets_of(self, user_id: str) -> list[Connection]:
        found = [conn for conn in self.lobby.values() if conn.user_id == user_id]
        for sockets in self.games.values():
            found += [conn for conn in sockets.values() if conn.user_id == user_id]
        return found

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Work that outlives the socket that asked for it (not Sanic's task registry, whose
        shutdown waits on such tasks for ever). Nothing new starts once the server stops."""
        if self.stopping:
            work.close()
            return
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def close_all(self, code: int, reason: str) -> None:
        self.stopping = True
        for timer in self._timers.values():
            timer.cancel()
        # The players' pages stay open and reconnect (here or elsewhere) with their chat.
        seats = {(g, c.user_id) for g, sockets in self.games.items() for c in sockets.values()}
        playing = [(g, u) for g, u in seats if any(c.plays for c in self.sockets_of(u))]
        try:
            await play.record_leaves(playing, play.ENDED_BY_SERVER)
        except Exception:
            log.exception("could not record the players' leaves")
        everyone = list(self.lobby.values()) + list(self.staff.values())
        for sockets in self.games.values():
            everyone += list(sockets.values())
        await asyncio.gather(*(conn.close(code, reason) for conn in everyone))


EXPIRED = "Authorization token expired"
MODERATORS_ONLY = "Moderators only"


def _why_closed(conn: Connection, verdict: Actor | str, now: datetime) -> str | None:
    if isinstance(verdict, str):
        return verdict
    if conn.session.expires_at <= now:
        return EXPIRED
    if conn.session.staff and not verdict.is_moderator:
        return MODERATORS_ONLY
    return None


async def _close_with(conn: Connection, reason: str) -> None:
    conn.send({"event": "error", "message": reason})
    await conn.close(1008, reason)


hub = Hub()
