"""Who acts in a test: players, moderators and admins made over real HTTP (the role set in the
database, as `codincod user set-role` does), and the headers that carry their sessions."""

from __future__ import annotations

import httpx

from codincod.accounts.models import User
from tests.support import eventually, register


def cookie(token: str) -> dict[str, str]:
    return {"Cookie": f"token={token}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def user_id(http: httpx.AsyncClient, token: str) -> str:
    return (await http.get("/api/v1/user/me", headers=cookie(token))).json()["userId"]


async def player(http: httpx.AsyncClient, name: str, password: str = "a long password!!"):
    token = await register(http, name, password)
    return token, await user_id(http, token)


async def moderator(http: httpx.AsyncClient, name: str, *, admin: bool = False):
    token, found = await player(http, name)
    await User.filter(id=found).update(role="moderator", is_admin=admin)

    # The server hears of the change through the database's notification, a moment later.
    async def role() -> str:
        return (await http.get("/api/v1/user/me", headers=cookie(token))).json()["role"]

    await eventually(role, "moderator")
    return token, found
