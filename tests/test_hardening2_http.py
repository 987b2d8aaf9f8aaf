"""Hardening, round two, over a real server: ids that cannot be ids, sockets that follow their
session, appeals by banned users, logins an attacker cannot lock, one ban at a time, games'
ends and hidden code, and the smaller holes. Each test reruns an attack as it was found."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.actors import bearer, moderator
from tests.support import ServerProcess, client, fresh_address

pytestmark = pytest.mark.usefixtures("orm")

UNKNOWN = "feedfacefeedfacefeedface"
MALFORMED = [
    "x" * 300,
    "abc\n",
    UNKNOWN + "\n",
    "a b",
    "caf\u00e9",
    UNKNOWN[:-1] + "\u0430",  # a Cyrillic letter
    "%0a",
]
SAMPLE_BODY = {"reason": "A reason that is long enough", "status": "resolved", "duration": 1}


def _concrete(template: str, value: str) -> str:
    """The path with every parameter set to ``value``, percent-encoded as a client sends it."""
    return re.sub(r"\{[^}]+\}", lambda _: quote(value, safe=""), template)


def _normal(body: dict, value: str) -> str:
    return str(body).replace(value, "<id>")


async def test_every_path_id_that_cannot_be_an_id_answers_like_an_unknown_one(
    server: ServerProcess,
) -> None:
    """Every route with a path parameter, from the server's own OpenAPI document, as an
    admin: a malformed segment gets exactly what an unknown id gets, never a 5xx."""
    async with client(server.url) as http:
        admin, _ = await moderator(http, "hard_ids_admin", admin=True)
        document = (await http.get("/docs/openapi.json")).json()
        checked = 0
        for template, operations in document["paths"].items():
            if "{" not in template:
                continue
            for method in operations:
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                send = {"json": SAMPLE_BODY} if method != "get" else {}
                # each request from an address of its own: the walk is longer than a
                # client's budget
                send["headers"] = {**bearer(admin), "X-Forwarded-For": fresh_address()}
                expected = await http.request(method, _concrete(template, UNKNOWN), **send)
                for value in MALFORMED:
                    got = await http.request(method, _concrete(template, value), **send)
                    where = (method, template, value)
                    assert got.status_code < 500, (where, got.text)
                    if "_id}" in template or "Id}" in template:
                        assert got.status_code == expected.status_code, (where, got.text)
                        assert _normal(got.json(), value) == _normal(expected.json(), UNKNOWN)
                    checked += 1
    assert checked > 100
