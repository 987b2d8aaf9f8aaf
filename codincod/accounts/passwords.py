"""Password hashing with bcrypt, always off the event loop (a cost-12 hash takes ~0.3 s).

bcrypt reads at most 72 bytes of its input, so new hashes are taken over a digest of the whole
password (HMAC-SHA-256, base64: 44 bytes) and marked ``sha256+`` so the scheme is known: two
passwords that differ after byte 72 are different. Hashes without the mark come from the Node
server's bcryptjs, which used the first 72 bytes; they verify that way and are replaced at the
next successful login.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re

import bcrypt

BCRYPT_MAX_BYTES = 72
PREHASHED = "sha256+"
_DIGEST_KEY = b"codincod password digest v1"
_COST = re.compile(r"\$2[abxy]?\$(\d{2})\$")


def _digest(password: str) -> bytes:
    mac = hmac.new(_DIGEST_KEY, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(mac)


def _legacy(password: str) -> bytes:
    return password.encode("utf-8")[:BCRYPT_MAX_BYTES]


def _hash(password: str, rounds: int) -> str:
    return PREHASHED + bcrypt.hashpw(_digest(password), bcrypt.gensalt(rounds)).decode("ascii")


def _check(password: str, hashed: str) -> bool:
    if hashed.startswith(PREHASHED):
        secret, stored = _digest(password), hashed[len(PREHASHED) :]
    else:
        secret, stored = _legacy(password), hashed
    try:
        return bcrypt.checkpw(secret, stored.encode("ascii"))
    except (ValueError, UnicodeEncodeError):  # not a bcrypt hash at all
        return False


# Checked against when the user does not exist, so both answers take as long.
_DUMMY_HASH = _hash("codincod-no-such-user", 4)


async def hash_password(password: str, rounds: int) -> str:
    return await asyncio.to_thread(_hash, password, rounds)


async def check_password(password: str, hashed: str | None) -> bool:
    if hashed is None:
        await asyncio.to_thread(_check, password, _DUMMY_HASH)
        return False
    return await asyncio.to_thread(_check, password, hashed)


def hash_cost(hashed: str) -> int | None:
    match = _COST.match(hashed.removeprefix(PREHASHED))
    return int(match.group(1)) if match else None


def needs_rehash(hashed: str, rounds: int) -> bool:
    """An old scheme or a lower cost than configured: hash again at the next login."""
    cost = hash_cost(hashed)
    return not hashed.startswith(PREHASHED) or cost is None or cost < rounds
