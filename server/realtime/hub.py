"""This process's sockets, and the events that reach them.

The hub is a transport: it holds only its own connections (lobby sockets, game sockets by
game, the staff feed), hears the bus (events from any process), asks the games context what
each socket is told (``codincod.games.api``: the greeting, a refresh, the replay, who hears
what) and encodes it once for all the sockets concerned. Events of one room or game are
handled in order, one at a time ("lanes"); different ones run side by side.
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
from codincod.games import api as games
from codincod.moderation import banning, feed
from codincod.timeutil import utcnow
from server.ratelimit import CHAT, Windows
from server.realtime.connection import Connection
from server.realtime.outgoing import game_frame, lobby_frame
from server.wire import encode

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


def text(event: str, **fields: Any) -> str:
    return encode({"event": event, **fields}).decode()


class Hub:
    """Built once per process by ``create_app`` (with the rate windows of the deployment,
    which hold each user's chat budget over all their sockets in every process)."""

    def __init__(self, windows: Windows) -> None:
        self.windows = windows
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
        self._deaf_since: datetime | None = None  # the bus lost its connection then

    async def may_chat(self, user_id: str) -> bool:
        return (await self.windows.hit(CHAT, user_id)).allowed

    def attach(self, bus: Bus) -> None:
        bus.subscribe(games.LOBBY, self._on_lobby)
        bus.subscribe(games.GAMES, self._on_game)
        bus.subscribe(banning.BANS, self._on_ban)
        bus.subscribe(feed.STAFF, self._to_staff)
        bus.subscribe(authcache.CHANNEL, self._on_session_change)
        for channel in (games.LOBBY, games.GAMES, banning.BANS):
            bus.subscribe(channel, partial(self._feed, channel))
        bus.on_connection_change(self._on_bus_connection)

    def _on_bus_connection(self, connected: bool) -> None:
        """While the bus is down, this process misses what the others do; once it hears again,
        its sockets are told afresh: the room list, each game, and the talk they missed."""
        if not connected:
            self._deaf_since = self._deaf_since or utcnow()
            return
        since, self._deaf_since = self._deaf_since, None
        if since is None:
            return
        if self.lobby:
            self._refresh_rooms()
            self.lanes.run("rooms", partial(self._missed_in_lobby, since))
        for game_id in list(self.games):
            self.lanes.run(("game", game_id), partial(self.refresh_game, game_id))
            self.lanes.run(("talk", game_id), partial(self._missed_talk, game_id))

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
        event = games.decode(payload)
        news = games.staff_news(event) if event is not None else None
        if news is not None:
            name, fields = news
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
        event = games.decode(payload)
        if event is None or not self.lobby:
            return
        if games.changes_room_list(event):
            self._refresh_rooms()
            return
        room_id = event.get("room")
        if isinstance(room_id, str):
            self.lanes.run(("room", room_id), lambda: self._room_event(room_id, event))

    def _refresh_rooms(self) -> None:
        """Bursts of changes make one read: a refresh asked while one waits joins it."""
        if self._rooms_pending:
            return
        self._rooms_pending = True

        async def refresh() -> None:
            self._rooms_pending = False
            frame = encode(lobby_frame(await games.room_list())).decode()
            for conn in list(self.lobby.values()):
                conn.send_text(frame)

        self.lanes.run("rooms", refresh)

    async def _room_event(self, room_id: str, event: dict[str, Any]) -> None:
        news = await games.room_news(event["kind"], room_id, event)
        if news is None:
            return
        audience, message = news
        frame = encode(lobby_frame(message)).decode()
        for conn in list(self.lobby.values()):
            if conn.user_id in audience:
                conn.send_text(frame)

    async def _missed_in_lobby(self, since: datetime) -> None:
        for audience, message in await games.missed_in_lobby(self.lobby_users(), since):
            frame = encode(lobby_frame(message)).decode()
            for conn in list(self.lobby.values()):
                if conn.user_id in audience:
                    conn.send_text(frame)

    async def send_rooms(self, conn: Connection) -> None:
        conn.send(lobby_frame(await games.room_list()))

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
        event = games.decode(payload)
        game_id = event.get("game") if event else None
        if event is None or not isinstance(game_id, str) or game_id not in self.games:
            return
        if games.changes_game(event):
            self.lanes.run(("game", game_id), lambda: self.refresh_game(game_id))
            return
        talk = games.talk_in(event)
        if talk is not None:  # a lane of its own: a line never waits behind a game's re-read
            self.lanes.run(("talk", game_id), lambda: self._to_players(game_id, talk))

    async def _to_players(self, game_id: str, talk: games.Message) -> None:
        frame = encode(game_frame(talk)).decode()
        for conn in list(self.games.get(game_id, {}).values()):
            if not conn.greeted:  # kept until its greeting (and chat replay) is out
                conn.talk_waiting.append((talk, frame))
            elif games.hears_talk(conn):
                _say(conn, talk, frame)

    async def _missed_talk(self, game_id: str) -> None:
        """The chat lines (and languages) the game's players were not sent while the bus was
        down; each line at most once per socket."""
        talk = await games.catch_up(game_id)
        for conn in list(self.games.get(game_id, {}).values()):
            if conn.greeted and games.hears_talk(conn):
                for message in talk:
                    if not _told(conn, message):
                        _say(conn, message, encode(game_frame(message)).decode())

    async def refresh_game(self, game_id: str, only: Connection | None = None) -> None:
        """Tell the game's sockets (or ``only`` one) its state, read once for them all."""
        sockets = [only] if only is not None else list(self.games.get(game_id, {}).values())
        frames: dict[int, str] = {}  # a message shared by many sockets is encoded once
        for listener, message in await games.refresh(game_id, sockets):
            key = id(message)
            if key not in frames:
                frames[key] = encode(game_frame(message)).decode()
            listener.send_text(frames[key])

    async def greet(self, conn: Connection, game_id: str) -> bool:
        """What a socket gets when it opens (``games.greeting``). False: no such game."""
        greeting = await games.greeting(game_id, conn)
        if greeting is None:
            return False
        self.tell(conn, greeting.messages)
        self._after_greeting(conn, greeting.messages)
        if "start" in greeting.wake_at:  # the countdown's end: the players get the puzzle
            self._at(game_id, "start", greeting.wake_at["start"], self.refresh_game)
        if "end" in greeting.wake_at:
            self._at(game_id, "end", greeting.wake_at["end"], self._ended)
        return True

    @staticmethod
    def _after_greeting(conn: Connection, told: list[games.Message]) -> None:
        """The talk that came while the greeting was read, in order, but for the lines its
        chat replay already held (the page adds every line it is sent)."""
        replayed = {m.line.get("_id") for m in told if isinstance(m, games.ChatLine)}
        waiting, conn.talk_waiting, conn.greeted = conn.talk_waiting, [], True
        for talk, frame in waiting:
            if isinstance(talk, games.ChatLine) and talk.line.get("_id") in replayed:
                continue
            if games.hears_talk(conn):
                _say(conn, talk, frame)

    @staticmethod
    def tell(conn: Connection, messages: list[games.Message]) -> None:
        for message in messages:
            _say(conn, message, encode(game_frame(message)).decode())

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

    async def _ended(self, game_id: str) -> None:
        """The grace is over: end the game here and now (the sweepers would within a second;
        whoever is first ends it, and publishes the end) and tell this process's sockets,
        whatever the bus does (each socket is told once)."""
        await games.finish(game_id)
        await self.refresh_game(game_id)

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
            await games.record_leaves(playing, games.ENDED_BY_SERVER)
        except Exception:
            log.exception("could not record the players' leaves")
        everyone = list(self.lobby.values()) + list(self.staff.values())
        for sockets in self.games.values():
            everyone += list(sockets.values())
        await asyncio.gather(*(conn.close(code, reason) for conn in everyone))


def _say(conn: Connection, message: games.Message, frame: str) -> None:
    if isinstance(message, games.ChatLine):
        conn.chat_told.add(str(message.line.get("_id")))
    conn.send_text(frame)


def _told(conn: Connection, message: games.Message) -> bool:
    """Whether the socket has this line already (a language is told again: it is a state)."""
    return isinstance(message, games.ChatLine) and str(message.line.get("_id")) in conn.chat_told


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
