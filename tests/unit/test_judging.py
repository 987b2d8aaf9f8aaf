"""The judge, both ways round: every accepted output has a near miss that is refused."""

from __future__ import annotations

import pytest

from codincod.execution.executor import Execution, Stage
from codincod.execution.judging import Outcome, judge, verdict


def ran(stdout: str = "", stderr: str = "", **stage: object) -> Execution:
    return Execution("python", "3.11", Stage(stdout=stdout, stderr=stderr, **stage))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("execution", "expected"),
    [
        (ran("42\n"), "42"),
        (ran("42   \n\n"), "42"),  # trailing whitespace aside
        (ran("1\n2\n"), "1\n2"),
        (ran("", "42\n"), "42"),  # stdout and stderr together
        (ran("4", "2\n"), "42"),
        (ran(""), ""),
        (ran("42\n"), "42\n"),  # an expected output kept with its trailing newline
        (ran("42\n", "DeprecationWarning: x\n"), "42"),  # stderr noise beside a right stdout
    ],
)
def test_accepted(execution: Execution, expected: str) -> None:
    assert judge(execution, expected) == Outcome(True)


@pytest.mark.parametrize(
    ("execution", "expected", "reason"),
    [
        (ran("43\n"), "42", "wrong output"),
        (ran(" 42\n"), "42", "wrong output"),  # leading whitespace counts
        (ran("1\n2\n"), "1 2", "wrong output"),
        (ran("", "", code=1, status="RE", message="Exited with code 1"), "", "runtime error"),
        (ran("42\n", "", code=None, signal="SIGKILL", status="SG"), "42", "runtime error"),
        (ran("42\n", status="TO", code=None, signal="SIGKILL"), "42", "time limit exceeded"),
        (ran("42\n", status="OL", code=None), "42", "too much output"),
        (ran("42\n", status="EL", code=None), "42", "too much error output"),
        (ran("42\n", status="XX"), "42", "the runner failed"),
        (ran("42\n", code=1), "42", "runtime error"),  # exit 1, no status: still a failure
    ],
)
def test_refused(execution: Execution, expected: str, reason: str) -> None:
    outcome = judge(execution, expected)
    assert not outcome.passed and (outcome.reason or "").startswith(reason)


def test_a_failed_compile_fails_whatever_was_printed() -> None:
    compiled = Execution(
        "c", "10", Stage(stdout=""), compile=Stage(stderr="error: expected ';'", code=1)
    )
    outcome = judge(compiled, "")
    assert not outcome.passed and "compile error" in (outcome.reason or "")


@pytest.mark.parametrize(
    ("outcomes", "result", "rate"),
    [
        ([True, True], "success", 1.0),
        ([True, False], "error", 0.5),
        ([False], "error", 0.0),
        ([], "error", 0.0),
    ],
)
def test_verdict(outcomes: list[bool], result: str, rate: float) -> None:
    summary = verdict([Outcome(passed) for passed in outcomes])
    assert (summary.result, summary.success_rate) == (result, rate)
    assert summary.passed + summary.failed == summary.total == len(outcomes)
