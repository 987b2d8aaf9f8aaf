"""The OpenAPI 3.1 document, built from the routes themselves: each handler says what it reads
and answers with ``@described(...)``, naming the same pydantic models it parses with and the
typed dicts of ``server.shapes``; path parameters come from the route, the security scheme
(the ``token`` cookie, or the same JWT as a Bearer header) from ``auth``.

Served at ``/docs/openapi.json``, with a reference page at ``/docs``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, TypeAdapter
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse, html

from codincod import __version__
from codincod.accounts.schemas import USERNAME_PATTERN
from codincod.games.api import MODES
from server import shapes
from server.realtime import frames
from server.wire import reply

Auth = Literal["required", "optional", "none"]
Mode = Literal["validation", "serialization"]
F = TypeVar("F", bound=Callable[..., Any])
REF = "#/components/schemas/{model}"
_SECURITY_SCHEMES = {
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "token"},
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
}
_ABOUT = (
    "The CodinCod wire contract. Sessions: the `token` cookie that register and login set, "
    "or the same JWT as `Authorization: Bearer`. Text never holds NUL characters: a body or URL "
    "with one is refused with 400."
)
_SIGNED_IN: list[dict[str, list[str]]] = [{"cookieAuth": []}, {"bearerAuth": []}]


@dataclass(frozen=True)
class Description:
    responses: dict[int, Any]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    auth: Auth = "none"


def described(
    responses: dict[int, Any],
    *,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    auth: Auth = "none",
) -> Callable[[F], F]:
    """What a handler reads and answers: ``responses`` maps a status to a shape (``None``: no
    content, ``str``: an HTML page, ``bytes``: plain text). Every operation may also answer a
    4xx ``Error`` and a 503 ``Error``."""

    def mark(handler: F) -> F:
        handler.__described__ = Description(responses, body, query, auth)  # type: ignore[attr-defined]
        return handler

    return mark


def description_of(handler: Any) -> Description | None:
    return getattr(handler, "__described__", None)


# --- the document ---------------------------------------------------------------------------------


@dataclass
class _Route:
    path: str
    method: str
    name: str
    handler: Any
    doc: str


_TEXT = {"type": "string"}
# Path parameters that only some strings can be; ids are any text (an unknown one is a 404).
_PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "username": {"type": "string", "pattern": USERNAME_PATTERN},
    "game_mode": {"type": "string", "enum": list(MODES)},
}
_PARAMETER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)(?::[^>]*)?>")


def _routes(app: Sanic) -> Iterator[_Route]:
    for route in app.router.routes:
        if route.extra.websocket:  # sockets speak events, described in the README
            continue
        path = "/" + _PARAMETER.sub(r"{\1}", route.path).strip("/")
        for method in sorted(route.methods):
            if method in ("HEAD", "OPTIONS"):
                continue
            yield _Route(path, method.lower(), route.name, route.handler, route.handler.__doc__)


class _Schemas:
    """Collects JSON schemas so that every model is defined once, under components."""

    def __init__(self) -> None:
        self._wanted: list[
            tuple[Any, Literal["validation", "serialization"], TypeAdapter[Any]]
        ] = []
        self.refs: dict[Any, dict[str, Any]] = {}
        self.definitions: dict[str, Any] = {}

    def want(self, kind: Any, mode: Mode) -> None:
        key = (kind, mode)
        if kind is not None and all(existing[0] != key for existing in self._wanted):
            self._wanted.append((key, mode, TypeAdapter(kind)))

    def resolve(self) -> None:
        mapping, definitions = TypeAdapter.json_schemas(self._wanted, ref_template=REF)
        self.refs = {key: schema for (key, _mode), schema in mapping.items()}
        self.definitions = definitions.get("$defs", {})

    def of(self, kind: Any, mode: str) -> dict[str, Any]:
        return self.refs[(kind, mode)]


def _query_parameters(query: type[BaseModel]) -> list[dict[str, Any]]:
    schema = query.model_json_schema(ref_template=REF)
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in _without_null(prop).items() if k != "title"}
        if prop.get("default", 0) is None:
            del prop["default"]
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if prop.get("type") == "array":  # e.g. ?tags=strings,arrays
            parameter.update(style="form", explode=False)
        parameter["schema"] = prop
        parameters.append(parameter)
    return parameters


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """An optional query value is absent, never ``null``."""
    options = prop.get("anyOf")
    if not options:
        return prop
    kept = [option for option in options if option.get("type") != "null"]
    rest = {key: value for key, value in prop.items() if key != "anyOf"}
    return {**rest, **kept[0]} if len(kept) == 1 else {**rest, "anyOf": kept}


def _security(auth: Auth) -> list[dict[str, list[str]]]:
    if auth == "required":
        return _SIGNED_IN
    if auth == "optional":
        return [{}, *_SIGNED_IN]
    return []


def _operation(route: _Route, described: Description, schemas: _Schemas) -> dict[str, Any]:
    summary, _, details = (route.doc or route.name).strip().partition("\n")
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": _PATH_SCHEMAS.get(name, _TEXT)}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    if described.query is not None:
        parameters += _query_parameters(described.query)
    operation: dict[str, Any] = {
        "operationId": route.name.split(".", 1)[-1].replace(".", "_") + f"_{route.method}",
        "summary": summary,
        "tags": [route.name.split(".")[1]] if route.name.count(".") >= 2 else [],
        "parameters": parameters,
        "security": _security(described.auth),
        "responses": _responses(described, schemas),
    }
    if details.strip():
        operation["description"] = details.strip()
    if described.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.of(described.body, "validation")}},
        }
    return operation


def _responses(described: Description, schemas: _Schemas) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, shape in described.responses.items():
        if shape is None:
            responses[str(status)] = {"description": "No content"}
            continue
        if shape is str:
            page = {"text/html": {"schema": {"type": "string"}}}
            responses[str(status)] = {"description": "A page", "content": page}
            continue
        if shape is bytes:
            text = {"text/plain": {"schema": {"type": "string"}}}
            responses[str(status)] = {"description": "Text", "content": text}
            continue
        schema = schemas.of(shape, "serialization")
        responses[str(status)] = {
            "description": "OK" if status < 300 else "See the body",
            "content": {"application/json": {"schema": schema}},
        }
    error = {"content": {"application/json": {"schema": schemas.of(shapes.Error, "serialization")}}}
    responses.setdefault("4XX", {"description": "The request cannot be served", **error})
    responses.setdefault("503", {"description": "A dependency is unavailable", **error})
    return responses


# The sockets (``/ws``, ``/ws/game/{gameId}``, ``/ws/admin``): every frame is one JSON object
# whose ``event`` names it. What each socket receives and sends is listed under
# ``x-websockets``; the frames are schemas under components like any body.
SOCKETS: dict[str, dict[str, Any]] = {
    "/ws": {
        "receives": frames.LOBBY,
        "sends": [
            shapes.RoomsOverviewFrame,
            shapes.RoomOverviewFrame,
            shapes.RoomChatFrame,
            shapes.GameStartFrame,
            shapes.NotEnoughPuzzlesFrame,
            shapes.ErrorFrame,
        ],
    },
    "/ws/game/{gameId}": {
        "receives": frames.GAME,
        "sends": [
            shapes.GameOverviewFrame,
            shapes.GameFinishedFrame,
            shapes.GameNonexistentFrame,
            shapes.ChatFrame,
            shapes.LanguageFrame,
            shapes.ErrorFrame,
        ],
    },
    "/ws/admin": {"receives": {}, "sends": [shapes.FeedOpenFrame, shapes.StaffFrame]},
}


def _want_frames(schemas: _Schemas) -> None:
    for socket in SOCKETS.values():
        for frame in socket["receives"].values():
            schemas.want(frame, "validation")
        for frame in socket["sends"]:
            schemas.want(frame, "serialization")


def _sockets(schemas: _Schemas) -> dict[str, Any]:
    return {
        path: {
            "receives": {
                event: schemas.of(model, "validation")
                for event, model in socket["receives"].items()
            },
            "sends": [schemas.of(frame, "serialization") for frame in socket["sends"]],
        }
        for path, socket in SOCKETS.items()
    }


def document(app: Sanic) -> dict[str, Any]:
    routes = [(route, description_of(route.handler)) for route in _routes(app)]
    schemas = _Schemas()
    schemas.want(shapes.Error, "serialization")
    _want_frames(schemas)
    for _route, described in routes:
        if described is None:
            continue
        for shape in described.responses.values():
            if shape is not str:
                schemas.want(shape, "serialization")
        schemas.want(described.body, "validation")
    schemas.resolve()
    paths: dict[str, dict[str, Any]] = {}
    for route, described in routes:
        if described is None:
            raise RuntimeError(f"route {route.name} ({route.method} {route.path}) is undescribed")
        paths.setdefault(route.path, {})[route.method] = _operation(route, described, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "codincod API", "version": __version__, "description": _ABOUT},
        "paths": paths,
        "x-websockets": _sockets(schemas),
        "components": {"schemas": schemas.definitions, "securitySchemes": _SECURITY_SCHEMES},
    }


# --- serving it ---------------------------------------------------------------------------------

bp = Blueprint("openapi", url_prefix="/docs", strict_slashes=False)

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>codincod API</title></head>
<body><p>The API is described in <a href="/docs/openapi.json">/docs/openapi.json</a>
(OpenAPI 3.1).</p>
<redoc spec-url="/docs/openapi.json"></redoc>
<script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"></script>
</body></html>
"""


@bp.get("/openapi.json", name="openapi_document")
@described({200: dict[str, Any]})
async def openapi_document(request: Request) -> HTTPResponse:
    """This document."""
    app = request.app
    if getattr(app.ctx, "openapi", None) is None:  # built once, when the routes are final
        app.ctx.openapi = document(app)
    return reply(app.ctx.openapi)


@bp.get("/", name="openapi_page")
@described({200: str})
async def openapi_page(request: Request) -> HTTPResponse:
    """A page that renders this document."""
    return html(_PAGE)
