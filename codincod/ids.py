"""24-hex ObjectId-style ids.

The frontend accepts only MongoDB ObjectIds (24 hex digits), and imported Mongo ids are kept as
they are, so new ids follow the same layout: 4 bytes of seconds since the epoch (time-ordered),
5 random bytes fixed per process, 3 bytes of a counter.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time

_ID_PATTERN = re.compile(r"[0-9a-f]{24}")
_process_random = os.urandom(5)
_counter = itertools.count(int.from_bytes(os.urandom(3), "big"))
_lock = threading.Lock()


def new_id() -> str:
    with _lock:
        count = next(_counter) & 0xFFFFFF
    seconds = int(time.time()) & 0xFFFFFFFF
    raw = seconds.to_bytes(4, "big") + _process_random + count.to_bytes(3, "big")
    return raw.hex()


def is_valid_id(value: object) -> bool:
    """True for a 24-hex id, lowercase or uppercase (ObjectId.isValid accepts both)."""
    return isinstance(value, str) and _ID_PATTERN.fullmatch(value.lower()) is not None


# No row has this id: new ids start with the time they were made, and Mongo's did too.
NEVER_AN_ID = "0" * 24


def key(value: str) -> str:
    """The id to look ``value`` up by: itself in lowercase, or, when it cannot be an id at all
    (too long, a space, a newline, non-ASCII), an id that no row has, so that the lookup
    answers exactly as for an unknown id."""
    return value.lower() if is_valid_id(value) else NEVER_AN_ID


def _reseed_after_fork() -> None:
    global _process_random
    _process_random = os.urandom(5)


os.register_at_fork(after_in_child=_reseed_after_fork)
