"""The author's self-check: before a puzzle goes to the moderators' queue, its reference solution
must pass every validator (the Node server queued puzzles without running anything)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codincod.errors import DomainError
from codincod.execution.executor import Executor, Limits
from codincod.execution.languages import runtime_of
from codincod.execution.models import ProgrammingLanguage
from codincod.execution.runs import Test, run_all
from codincod.puzzles.models import Puzzle, Validator

# Asking for either of these runs the check; passing it lands the puzzle in ``ready``.
CHECKED_VISIBILITIES = frozenset({"review", "ready"})


@dataclass(frozen=True)
class SelfCheck:
    passed: bool
    reason: str | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"passed": self.passed}
        if self.reason:
            body["reason"] = self.reason
        if self.failures:
            body["failedValidators"] = self.failures
        return body


async def check(
    puzzle: Puzzle, validators: list[Validator], executor: Executor, limits: Limits
) -> SelfCheck:
    if not validators:
        return SelfCheck(False, "The puzzle has no validators yet.")
    if not puzzle.solution_code.strip() or not puzzle.solution_language_id:
        return SelfCheck(False, "The puzzle needs a reference solution and its language.")
    language = await ProgrammingLanguage.get_or_none(id=puzzle.solution_language_id)
    if language is None:
        return SelfCheck(False, "The solution's programming language no longer exists.")
    tests = [Test(validator.input, validator.output) for validator in validators]
    try:
        runtime = runtime_of(await executor.runtimes(), language)
        judged = await run_all(
            executor,
            runtime,
            puzzle.solution_code,
            tests,
            limits,
            owner=puzzle.author_id,
        )
    except DomainError as error:
        return SelfCheck(False, f"The solution could not be run: {error.message}")
    failures = [
        {"index": index, "input": test.input[:200], "reason": outcome.reason}
        for index, (test, outcome) in enumerate(zip(tests, judged.outcomes, strict=True))
        if not outcome.passed
    ]
    if failures:
        count = len(failures)
        plural = "s" if count > 1 else ""
        return SelfCheck(False, f"The solution fails {count} validator{plural}.", failures)
    return SelfCheck(True)
