"""The connection protocol: Sanic's, with a request deadline that a slow client cannot stretch.

Sanic restarts its timeout clock on every packet received, so a client that sends one byte of
its headers or body every few seconds holds a connection (and a worker's memory) forever. Here
the clock of a request starts at its first byte: the headers and the body must all arrive
within ``REQUEST_TIMEOUT``, however they trickle in.
"""

from __future__ import annotations

from time import monotonic

from sanic.exceptions import RequestTimeout
from sanic.http import Stage
from sanic.server.protocols.websocket_protocol import WebSocketProtocol


class DeadlineProtocol(WebSocketProtocol):
    __slots__ = ("_request_started",)

    def data_received(self, data: bytes) -> None:
        if self.websocket is not None:
            return super().data_received(data)
        http = getattr(self, "_http", None)
        if http is None or http.stage is Stage.IDLE:
            self._request_started = monotonic()  # a new request begins
        super().data_received(data)

    def _receiving(self) -> bool:
        http = getattr(self, "_http", None)
        if http is None or self.websocket is not None or getattr(http, "upgrade_websocket", False):
            return False
        if http.stage is Stage.REQUEST:
            return True
        # The handler stage begins with the headers; the body may still be on its way.
        return http.stage is Stage.HANDLER and bool(http.request_bytes_left)

    def _hang_up(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def check_timeouts(self) -> None:
        started = getattr(self, "_request_started", None)
        late = started is not None and monotonic() - started > self.request_timeout
        if late and self._task and self._receiving():
            self._http.exception = RequestTimeout("Request Timeout")
            self._task.cancel("the request did not arrive within the request timeout")
            # The 408 goes out first; then the connection ends, whatever the client still holds.
            self.loop.call_later(0.5, self._hang_up)
            return
        super().check_timeouts()
