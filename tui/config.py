"""Where the console keeps what outlives it: the session token (a plain JWT, mode 0600, reused
until it expires) and the key map, under ``$XDG_CONFIG_HOME/codincod`` (``~/.config``)."""

from __future__ import annotations

import base64
import os
import re
import time
import tomllib
from pathlib import Path

import orjson

# Action -> key. Destructive actions are plain keys, never ctrl: a reflex cannot fire them.
DEFAULT_KEYS = {
    "approve": "a",
    "revise": "r",
    "resolve": "x",
    "reject": "j",
    "ban": "b",
    "temporary_ban": "t",
    "permanent_ban": "p",
    "unban": "u",
    "history": "h",
    "accept": "a",
    "refresh": "ctrl+r",
    "filter": "slash",
}


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "codincod"


def _token_file(server: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", server.split("://", 1)[-1]).strip("_")
    return config_dir() / f"console-token-{slug}"


def save_token(server: str, token: str) -> Path:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = _token_file(server)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(token)
    os.chmod(path, 0o600)
    return path


def forget_token(server: str) -> None:
    _token_file(server).unlink(missing_ok=True)


def load_token(server: str) -> str | None:
    """The kept token for ``server`` while it has not expired (by its own ``exp``)."""
    path = _token_file(server)
    try:
        token = path.read_text().strip()
    except OSError:
        return None
    return token if not _expired(token) else None


def claims_of(token: str) -> dict[str, object]:
    """A JWT's claims as it says them (unverified: the server checks; the console only reads
    when it expires and whether it is read-only). Empty for anything that is not one."""
    try:
        payload = token.split(".")[1]
        claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, orjson.JSONDecodeError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _expired(token: str) -> bool:
    expiry = claims_of(token).get("exp")
    return not isinstance(expiry, int | float) or expiry <= time.time() + 30


def is_read_only(token: str) -> bool:
    return claims_of(token).get("scope") == "read"


def load_keys() -> dict[str, str]:
    """The key map: the defaults, with ``[keys]`` of ``console.toml`` over them."""
    keys = dict(DEFAULT_KEYS)
    path = config_dir() / "console.toml"
    if path.exists():
        with path.open("rb") as handle:
            chosen = tomllib.load(handle).get("keys", {})
        keys.update({str(k): str(v) for k, v in chosen.items() if k in DEFAULT_KEYS})
    return keys
