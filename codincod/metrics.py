"""What the server counts for Prometheus (``GET /metrics``), right with several workers.

Every process of one ``codincod serve`` writes its figures to files in one folder
(``prometheus_client``'s multiprocess mode, chosen by ``PROMETHEUS_MULTIPROC_DIR``, which
``codincod.metricsfolder`` sets before this module is first imported); a scrape, whichever
worker answers it, reads them all. Labels never hold a user id or name: routes are
templates, outcomes and kinds are short fixed words.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from codincod import __version__
from codincod.metricsfolder import FOLDER_VARIABLE

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

HTTP_REQUESTS = Counter(
    "codincod_http_requests_total", "HTTP requests answered.", ["method", "route", "status"]
)
HTTP_DURATION = Histogram(
    "codincod_http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
WEBSOCKETS = Gauge(
    "codincod_websocket_connections",
    "Open WebSockets, by socket (lobby, game, admin).",
    ["kind"],
    multiprocess_mode="livesum",
)
EXECUTOR_RUNS = Counter(
    "codincod_executor_runs_total",
    "Programs run, by executor (embedded, piston) and outcome.",
    ["kind", "outcome"],
)
EXECUTOR_DURATION = Histogram(
    "codincod_executor_run_duration_seconds",
    "Time the executor took for one program, waiting included.",
    ["kind"],
    buckets=LATENCY_BUCKETS,
)
DATABASE_IN_USE = Gauge(
    "codincod_database_connections_in_use",
    "Pooled database connections lent to requests now.",
    multiprocess_mode="livesum",
)
DATABASE_POOL = Gauge(
    "codincod_database_connections",
    "Pooled database connections open now.",
    multiprocess_mode="livesum",
)
BUS_DELAY = Histogram(
    "codincod_bus_delay_seconds",
    "Time an event takes through PostgreSQL to a listening process (the barrier's round trip).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2),
)
BUILD = Gauge("codincod_build_info", "The running version.", ["version"], multiprocess_mode="max")
BUILD.labels(__version__).set(1)


def process_ended() -> None:
    """This worker's live gauges no longer count (its counters do)."""
    if os.environ.get(FOLDER_VARIABLE):
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


@contextmanager
def socket_open(kind: str) -> Iterator[None]:
    WEBSOCKETS.labels(kind).inc()
    try:
        yield
    finally:
        WEBSOCKETS.labels(kind).dec()


def request_answered(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_DURATION.labels(method, route).observe(seconds)


def run_measured(kind: str, outcome: str, started: float) -> None:
    EXECUTOR_RUNS.labels(kind, outcome).inc()
    EXECUTOR_DURATION.labels(kind).observe(time.perf_counter() - started)


def scrape(live_rooms: int, live_games: int) -> bytes:
    """Every process's figures in Prometheus's text format, with the database-wide ones."""
    registry = CollectorRegistry()
    if os.environ.get(FOLDER_VARIABLE):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:  # a process of its own (tests of the domain): its own figures
        from prometheus_client import REGISTRY

        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_Live(live_rooms, live_games))


class _Live(CollectorRegistry):
    """Figures read from the database at scrape time: the same whichever process answers."""

    def __init__(self, rooms: int, games: int) -> None:
        super().__init__(auto_describe=False)
        self._figures = (rooms, games)

    def collect(self):  # type: ignore[no-untyped-def]
        rooms, games = self._figures
        yield GaugeMetricFamily("codincod_rooms_live", "Open waiting rooms.", value=rooms)
        yield GaugeMetricFamily("codincod_games_live", "Games not over yet.", value=games)
