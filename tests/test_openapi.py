"""The OpenAPI document describes every route, and the running server keeps to it: a bounded
schemathesis run (on the database under test) sends generated valid and invalid requests to
every operation and checks that none gives a server error, and that every status code, content
type and response body is one the document declares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from tests.support import ServerProcess, run_cli, server_env

# Bounded for the suite's time budget; CODINCOD_FUZZ_EXAMPLES=200 for a longer hunt.
EXAMPLES_PER_OPERATION = int(os.environ.get("CODINCOD_FUZZ_EXAMPLES", "8"))


@pytest.fixture(scope="module")
def fuzzed_server(
    fresh_database: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    """A server of its own, on a database of its own: the run creates whatever it likes. Rate
    limits are off so that it explores the API instead of collecting 429s (they have tests)."""
    data_dir = tmp_path_factory.mktemp("fuzz-data")
    env = server_env(data_dir, fresh_database("fuzz"), CODINCOD_RATE_LIMIT_ENABLED="false")
    assert run_cli(["db", "upgrade"], env).returncode == 0
    process = ServerProcess(env, tmp_path_factory.mktemp("fuzz-logs") / "server.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def session_cookie(fuzzed_server: ServerProcess) -> str:
    password = "fuzzing very hard!"
    account = {"username": "fuzzer", "email": "fuzzer@example.com", "password": password}
    response = httpx.post(fuzzed_server.url + "/api/v1/register", json=account)
    assert response.status_code == 200, response.text
    return f"token={response.cookies['token']}"


@pytest.fixture(scope="module")
def known_ids(fuzzed_server: ServerProcess, session_cookie: str) -> dict[str, str]:
    """Real things for the path parameters, so that answers with bodies get checked too: the
    fuzzer's own puzzle (validators, solution), a comment with a reply, a submission."""
    with httpx.Client(base_url=fuzzed_server.url, headers={"Cookie": session_cookie}) as http:
        languages = http.get("/api/v1/programming-language").json()["languages"]
        python = next(item["_id"] for item in languages if item["language"] == "python")
        puzzle = http.post("/api/v1/puzzle", json={"title": "Echo the input"}).json()["_id"]
        edit = {
            "statement": "Print what you read.",
            "validators": [{"input": "hi", "output": "hi"}],
            "solution": {"code": "print(input())", "programmingLanguage": python},
            "tags": ["strings"],
        }
        assert http.put(f"/api/v1/puzzle/{puzzle}", json=edit).status_code == 200
        comment = http.post(f"/api/v1/puzzle/{puzzle}/comment", json={"text": "nice"}).json()
        http.post(f"/api/v1/comment/{comment['_id']}/comment", json={"text": "thanks"})
        submitted = http.post(
            "/api/v1/submission",
            json={"puzzleId": puzzle, "code": "print(input())", "programmingLanguage": python},
        )
        assert submitted.status_code == 201, submitted.text
        me = http.get("/api/v1/user/me").json()["userId"]
    return {
        "puzzle_id": puzzle,
        "target_id": puzzle,
        "comment_id": comment["_id"],
        "submission_id": submitted.json()["_id"],
        "language_id": python,
        "username": "fuzzer",
        "user_id": me,
        "game_mode": "fastest",
        # Moderation routes answer the fuzzer (a plain user) 403 whatever the id.
        "report_id": "0" * 24,
        "appeal_id": "0" * 24,
        "game_id": "0" * 24,
        "item_type": "puzzle",
        "item_id": puzzle,
    }


@pytest.fixture(scope="module")
def api_schema(fuzzed_server: ServerProcess) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_url(fuzzed_server.url + "/docs/openapi.json")
    # Text never holds NUL here: every body and URL with one is refused (the document says so).
    schema.config.generation.update(allow_x00=False)
    # A body over the size limit is refused from its headers with 413, as it should be.
    rejection = schema.config.checks.negative_data_rejection
    statuses = [*rejection.expected_statuses, "413"]
    schema.config.checks.negative_data_rejection = type(rejection)(expected_statuses=statuses)
    return schema


# Actions whose whole request is the path (and the session).
BODILESS = ("/logout", "/comment", "/recalculate", "/approve", "/upgrade")


def test_every_route_is_described(fuzzed_server: ServerProcess) -> None:
    document = httpx.get(fuzzed_server.url + "/docs/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operations = {(m, p) for p, item in document["paths"].items() for m in item}
    assert len(operations) >= 30
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["responses"], (method, path)
            if method in ("post", "put", "patch") and "requestBody" not in operation:
                assert path.endswith(BODILESS) or "vote" in path, (
                    method,
                    path,
                )
    schemes = document["components"]["securitySchemes"]
    assert schemes["cookieAuth"] == {"type": "apiKey", "in": "cookie", "name": "token"}
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    puzzle_list = document["paths"]["/api/v1/puzzle"]["get"]
    assert {p["name"] for p in puzzle_list["parameters"]} >= {"page", "pageSize", "tags", "search"}
    assert (Path(__file__).parent.parent / "server" / "shapes.py").exists()


def _excluded(operation: Any) -> list[Any]:
    # A language is one the executor runs at the moment, which no document can list: an
    # unknown one is a 400 "Unsupported language", as the frontend expects.
    if operation.path == "/api/v1/execute":
        return [positive_data_acceptance]
    return []


def _fuzz(
    operation: Any, mode: GenerationMode, cookie: str, path: dict[str, str] | None = None
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        # Logging out would end the session every other operation is fuzzed with.
        headers = {} if operation.path.endswith("/logout") else {"Cookie": cookie}
        case.call_and_validate(headers=headers, timeout=30, excluded_checks=_excluded(operation))

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_server_keeps_to_its_document(
    api_schema: schemathesis.BaseSchema, session_cookie: str, mode: GenerationMode
) -> None:
    """Every operation, valid then invalid requests. (schemathesis's pytest plugin does not
    work with pytest 9.2: the operations are walked here instead.)"""
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            _fuzz(operation, mode, session_cookie)
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE, operation.path  # nothing there to break
        except Exception as failure:  # every operation's failures, then fail
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_answers_about_real_things_keep_to_the_document(
    api_schema: schemathesis.BaseSchema, session_cookie: str, known_ids: dict[str, str]
) -> None:
    """The operations on one thing, with the ids of things that exist: reads first, so that
    they see the puzzle before a generated DELETE may remove it."""
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    operations.sort(key=lambda operation: operation.method.lower() == "delete")
    for operation in operations:
        names = {parameter.name for parameter in operation.path_parameters}
        if not names:
            continue
        known = {name: known_ids[name] for name in names}
        try:
            _fuzz(operation, GenerationMode.POSITIVE, session_cookie, known)
        except Exception as failure:  # every operation's failures, then fail
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert not failures, "\n\n".join(failures)
