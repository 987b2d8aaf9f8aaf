"""The machine's ceiling: a bare Sanic route returning JSON, nothing else (bench only)."""

from __future__ import annotations

import sys

from sanic import Sanic
from sanic.response import json

app = Sanic("ceiling")


@app.get("/ping")
async def ping(request):  # type: ignore[no-untyped-def]
    return json({"status": "OK"})


if __name__ == "__main__":
    app.run(
        host="127.0.0.1", port=int(sys.argv[1]), single_process=True, access_log=False, motd=False
    )
