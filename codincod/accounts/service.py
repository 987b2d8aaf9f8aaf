"""Accounts: registration, login, sessions and who the acting user is.

Every transport calls these functions; none of them trusts a user id from a request body.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from codincod import db
from codincod.accounts import passwords, tokens
from codincod.accounts.authcache import CHANNEL as AUTH_CHANNEL
from codincod.accounts.authcache import SessionState, auth_cache
from codincod.accounts.bans import ActiveBan, effective_ban
from codincod.accounts.models import RevokedToken, User, UserBan
from codincod.accounts.schemas import (
    USERNAME_MAX,
    Credentials,
    Registration,
    Role,
    is_valid_username,
)
from codincod.actors import Actor
from codincod.bus import bus
from codincod.config import Settings
from codincod.errors import Banned, Conflict, InvalidInput, NotFound, Unauthenticated
from codincod.timeutil import as_utc, utcnow

INVALID_CREDENTIALS = "Invalid email/username or password"
ENDED = "This session has ended; log in again"
GONE = "This account no longer exists"


# --- registration and login ------------------------------------------------------------------


async def register(data: Registration, settings: Settings, role: Role = "user") -> User:
    """A new account. Names are unique whatever their case (``Casey`` and ``casey`` are one
    name); accounts imported with case-variants keep them."""
    await _raise_if_taken(data.username, data.email)
    password_hash = await passwords.hash_password(data.password, settings.bcrypt_rounds)
    try:
        async with in_transaction() as connection:
            await db.lock_name(connection, "username:" + data.username.lower())
            await _raise_if_taken(data.username, data.email, connection)
            return await User.create(
                username=data.username,
                email=data.email,
                password_hash=password_hash,
                role=role,
                using_db=connection,
            )
    except IntegrityError as error:  # a concurrent registration took the name or the email
        raise Conflict("Username or email already exists") from error


async def _raise_if_taken(username: str, email: str, connection: Any = None) -> None:
    if await User.filter(username__iexact=username).using_db(connection).exists():
        raise Conflict("Username already exists")
    if await User.filter(email=email).using_db(connection).exists():
        raise Conflict("Email already exists")


async def find_user(username: str) -> User | None:
    """The user of this exact name, else the one user whose name equals it ignoring case
    (ASCII case: PostgreSQL's UPPER() would also fold look-alikes, the long s into 's')."""
    if len(username) > USERNAME_MAX or not username.isascii():
        return None  # no such name can exist
    exact = await User.get_or_none(username=username)
    if exact is not None:
        return exact
    variants = await User.filter(username__iexact=username).limit(2)
    return variants[0] if len(variants) == 1 else None


APPEAL_HINT = (
    " You may appeal: POST /api/v1/appeal with your identifier (username or email), password"
    " and reason; GET /api/v1/appeal/mine (HTTP Basic) tells where it stands."
)


async def _account(identifier: str) -> User | None:
    """The account a username or an email names."""
    identifier = identifier.strip()
    if "@" in identifier:
        return await User.get_or_none(email=identifier.lower())
    return await find_user(identifier)


async def account_key(identifier: str) -> str:
    """What a password try counts against: the account it reaches, whatever spelling (name,
    email, case) names it; else the identifier itself, folded."""
    user = await _account(identifier)
    if user is not None:
        return user.id
    return unicodedata.normalize("NFKC", identifier.strip()).casefold()


async def check_credentials(data: Credentials) -> User:
    """The user whose username (or email) and password these are, banned or not."""
    user = await _account(data.identifier)
    valid = await passwords.check_password(data.password, user.password_hash if user else None)
    if user is None or not valid:
        raise Unauthenticated(INVALID_CREDENTIALS)
    return user


def actor_of(user: User) -> Actor:
    admin = user.is_admin and user.role == "moderator"
    return Actor(id=user.id, username=user.username, role=user.role, is_admin=admin)


async def login(data: Credentials, settings: Settings) -> User:
    """The user whose credentials these are; banned users are told so, and how to appeal,
    and not let in."""
    user = await check_credentials(data)
    try:
        await _raise_if_banned(user.id)
    except Banned as banned:
        raise Banned(banned.message + APPEAL_HINT, title=banned.title, ban=banned.ban) from None
    if passwords.needs_rehash(user.password_hash, settings.bcrypt_rounds):
        user.password_hash = await passwords.hash_password(data.password, settings.bcrypt_rounds)
        await user.save(update_fields=["password_hash"])
    return user


def issue_token(
    user: User, settings: Settings, *, read_only: bool = False, ttl_seconds: int | None = None
) -> str:
    """A session token; ``read_only``: one that may look but change nothing (enforced by the
    server on every write, whatever the client)."""
    assert settings.jwt_secret, "settings.with_jwt_secret() must run at start-up"
    return tokens.issue(
        user_id=user.id,
        username=user.username,
        role=user.role,
        secret=settings.jwt_secret,
        ttl_seconds=ttl_seconds or settings.jwt_expiry_seconds,
        read_only=read_only,
    )


async def token_for(username: str, settings: Settings, *, read_only: bool, days: float) -> str:
    """A token for USERNAME made by an operator (``codincod user token``): a read-only one
    lives up to ``readonly_token_max_days``, a full one no longer than a login's."""
    user = await User.get_or_none(username=username)
    if user is None:
        raise NotFound(f"No user named {username!r}")
    longest = settings.readonly_token_max_days * 86400 if read_only else settings.jwt_expiry_seconds
    seconds = int(days * 86400)
    if not 60 <= seconds <= longest:
        raise InvalidInput(
            f"--days must give between a minute and {longest / 86400:g} days for this token"
        )
    return issue_token(user, settings, read_only=read_only, ttl_seconds=seconds)


async def read_only_token(actor: Actor, settings: Settings) -> str:
    """A read-only session for the acting user (the console's --readonly with a full token)."""
    user = await User.get(id=actor.id)
    return issue_token(user, settings, read_only=True)


async def session_changed(*, user_id: str | None = None, token_id: str | None = None) -> None:
    """Tell every process that a user's or a session's standing changed (its sockets are
    held and rechecked at once). On PostgreSQL a trigger says it too, whoever changed it."""
    if user_id is not None:
        await bus.publish(AUTH_CHANNEL, f"user:{user_id}")
    if token_id is not None:
        await bus.publish(AUTH_CHANNEL, f"token:{token_id}")


async def logout(token: str | None, settings: Settings) -> None:
    """Refuse this token from now on. A missing, invalid or expired token needs nothing."""
    if not token:
        return
    try:
        claims = claims_of(token, settings)
    except Unauthenticated:
        return
    now = utcnow()
    await RevokedToken.filter(expires_at__lt=now).delete()
    await db.connection().execute_query(
        db.sql(
            "INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2) "
            "ON CONFLICT (token_id) DO NOTHING"
        ),
        [claims.token_id, _db_datetime(claims.expires_at)],
    )
    await session_changed(token_id=claims.token_id)


# --- authentication on every request -----------------------------------------------------------

_AUTH_QUERY = """
SELECT u.id, u.username, u.role, u.is_admin,
       (SELECT 1 FROM revoked_tokens r WHERE r.token_id = $2) AS revoked,
       b.id AS ban_id, b.ban_type, b.reason, b.end_date
FROM users u
LEFT JOIN user_bans b ON b.user_id = u.id AND b.is_active
WHERE u.id = $1
"""


def claims_of(token: str, settings: Settings) -> tokens.Claims:
    """A session token's claims, checked: signature, expiry, and a lifetime no longer than
    this server gives (or the Node server gave) its sessions."""
    return tokens.decode(
        token,
        settings.jwt_secret or "",
        settings.jwt_expiry_seconds,
        settings.readonly_token_max_days * 86400,
    )


async def authenticate(token: str | None, settings: Settings, *, banned_too: bool = False) -> Actor:
    """The actor a session token stands for: the user, the token's revocation and the user's
    active bans, read in one query (or remembered, see ``authcache``). The role is the
    database's, so a role change applies at once. ``banned_too``: a banned user is let
    through (to appeal their ban)."""
    if not token:
        raise Unauthenticated("No authentication token provided", title="Unauthorized")
    claims = claims_of(token, settings)
    state = await _session_state(claims)
    if state.revoked:
        raise Unauthenticated(ENDED, title="Unauthorized")
    if not banned_too:
        await _enforce_bans(list(state.bans))
    admin = state.is_admin and state.role == "moderator"
    return Actor(
        id=state.user_id,
        username=state.username,
        role=state.role,
        is_admin=admin,
        read_only=claims.read_only,
    )


async def _session_state(claims: tokens.Claims) -> SessionState:
    async def build() -> tuple[SessionState, Iterable[str]]:
        rows = await db.fetch_all(_AUTH_QUERY, (claims.user_id, claims.token_id))
        if not rows:
            raise Unauthenticated(GONE, title="Unauthorized")
        first = rows[0]
        state = SessionState(
            user_id=first["id"],
            username=first["username"],
            role=first["role"],
            revoked=bool(first["revoked"]),
            bans=tuple(_ban_from_row(row) for row in rows if row["ban_id"]),
            is_admin=bool(first["is_admin"]),
        )
        return state, state.tags(claims.token_id)

    state = await auth_cache.get_or_build(claims.token_id, build)
    if state.user_id != claims.user_id:  # a token id reused by another user's token: recheck
        state = (await build())[0]
    return state


async def _raise_if_banned(user_id: str) -> None:
    bans = await UserBan.filter(user_id=user_id, is_active=True)
    await _enforce_bans([ActiveBan(ban.id, ban.ban_type, ban.reason, ban.end_date) for ban in bans])


async def _enforce_bans(bans: list[ActiveBan]) -> None:
    if not bans:
        return
    ban, expired = effective_ban(bans, utcnow())
    if expired:
        await UserBan.filter(id__in=expired, is_active=True).update(is_active=False)
    if ban is not None:
        raise Banned(ban.message(), ban=ban.details())


async def recheck(sessions: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Actor | str]:
    """Many sessions at once, as (user id, token id): the actor each stands for now, or why it
    no longer holds (logged out, account gone, banned). Three queries, however many: every
    open socket of a process is rechecked each second."""
    pairs = set(sessions)
    users = db.list_value(sorted({user for user, _ in pairs}))
    token_ids = db.list_value(sorted({token for _, token in pairs}))
    people, revoked, bans = await db.fetch_each(
        [
            (
                f"SELECT id, username, role, is_admin FROM users WHERE {db.one_of('id', '$1')}",
                [users],
            ),
            (
                f"SELECT token_id FROM revoked_tokens WHERE {db.one_of('token_id', '$1')}",
                [token_ids],
            ),
            (
                "SELECT user_id, id AS ban_id, ban_type, reason, end_date FROM user_bans "
                f"WHERE is_active AND {db.one_of('user_id', '$1')}",
                [users],
            ),
        ]
    )
    found = {row["id"]: row for row in people}
    ended = {row["token_id"] for row in revoked}
    active: dict[str, list[ActiveBan]] = {}
    for ban in bans:
        active.setdefault(ban["user_id"], []).append(_ban_from_row(ban))
    now = utcnow()
    return {
        (user, token): _verdict(found.get(user), token in ended, active.get(user, []), now)
        for user, token in pairs
    }


def _verdict(
    user: dict[str, Any] | None, ended: bool, bans: list[ActiveBan], now: datetime
) -> Actor | str:
    if ended:
        return ENDED
    if user is None:
        return GONE
    ban = effective_ban(bans, now)[0]
    if ban is not None:
        return ban.message()
    admin = bool(user["is_admin"]) and user["role"] == "moderator"
    return Actor(user["id"], user["username"], user["role"], admin)


def _ban_from_row(row: dict[str, Any]) -> ActiveBan:
    return ActiveBan(
        row["ban_id"], row["ban_type"], row["reason"], _parse_datetime(row["end_date"])
    )


def _parse_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return as_utc(datetime.fromisoformat(str(value)))


def _db_datetime(value: datetime) -> Any:
    # SQLite keeps datetimes as ISO text (as Tortoise writes them); PostgreSQL takes the object.
    return value.isoformat(sep=" ") if db.dialect() == "sqlite" else value


# --- users ---------------------------------------------------------------------------------------


async def find_by_username(username: str) -> User:
    if not is_valid_username(username):
        raise InvalidInput("username is invalid")
    user = await find_user(username)
    if user is None:
        raise NotFound("User couldn't be found")
    return user


async def is_username_available(username: str) -> bool:
    if not is_valid_username(username):
        raise InvalidInput("username is invalid")
    return not await User.filter(username__iexact=username).exists()
