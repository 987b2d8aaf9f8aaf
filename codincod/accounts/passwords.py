"""Password hashing with bcrypt, always off the event loop (a cost-12 hash takes ~0.3 s)."""

from __future__ import annotations

import asyncio
import re

import bcrypt

# bcrypt reads at most 72 bytes. bcrypt 5 raises on longer input; the Node server's bcryptjs
# silently used the first 72, so we do the same and imported hashes keep working.
BCRYPT_MAX_BYTES = 72
_COST = re.compile(r"^\$2[abxy]?\$(\d{2})\$")
# Checked against when the user does not exist, so both answers take as long.
_DUMMY_HASH = bcrypt.hashpw(b"codincod-no-such-user", bcrypt.gensalt(4))


def _secret(password: str) -> bytes:
    return password.encode("utf-8")[:BCRYPT_MAX_BYTES]


def _hash(password: str, rounds: int) -> str:
    return bcrypt.hashpw(_secret(password), bcrypt.gensalt(rounds)).decode("ascii")


def _check(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_secret(password), hashed.encode("ascii"))
    except ValueError:  # not a bcrypt hash at all
        return False


async def hash_password(password: str, rounds: int) -> str:
    return await asyncio.to_thread(_hash, password, rounds)


async def check_password(password: str, hashed: str | None) -> bool:
    if hashed is None:
        await asyncio.to_thread(_check, password, _DUMMY_HASH.decode("ascii"))
        return False
    return await asyncio.to_thread(_check, password, hashed)


def hash_cost(hashed: str) -> int | None:
    match = _COST.match(hashed)
    return int(match.group(1)) if match else None


def needs_rehash(hashed: str, rounds: int) -> bool:
    cost = hash_cost(hashed)
    return cost is None or cost < rounds
