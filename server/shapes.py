"""What the API answers, as typed dicts: the OpenAPI document's response schemas come from
these (``server.openapi``), and a schemathesis run checks every answer against them.

Keys the wire leaves out when there is no value are ``NotRequired``, never nullable: the
frontend's zod schemas reject ``null`` where they expect an optional value.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

# pydantic describes typing_extensions' TypedDict on every Python; typing's only from 3.12.
from typing_extensions import TypedDict

Role = Literal["user", "moderator"]
Timestamp = str  # 2025-10-31T21:11:22.123Z


class Error(TypedDict):
    error: str
    message: str
    details: NotRequired[Any]
    banDetails: NotRequired[dict[str, Any]]
    retryAfter: NotRequired[int]


class Message(TypedDict):
    message: str


class Health(TypedDict):
    status: str


class IssuedToken(TypedDict):
    token: str


class Readiness(TypedDict):
    status: str
    database: str
    executor: NotRequired[dict[str, Any] | None]
    error: NotRequired[str]


class Profile(TypedDict, total=False):
    picture: str
    bio: str
    location: str
    socials: list[str]


User = TypedDict(
    "User",
    {
        "_id": str,
        "username": str,
        "profile": NotRequired[Profile],
        "role": Role,
        "createdAt": Timestamp,
        "updatedAt": Timestamp,
        "__v": int,
    },
)


class Session(TypedDict):
    isAuthenticated: bool
    userId: str
    username: str
    role: Role


class UserFound(TypedDict):
    user: User
    message: str


class Availability(TypedDict):
    isAvailable: bool


class Language(TypedDict):
    _id: str
    language: str
    version: str
    aliases: list[str]
    runtime: NotRequired[str]


class Languages(TypedDict):
    languages: list[Language]


class Validator(TypedDict):
    _id: str
    input: str
    output: str
    createdAt: Timestamp
    updatedAt: Timestamp


Comment = TypedDict(
    "Comment",
    {
        "_id": str,
        "author": User | str,
        "text": str,
        "upvote": int,
        "downvote": int,
        "commentType": Literal["puzzle-comment", "comment-comment"],
        "comments": list[str],
        "parentId": str,
        "createdAt": Timestamp,
        "updatedAt": Timestamp,
        "__v": int,
    },
)


class Solution(TypedDict):
    code: str
    programmingLanguage: NotRequired[Language]


class FailedValidator(TypedDict):
    index: int
    input: str
    reason: str


class SelfCheck(TypedDict):
    passed: bool
    reason: NotRequired[str]
    failedValidators: NotRequired[list[FailedValidator]]


_PuzzleFields = TypedDict(
    "_PuzzleFields",
    {
        "_id": str,
        "title": str,
        "statement": NotRequired[str],
        "constraints": NotRequired[str],
        "difficulty": str,
        "visibility": str,
        "tags": list[str],
        "createdAt": Timestamp,
        "updatedAt": Timestamp,
        "__v": int,
    },
)


class PuzzleSummary(_PuzzleFields):
    author: str


class Puzzle(_PuzzleFields):
    author: User | str
    validators: list[Validator]
    comments: list[Comment]
    moderationFeedback: NotRequired[str]
    solution: NotRequired[Solution]
    selfCheck: NotRequired[SelfCheck]


class PuzzlePage(TypedDict):
    page: int
    pageSize: int
    totalPages: int
    totalItems: int
    items: list[Puzzle]


class Verdict(TypedDict):
    result: str
    successRate: float
    passed: int
    failed: int
    total: int


class Stage(TypedDict):
    stdout: str
    stderr: str
    output: str
    code: int | None
    signal: str | None
    message: str | None
    status: str | None
    wall_time: float | None


class Execution(TypedDict):
    run: Stage
    compile: NotRequired[Stage]
    puzzleResultInformation: Verdict


class ShortResult(TypedDict):
    result: str
    successRate: float


Submission = TypedDict(
    "Submission",
    {
        "_id": str,
        "puzzle": str,
        "user": str,
        "programmingLanguage": Language,
        "result": ShortResult,
        "codeLength": int,
        "createdAt": Timestamp,
        "__v": int,
        "code": NotRequired[str],
    },
)

Submitted = TypedDict(
    "Submitted",
    {
        "_id": str,
        "submissionId": str,
        "code": str,
        "puzzle": str,
        "puzzleId": str,
        "user": str,
        "userId": str,
        "programmingLanguage": Language,
        "programmingLanguageId": str,
        "result": Verdict,
        "codeLength": int,
        "createdAt": Timestamp,
        "__v": int,
    },
)


class GameSummary(TypedDict):
    id: str
    status: str
    playerCount: int


class HandedIn(TypedDict):
    success: bool
    message: str
    game: GameSummary
    leaderboardPosition: NotRequired[int]


class ActivityLists(TypedDict):
    puzzles: list[PuzzleSummary]
    submissions: list[Submission]


class Activity(TypedDict):
    user: User
    message: str
    activity: ActivityLists


Preferences = TypedDict(
    "Preferences",
    {
        "_id": str,
        "owner": str,
        "blockedUsers": list[str],
        "theme": NotRequired[str],
        "preferredLanguage": NotRequired[str],
        "editor": NotRequired[dict[str, Any]],
        "createdAt": Timestamp,
        "updatedAt": Timestamp,
        "__v": int,
    },
)

Report = TypedDict(
    "Report",
    {
        "_id": str,
        "problematicIdentifier": str,
        "problemType": str,
        "reportedBy": str,
        "explanation": NotRequired[str],
        "status": str,
        "resolvedBy": NotRequired[str],
        "createdAt": Timestamp,
        "updatedAt": Timestamp,
        "__v": int,
    },
)


class Glicko(TypedDict):
    rating: float
    rd: float
    volatility: float
    lastUpdated: Timestamp


class LeaderboardEntry(TypedDict):
    rank: int
    userId: str
    username: str
    rating: float
    glicko: Glicko
    gamesPlayed: int
    gamesWon: int
    winRate: float
    bestScore: float
    averageScore: float


class Leaderboard(TypedDict):
    gameMode: str
    entries: list[LeaderboardEntry]
    page: int
    pageSize: int
    totalEntries: int
    totalPages: int
    lastUpdated: Timestamp


class ModeRanking(TypedDict):
    rank: int
    rating: float
    gamesPlayed: int
    winRate: float


class UserRankings(TypedDict):
    userId: str
    username: str
    rankings: dict[str, ModeRanking]


class Recalculated(TypedDict):
    success: bool
    message: str
    processedGames: dict[str, int]
    totalProcessed: int


# --- moderation ---------------------------------------------------------------------------------


class Holder(TypedDict):
    _id: str
    username: str


class ClaimHeld(TypedDict):
    holder: Holder
    expiresAt: Timestamp


class Consequence(TypedDict):
    upheld: int
    text: str
    ban: dict[str, Any] | None


class ReportEvidence(TypedDict):
    report: dict[str, Any]
    user: Holder | None
    upheldReports: int
    bans: list[dict[str, Any]]
    recentChat: list[dict[str, Any]]
    consequence: Consequence | None


class ReviewItem(TypedDict):
    id: str
    type: str
    title: str
    createdAt: Timestamp
    claimedBy: Holder | None
    description: NotRequired[str]
    reportExplanation: NotRequired[str]
    reportedBy: NotRequired[str]
    reportedUserId: NotRequired[str]
    reportedUserName: NotRequired[str]
    reportedMessageId: NotRequired[str]
    authorName: NotRequired[str]
    gameId: NotRequired[str]
    contextMessages: NotRequired[list[dict[str, Any]]]


class QueuePagination(TypedDict):
    page: int
    limit: int
    total: int
    totalPages: int


class ReviewQueue(TypedDict):
    data: list[ReviewItem]
    pagination: QueuePagination


class ModeratedPuzzle(TypedDict):
    message: str
    puzzle: dict[str, Any]


class ResolvedReport(TypedDict):
    message: str
    report: dict[str, Any]


class Ban(TypedDict):
    _id: str
    userId: str
    bannedBy: dict[str, Any] | str
    banType: Literal["temporary", "permanent"]
    reason: str
    startDate: Timestamp
    endDate: NotRequired[Timestamp]
    isActive: bool
    createdAt: Timestamp
    updatedAt: Timestamp


class BanMade(TypedDict):
    message: str
    ban: Ban


class BanHistory(TypedDict):
    bans: list[Ban]


class Appeal(TypedDict):
    _id: str
    ban: str
    user: str
    reason: str
    status: Literal["pending", "accepted", "rejected"]
    decidedBy: NotRequired[str]
    decisionReason: NotRequired[str]
    decidedAt: NotRequired[Timestamp]
    createdAt: Timestamp
    updatedAt: Timestamp


class AuditActor(TypedDict):
    _id: str | None
    username: str


class AuditEntry(TypedDict):
    _id: str
    action: str
    actor: AuditActor
    targetType: str
    targetId: str
    targetName: str | None  # the user's name, for actions on users
    reason: str | None
    createdAt: Timestamp
    details: dict[str, Any]


class AuditPage(TypedDict):
    page: int
    pageSize: int
    totalPages: int
    totalItems: int
    items: list[AuditEntry]
