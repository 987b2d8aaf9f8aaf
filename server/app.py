"""The application factory: ``create_app(settings)`` returns a ready Sanic app."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sanic import Sanic

from codincod import db, metrics
from codincod.accounts.authcache import auth_cache
from codincod.bus import bus
from codincod.config import Settings
from codincod.errors import DomainError
from codincod.execution import languages
from codincod.execution.choice import measured_executor_for, run_limits
from codincod.puzzles.readcache import public_reads
from server import errors, middleware, openapi, resilience
from server.logs import flush_buffered_logs, logging_config
from server.realtime import timers
from server.realtime.hub import Hub
from server.routes import (
    admin,
    appeals,
    auth,
    comments,
    execution,
    health,
    leaderboard,
    moderation,
    preferences,
    puzzles,
    reports,
    sockets,
    users,
)
from server.routes import metrics as metrics_route

log = logging.getLogger("codincod.server")
BLUEPRINTS = (
    health.bp,
    auth.bp,
    users.bp,
    preferences.bp,
    puzzles.bp,
    comments.bp,
    reports.bp,
    execution.bp,
    leaderboard.bp,
    moderation.bp,
    appeals.bp,
    admin.bp,
    sockets.bp,
    openapi.bp,
    metrics_route.bp,
)


def _configure(app: Sanic, settings: Settings) -> None:
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    app.config.REQUEST_TIMEOUT = settings.request_timeout_seconds
    app.config.RESPONSE_TIMEOUT = settings.response_timeout_seconds
    # A connection is idle from the moment it is accepted: one that sends nothing, or
    # nothing more, goes after the request timeout (Sanic's default keeps it 120 s).
    app.config.KEEP_ALIVE_TIMEOUT = settings.request_timeout_seconds
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.CORS_ORIGINS = settings.frontend_url
    app.config.CORS_SUPPORTS_CREDENTIALS = True
    app.config.CORS_ALLOW_HEADERS = ["authorization", "content-type"]
    app.config.CORS_EXPOSE_HEADERS = ["upgrade", "connection", "x-request-id", "retry-after"]
    app.config.CORS_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]
    app.config.CORS_MAX_AGE = 600
    # sanic-ext does CORS; the OpenAPI document is ours (server.openapi), built from the
    # routes' own descriptions.
    app.config.OAS = False
    # A frame is one small JSON object: one up to 1 MiB is refused with an error frame
    # (server.realtime.frames.MAX_FRAME_BYTES), a bigger one closes the socket (1009).
    app.config.WEBSOCKET_MAX_SIZE = 1024 * 1024
    # A stopping process is gone within 15 s: its drain, then the requests still in flight.
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 13 - settings.drain_seconds


def _listeners(app: Sanic, settings: Settings) -> Callable[[Sanic], Coroutine[Any, Any, None]]:
    """Start and stop; returns the drain, for ``_drain_first``."""

    async def open_database(app: Sanic) -> None:
        await db.init_db(settings, listen=True)
        log.info("database %s ready", settings.dialect)
        app.ctx.executor = measured_executor_for(settings)
        app.ctx.run_limits = run_limits(settings)

    async def settle(app: Sanic) -> None:
        # Everything built at start-up lives as long as the process: keep it out of the
        # collector's full passes, which otherwise grow with it and stall requests.
        gc.collect()
        gc.freeze()
        # Our own tasks, not Sanic's registry: they are stopped in order when the server
        # stops (Sanic would cancel them with a warning each).
        app.ctx.flushing = asyncio.get_running_loop().create_task(flush_buffered_logs())
        app.ctx.timed = [
            asyncio.get_running_loop().create_task(work)
            for work in (
                _sync_languages(app),
                timers.end_games(),
                timers.keep_presence(app.ctx.hub),
                timers.end_bans(),
                timers.recheck_sessions(app.ctx.hub),
                timers.sample_pool(),
                timers.forget_rate_windows(),
            )
        ]

    async def drain(app: Sanic) -> None:
        """SIGTERM: not ready at once (the listener still serves for ``drain_seconds``), then
        every socket closed with 1001, which makes the frontend reconnect, to another process
        or to this one once it is back; Sanic then finishes the requests in flight."""
        app.ctx.draining = True
        if settings.drain_seconds:
            log.info("draining: not ready, still serving for %.0f s", settings.drain_seconds)
            await asyncio.sleep(settings.drain_seconds)
        await app.ctx.hub.close_all(1001, "Server shutting down")
        await _stopped(app.ctx.timed)

    async def close_database(app: Sanic) -> None:
        await app.ctx.executor.close()
        await db.close_db()
        metrics.process_ended()
        await _stopped([app.ctx.flushing])

    app.register_listener(open_database, "before_server_start")
    app.register_listener(settle, "after_server_start")
    app.register_listener(close_database, "after_server_stop")
    return drain


def _drain_first(app: Sanic, drain: Callable[[Sanic], Coroutine[Any, Any, None]]) -> None:
    """Stop listeners run last-registered first: registered after the socket routes, whose
    own listener cancels every socket (a 1000 close, the wrong code), the drain runs first."""
    app.register_listener(drain, "before_server_stop")


async def _stopped(tasks: list[asyncio.Task[None] | None]) -> None:
    running = [task for task in tasks if task is not None]  # none if the start failed
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)


async def _sync_languages(app: Sanic) -> None:
    """Give every runtime of the executor a language row, so it can be picked at once."""
    try:
        report = await languages.sync(app.ctx.executor)
    except DomainError as error:
        log.warning("languages not synced (%s); `codincod languages sync` retries", error.message)
        return
    if report.added or report.updated:
        log.info("languages synced: %d added, %d updated", report.added, report.updated)


def create_app(settings: Settings, name: str = "codincod") -> Sanic:
    settings = settings.with_jwt_secret()
    app = Sanic(name, log_config=logging_config(settings.log_level, settings.log_format))
    app.ctx.settings = settings
    app.ctx.draining = False
    app.ctx.timed, app.ctx.flushing = [], None
    _configure(app, settings)
    # The per-process caches follow the bus: attached here, not as a side effect of an import.
    if settings.cache_enabled:
        public_reads.attach(bus)
        auth_cache.attach(bus)
    middleware.install(app)  # the rate windows, which the hub's chat budget uses too
    app.ctx.hub = Hub(app.ctx.rate_windows)
    app.ctx.hub.attach(bus)  # this process's sockets hear rooms and games from every process
    drain = _listeners(app, settings)
    app.error_handler.add(Exception, errors.handle)
    for blueprint in BLUEPRINTS:
        app.blueprint(blueprint)
    _drain_first(app, drain)
    resilience.retry_dropped_connections(app)
    app.extend()
    return app
