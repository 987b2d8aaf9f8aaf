"""Starting the server: one process, or a worker manager with N workers (PostgreSQL)."""

from __future__ import annotations

import logging
from functools import partial

from sanic import Sanic
from sanic.worker.loader import AppLoader

from codincod.config import Settings
from codincod.execution.choice import announce
from server.app import create_app
from server.protocol import DeadlineProtocol

log = logging.getLogger("codincod.server")


def serve(settings: Settings) -> None:
    settings = settings.with_jwt_secret()
    workers = settings.workers
    if settings.dialect == "sqlite" and workers > 1:
        log.warning("SQLite runs with one worker; use PostgreSQL for more")
        workers = 1
    loader = AppLoader(factory=partial(create_app, settings))
    app = loader.load()
    announce(settings)  # once, from this process, with logging set up by the app
    single = workers == 1
    app.prepare(
        host=settings.host,
        port=settings.port,
        workers=workers,
        single_process=single,
        access_log=False,
        motd=False,
        protocol=DeadlineProtocol,
    )
    if single:
        # No worker manager: one process that serves itself (also what tests run).
        Sanic.serve_single(primary=app)
    else:
        Sanic.serve(primary=app, app_loader=loader)
