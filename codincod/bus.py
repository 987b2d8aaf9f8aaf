"""Publish/subscribe of domain events, across processes when the database can carry them.

With PostgreSQL every process holds one LISTEN connection and hears what any process (or a
trigger in the database itself) sends with NOTIFY. With SQLite, which runs as one server
process, events stay in-process. Subscribers are plain callables taking the payload string.

``publish(channel, payload)`` sends an event to the subscribers of every process (through
NOTIFY, so this process hears its own events the same way) or, without PostgreSQL, to this
process's subscribers at once. Publish after the change is committed; payloads are small (an
id, a kind), larger data is read from the database by whoever needs it.

``connected`` tells whether events from other processes are being heard right now; code that
caches must stop trusting its cache while it is False, and code that tells users what changed
must tell them afresh once it is True again (see ``on_connection_change``). Events published
while the connection is down reach this process at once and the others once it is back.

``barrier()`` waits until every notification committed before it was called has been heard
here: PostgreSQL hands notifications to a listener in commit order, so once our own barrier
notification arrives, so have all earlier ones. A process that awaits it after a write reads
its own writes, whatever its caches held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable

import asyncpg

from codincod import metrics
from codincod.grouping import Grouped

log = logging.getLogger("codincod.bus")

Subscriber = Callable[[str], None]
ConnectionWatcher = Callable[[bool], None]

RECONNECT_DELAYS = (0.1, 0.25, 0.5, 1, 2)  # PostgreSQL down: a try every 2 s
HELD_MOST = 10_000  # events kept for the other processes while the connection is down
BARRIER_CHANNEL = "codincod_barrier"
MAX_PAYLOAD_BYTES = 7900  # PostgreSQL refuses NOTIFY payloads of 8000 bytes and more
APPLICATION_NAME = "codincod-events"


_NOTIFY_ALL = (
    "SELECT pg_notify(c, p) FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(c, p, n)"
    " ORDER BY n"
)


class Bus:
    def __init__(self) -> None:
        self._subscribers: dict[str, list[Subscriber]] = defaultdict(list)
        self._watchers: list[ConnectionWatcher] = []
        self._dsn: str | None = None
        self._connection: asyncpg.Connection | None = None
        self._reconnect: asyncio.Task[None] | None = None
        self._closing = False
        self._barriers: dict[str, asyncio.Future[None]] = {}
        self._send_lock = asyncio.Lock()
        self._listening: set[asyncio.Task[None]] = set()
        # Events published while a NOTIFY is on its way go together in the next one: busy
        # chat makes a few round trips a second, not one per line.
        self._outgoing: Grouped[tuple[str, str], None] = Grouped(self._notify)
        # Sent while the connection was down: the other processes hear them once it is back.
        self._held: deque[tuple[str, str]] = deque(maxlen=HELD_MOST)
        self._echoes: Counter[tuple[str, str]] = Counter()
        self.connected = False

    def subscribe(self, channel: str, subscriber: Subscriber) -> None:
        """Hear ``channel`` from now on, whether the bus has started yet or not."""
        new = channel not in self._subscribers
        self._subscribers[channel].append(subscriber)
        if new and self._connection is not None and self.connected:
            task = asyncio.get_running_loop().create_task(self._listen(channel))
            self._listening.add(task)
            task.add_done_callback(self._listening.discard)

    async def _listen(self, channel: str) -> None:
        connection = self._connection
        if connection is not None:
            async with self._send_lock:
                await connection.add_listener(channel, self._on_notify)

    async def publish(self, channel: str, payload: str) -> None:
        """Send an event to the subscribers of ``channel`` in every process."""
        if len(payload.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"event payload over {MAX_PAYLOAD_BYTES} bytes: send an id instead")
        connection = self._connection
        if self._dsn is None:  # no PostgreSQL: one process, deliver here and now
            self.deliver(channel, payload)
            return
        if connection is None or not self.connected:
            self._hold([(channel, payload)])
            return
        await self._outgoing.send((channel, payload))

    def _hold(self, events: list[tuple[str, str]]) -> None:
        """Deliver here at once; the other processes get them when the connection is back."""
        if len(self._held) + len(events) > HELD_MOST:
            log.warning("event connection down too long: the oldest held events are dropped")
        self._held.extend(events)
        for channel, payload in events:
            self.deliver(channel, payload)

    async def _notify(self, events: list[tuple[str, str]]) -> list[None]:
        """Send a group of events in one round trip, in order."""
        connection = self._connection
        try:
            if connection is None or not self.connected:
                raise ConnectionResetError("no event connection")
            async with self._send_lock:
                await _send(connection, events)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            # Committed changes: this process hears of them now, the others once the
            # connection is back (a barrier has nothing left to wait for).
            log.warning(
                "%d events held until the event connection is back (%s)", len(events), error
            )
            self._hold([event for event in events if event[0] != BARRIER_CHANNEL])
        return [None] * len(events)

    def on_connection_change(self, watcher: ConnectionWatcher) -> None:
        self._watchers.append(watcher)

    def deliver(self, channel: str, payload: str) -> None:
        """Hand an event to this process's subscribers."""
        for subscriber in list(self._subscribers.get(channel, ())):
            try:
                subscriber(payload)
            except Exception:  # one bad subscriber must not starve the others
                log.exception("subscriber of %s failed", channel)

    # --- PostgreSQL ---------------------------------------------------------------------------

    async def start(self, dsn: str) -> None:
        """Listen on PostgreSQL from now on (and reconnect whenever the connection drops)."""
        self._dsn = dsn
        self._closing = False
        await self._connect()

    async def _connect(self) -> None:
        assert self._dsn is not None
        # Named, so an operator can tell it (and its process) apart in pg_stat_activity.
        name = f"{APPLICATION_NAME} pid={os.getpid()}"
        connection = await asyncpg.connect(self._dsn, server_settings={"application_name": name})
        connection.add_termination_listener(self._on_lost)  # a drop from now on is heard
        try:
            for channel in self._subscribers:
                await connection.add_listener(channel, self._on_notify)
            await connection.add_listener(BARRIER_CHANNEL, self._on_barrier)
            await self._send_held(connection)
        except BaseException:
            connection.terminate()
            raise
        if connection.is_closed():  # dropped while it was set up (its loss was not ours)
            raise ConnectionResetError("the event connection dropped as it was set up")
        self._connection = connection
        self._set_connected(True)

    async def _send_held(self, connection: asyncpg.Connection) -> None:
        """The events published while the connection was down, to the other processes (this
        one heard them then, and skips their echo). Those published meanwhile go too."""
        self._echoes.clear()
        while self._held:
            group = list(self._held)
            self._held.clear()
            self._echoes.update(group)
            try:
                await _send(connection, group)
            except BaseException:
                self._held.extendleft(reversed(group))
                raise

    def _on_notify(self, connection: object, pid: int, channel: str, payload: str) -> None:
        if self._echoes[(channel, payload)] > 0:  # a held event, heard when it was published
            self._echoes[(channel, payload)] -= 1
            return
        self.deliver(channel, payload)

    def _on_barrier(self, connection: object, pid: int, channel: str, payload: str) -> None:
        waiter = self._barriers.pop(payload, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def barrier(self, timeout: float = 2.0) -> None:
        """Return once every notification committed before this call has been delivered to
        this process's subscribers (at once when not listening: there is nothing to wait for).
        The barrier's own notification goes out with whatever else is being sent (events,
        other barriers): a burst of writes makes one round trip and one commit, not one each
        in turn."""
        if not self.connected or self._connection is None:
            return
        token = os.urandom(8).hex()
        waiter = asyncio.get_running_loop().create_future()
        self._barriers[token] = waiter
        try:
            async with asyncio.timeout(timeout):
                await self._outgoing.send((BARRIER_CHANNEL, token))
                sent = time.perf_counter()
                await waiter
                metrics.BUS_DELAY.observe(time.perf_counter() - sent)
        except (TimeoutError, OSError, asyncpg.PostgresError) as error:
            log.warning("event barrier not confirmed (%s); caches may lag briefly", error)
        finally:
            self._barriers.pop(token, None)

    def _on_lost(self, connection: object) -> None:
        if connection is not self._connection:
            return  # one being set up: ``_connect`` fails and is tried again
        self._set_connected(False)
        if not self._closing and self._reconnect is None:
            log.warning("lost the event connection to PostgreSQL; reconnecting")
            self._reconnect = asyncio.get_running_loop().create_task(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        attempt = 0
        try:
            while not self._closing:
                await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
                try:
                    await self._connect()
                    log.info("event connection to PostgreSQL restored")
                    return
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                    attempt += 1
                    log.warning("event connection still down (%s)", error)
        finally:
            self._reconnect = None

    def _set_connected(self, value: bool) -> None:
        self.connected = value
        for watcher in self._watchers:
            watcher(value)

    async def stop(self) -> None:
        self._closing = True
        if self._reconnect is not None:
            self._reconnect.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect
        if self._connection is not None and not self._connection.is_closed():
            await self._connection.close()
        self._connection = None
        self._set_connected(False)


async def _send(connection: asyncpg.Connection, events: list[tuple[str, str]]) -> None:
    """Events in one round trip, in order."""
    if events:
        channels, payloads = [c for c, _ in events], [p for _, p in events]
        await connection.execute(_NOTIFY_ALL, channels, payloads)


bus = Bus()
