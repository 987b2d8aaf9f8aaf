"""Whether a run answered a test, and what a set of runs adds up to (one result per test, then
the submission's result and success rate).

A test passes when the program ended normally and the expected output, trailing whitespace
aside, equals its stdout, or its stdout and stderr together. A run that did not compile, crashed
(non-zero exit, a signal) or was stopped for a limit fails whatever it printed: Node let a
syntax error pass a test whose expected output is empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from codincod.execution.executor import Execution

STOPPED = {"TO": "time limit exceeded", "OL": "too much output", "EL": "too much error output"}


@dataclass(frozen=True)
class Outcome:
    """One test: did it pass, and if not, why (for people)."""

    passed: bool
    reason: str | None = None


@dataclass(frozen=True)
class Verdict:
    result: str  # "success" | "error"
    success_rate: float
    passed: int
    failed: int
    total: int


def _tail(text: str, limit: int = 300) -> str:
    text = text.strip()
    return text if len(text) <= limit else "…" + text[-limit:]


def judge(execution: Execution, expected: str) -> Outcome:
    run = execution.run
    if execution.compile_failed:
        return Outcome(False, f"compile error: {_tail(run.stderr or run.stdout)}")
    if run.status in STOPPED or run.status == "XX":
        return Outcome(False, STOPPED.get(run.status or "", "the runner failed"))
    if run.status in ("RE", "SG") or run.code not in (0, None) or run.signal:
        return Outcome(False, f"runtime error: {_tail(run.stderr) or run.message or run.status}")
    wanted = expected.rstrip()
    if wanted in (run.stdout.rstrip(), run.output.rstrip()):
        return Outcome(True)
    return Outcome(False, "wrong output")


def verdict(outcomes: list[Outcome]) -> Verdict:
    total = len(outcomes)
    passed = sum(outcome.passed for outcome in outcomes)
    rate = passed / total if total else 0.0
    result = "success" if total and passed == total else "error"
    return Verdict(result, rate, passed, total - passed, total)
