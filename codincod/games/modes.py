"""The game modes (the frontend's enum, in its order)."""

from codincod.errors import InvalidInput

MODES = (
    "fastest",
    "shortest",
    "backwards",
    "hardcore",
    "debug",
    "typeracer",
    "efficiency",
    "incremental",
    "random",
)


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise InvalidInput("Game mode is invalid.", title="Game mode is invalid.")
    return mode
