"""Session tokens: HS256 JWTs with the Node server's claims, so its tokens stay valid here."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt

from codincod.errors import Unauthenticated
from codincod.ids import is_valid_id
from codincod.timeutil import utcnow

ALGORITHM = "HS256"
_LATEST_EXPIRY = 253_402_300_799  # 9999-12-31T23:59:59Z
NODE_LIFETIME_SECONDS = 7 * 24 * 3600  # the Node server's sessions ("7d")


@dataclass(frozen=True)
class Claims:
    user_id: str
    username: str
    role: str
    token_id: str
    expires_at: datetime
    lifetime_seconds: int = 0  # exp - iat
    ours: bool = True  # issued here (with a jti); the Node server's have none
    read_only: bool = False  # "scope": "read"


READ_SCOPE = "read"


def issue(
    *,
    user_id: str,
    username: str,
    role: str,
    secret: str,
    ttl_seconds: int,
    read_only: bool = False,
) -> str:
    now = int(utcnow().timestamp())
    payload: dict[str, object] = {
        "userId": user_id,
        "username": username,
        "role": role,
        "isAuthenticated": True,
        "iat": now,
        "exp": now + ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    if read_only:
        payload["scope"] = READ_SCOPE
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def token_id(token: str, payload: dict[str, Any]) -> str:
    """Our tokens carry a ``jti``; the Node server's do not, so theirs are known by a digest."""
    jti = payload.get("jti")
    if isinstance(jti, str) and 0 < len(jti) <= 64:
        return jti
    return hashlib.sha256(token.encode()).hexdigest()


# Verifying a signature costs more than the database check that follows it, and a session
# presents the same token on every request: remember verified tokens (expiry is still checked
# on every use). Bounded; the oldest entries go first.
_VERIFIED_MAX = 10_000
_verified: dict[tuple[str, str], Claims] = {}


def decode(
    token: str,
    secret: str,
    max_lifetime_seconds: int | None = None,
    max_read_only_seconds: int = 0,
) -> Claims:
    """The claims of a valid, unexpired token signed with ``secret``, or Unauthenticated.
    ``max_lifetime_seconds``: the longest a token of ours may live (the Node server's live
    at most 7 days): a correctly signed token that claims more was not made by a server
    (a leaked secret, or a forgery), and is refused."""
    claims = _verified.get((secret, token))
    if claims is None:
        claims = _verify(token, secret)
        if len(_verified) >= _VERIFIED_MAX:
            del _verified[next(iter(_verified))]
        _verified[(secret, token)] = claims
    if claims.expires_at <= utcnow():
        raise Unauthenticated("Authorization token expired", title="Unauthorized")
    if max_lifetime_seconds is not None:
        longest = max_lifetime_seconds if claims.ours else NODE_LIFETIME_SECONDS
        if claims.read_only:  # read-only tokens for dashboards may be made to last longer
            longest = max(longest, max_read_only_seconds)
        if claims.lifetime_seconds > longest:
            raise Unauthenticated("Authorization token is invalid", title="Unauthorized")
    return claims


def _verify(token: str, secret: str) -> Claims:
    try:
        # Only HS256: an ``alg=none`` or RS/HS confusion token never verifies.
        payload = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "iat"]}
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthenticated("Authorization token expired", title="Unauthorized") from error
    except jwt.PyJWTError as error:
        raise Unauthenticated("Authorization token is invalid", title="Unauthorized") from error
    user_id, expires, issued = payload.get("userId"), payload.get("exp"), payload.get("iat")
    if not is_valid_id(user_id) or payload.get("isAuthenticated") is not True:
        raise Unauthenticated("Authorization token is invalid", title="Unauthorized")
    # An expiry past what a date can hold (year 9999) is forged or broken: not a session.
    if not isinstance(expires, int | float) or not 0 < expires < _LATEST_EXPIRY:
        raise Unauthenticated("Authorization token is invalid", title="Unauthorized")
    if not isinstance(issued, int | float) or issued > expires:
        raise Unauthenticated("Authorization token is invalid", title="Unauthorized")
    return Claims(
        user_id=str(user_id).lower(),
        username=str(payload.get("username", "")),
        role=str(payload.get("role", "user")),
        token_id=token_id(token, payload),
        expires_at=datetime.fromtimestamp(int(expires), tz=utcnow().tzinfo),
        lifetime_seconds=int(expires - issued),
        ours=isinstance(payload.get("jti"), str),
        read_only=payload.get("scope") == READ_SCOPE,
    )


# --- device proofs --------------------------------------------------------------------------------
# A device that logged in to an account successfully gets a proof of it (a cookie): later
# logins to that account from that device skip the budget that everyone else trying the
# account shares, so failures by others cannot lock its owner out (OWASP's "device cookies").
# Stateless: a random nonce and an HMAC over the account and the nonce.

DEVICE_NONCE_BYTES = 12


def _device_mac(account: str, nonce: str, secret: str) -> str:
    message = f"device:{account.lower()}:{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def issue_device_proof(account: str, secret: str) -> str:
    nonce = secrets.token_hex(DEVICE_NONCE_BYTES)
    return f"{nonce}.{_device_mac(account, nonce, secret)}"


def device_nonce(proof: str | None, account: str, secret: str) -> str | None:
    """The device's nonce when ``proof`` was issued to this device for ``account``."""
    if not proof or len(proof) > 128:
        return None
    nonce, _, mac = proof.partition(".")
    if len(nonce) != DEVICE_NONCE_BYTES * 2 or not mac:
        return None
    return nonce if hmac.compare_digest(mac, _device_mac(account, nonce, secret)) else None
