"""Client addresses for tests, from the documentation range (never contacted): the server
trusts X-Forwarded-For from loopback, so each client gets its own rate-limit buckets."""

from __future__ import annotations

import itertools

_client_numbers = itertools.count(1)


def fresh_address() -> str:
    number = next(_client_numbers)
    return f"198.51.{100 + number // 250}.{number % 250 + 1}"
