"""HTTP benchmark (issue: foundation): health, /user/me and login on PostgreSQL, one and two
workers, beside the machine's ceiling (a bare Sanic JSON route) and bcrypt's own rate.

    .venv/bin/python bench/accounts.py [--seconds 10] [--bcrypt-rounds 12]

Needs wrk (apt-get install -y wrk) and PostgreSQL at CODINCOD_BENCH_POSTGRES_URL
(default postgres@127.0.0.1:5432). Prints figures; it is not a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named http.py: move its folder behind the standard library's ``http``.
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [entry for entry in sys.path if entry != _HERE] + [_HERE]

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import bcrypt  # noqa: E402
import httpx  # noqa: E402
from common import BenchDatabase, ceiling_server, codincod_server, wrk  # noqa: E402

USERNAME, PASSWORD = "bench_user", "a benchmark password"


def bcrypt_rate(rounds: int, threads: int, seconds: float = 4.0) -> float:
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds))
    deadline = time.monotonic() + seconds

    def work() -> int:
        count = 0
        while time.monotonic() < deadline:
            bcrypt.checkpw(PASSWORD.encode(), hashed)
            count += 1
        return count

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        total = sum(pool.map(lambda _: work(), range(threads)))
    return total / (time.monotonic() - started)


def login_script() -> str:
    body = f'{{"identifier":"{USERNAME}","password":"{PASSWORD}"}}'
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = '{body}'\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return str(script)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--bcrypt-rounds", type=int, default=12, help="configured bcrypt cost")
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()

    print(f"bcrypt cost {args.bcrypt_rounds}:")
    one = bcrypt_rate(args.bcrypt_rounds, 1)
    two = bcrypt_rate(args.bcrypt_rounds, 2)
    print(f"  checks/s, 1 thread: {one:.2f}   2 threads (whole machine): {two:.2f}")

    with ceiling_server() as ceiling:
        top = wrk(ceiling.url + "/ping", connections=args.connections, seconds=args.seconds)
    print(top.row("ceiling: bare Sanic GET /ping, 1 process"))

    with BenchDatabase() as database:
        database.cli(
            "user",
            "create",
            "--username",
            USERNAME,
            "--email",
            "bench@example.com",
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        for workers in (1, 2):
            for access_log in (True, False):
                label = f"{workers} worker(s), access log {'on' if access_log else 'off'}"
                extra = {
                    "CODINCOD_BCRYPT_ROUNDS": str(args.bcrypt_rounds),
                    "CODINCOD_ACCESS_LOG": str(access_log).lower(),
                    "CODINCOD_LOG_LEVEL": "INFO",
                }
                with codincod_server(database, workers, **extra) as server:
                    measure(server.url, label, top.requests_per_second, args, access_log, one, two)


def measure(url: str, label: str, ceiling: float, args, with_login: bool, one, two) -> None:
    conns, seconds = args.connections, args.seconds
    login = httpx.post(url + "/api/v1/login", json={"identifier": USERNAME, "password": PASSWORD})
    token = login.cookies["token"]
    health = wrk(url + "/api/v1/health", connections=conns, seconds=seconds)
    print(health.row(f"GET /api/v1/health, {label}", ceiling))
    cookie = {"Cookie": f"token={token}"}
    me = wrk(url + "/api/v1/user/me", connections=conns, seconds=seconds, headers=cookie)
    print(me.row(f"GET /api/v1/user/me, {label}", ceiling))
    if not with_login:
        return
    logins = wrk(
        url + "/api/v1/login",
        runs=1,
        connections=conns,
        seconds=max(seconds, 15),
        script=login_script(),
        timeout=30,
    )
    print(logins.row(f"POST /api/v1/login, {label}"))
    print(
        f"{'':44} login = {logins.requests_per_second / one:.0%} of bcrypt's 1-thread rate, "
        f"{logins.requests_per_second / two:.0%} of the machine's"
    )


if __name__ == "__main__":
    main()
