"""The game modes (the frontend's enum, in its order)."""

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
