"""What the API answers, as typed dicts: the OpenAPI document's response schemas come from
these (``server.openapi``), and a schemathesis run checks every answer against them.

Keys the wire leaves out when there is no value are ``NotRequired``, never nullable: the
frontend's zod schemas reject ``null`` where they expect an optional value.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, NotRequired, TypeVar

# pydantic describes typing_extensions' TypedDict on every Python; typing's only from 3.12.
from typing_extensions import TypedDict

T = TypeVar("T")
Role = Literal["user", "moderator"]
Timestamp = datetime  # on the wire: 2025-10-31T21:11:22.123Z


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
    status: str  # OK, unavailable, draining
    database: NotRequired[str]
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


class Paged(TypedDict, Generic[T]):
    """What every paged list answers; each list names its own (``PuzzlePage``, ...)."""

    page: int
    pageSize: int
    totalPages: int
    totalItems: int
    items: list[T]


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
    report: Report
    user: Holder | None
    upheldReports: int
    bans: list[Ban]
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
    puzzle: Puzzle


class ResolvedReport(TypedDict):
    message: str
    report: Report


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


# --- games and rooms ----------------------------------------------------------------------------


class GameOptions(TypedDict):
    maxGameDurationInSeconds: int
    visibility: str
    allowedLanguages: list[str]
    mode: str
    rated: bool


GameHandIn = TypedDict(
    "GameHandIn",
    {
        "_id": str,
        "createdAt": Timestamp,
        "puzzle": str,
        "user": User,
        "programmingLanguage": Language,
        "result": ShortResult,
        "codeLength": int,
        "timeSpent": float,
        "score": float,
        "rank": int,
        "__v": int,
    },
)

Game = TypedDict(
    "Game",
    {
        "_id": str,
        "players": list[User],
        "owner": User,
        "puzzle": str,
        "startTime": Timestamp,
        "endTime": Timestamp,
        "createdAt": Timestamp,
        "options": GameOptions,
        "playerSubmissions": list[GameHandIn],
        "status": Literal["waiting", "in_progress", "finished"],
        "__v": int,
    },
)


class ChatLine(TypedDict):
    _id: str
    username: str
    message: str
    createdAt: Timestamp


class RoomMember(TypedDict):
    userId: str
    username: str
    joinedAt: Timestamp


class Room(TypedDict):
    users: list[RoomMember]
    owner: RoomMember
    roomId: str
    inviteCode: NotRequired[str]


class RoomListing(TypedDict):
    roomId: str
    amountOfPlayersJoined: int


# --- the admin API (the console) ----------------------------------------------------------------


class ExecutorState(TypedDict):
    kind: str
    healthy: bool


class AdminStats(TypedDict):
    users: int
    puzzles: dict[str, int]
    reportsPending: int
    appealsPending: int
    liveRooms: int
    liveGames: int
    submissionsLastHour: int
    executor: ExecutorState


class AdminUser(User):
    isAdmin: bool
    banned: bool
    reportCount: int
    banCount: int


class AdminUserDetail(AdminUser):
    bans: list[Ban]
    reports: list[Report]
    submissionCount: int


class AdminUserPage(TypedDict):
    page: int
    pageSize: int
    totalPages: int
    totalItems: int
    items: list[AdminUser]


class AdminGameSummary(TypedDict):
    _id: str
    mode: str
    visibility: str
    status: Literal["waiting", "in_progress", "finished"]
    owner: str
    puzzle: str
    startTime: Timestamp
    endTime: Timestamp
    createdAt: Timestamp
    rated: bool
    ratingsApplied: bool


class AdminGamePage(TypedDict):
    page: int
    pageSize: int
    totalPages: int
    totalItems: int
    items: list[AdminGameSummary]


class GameEvent(TypedDict):
    _id: str
    kind: str
    user: str | None
    username: str | None
    data: Any
    createdAt: Timestamp


class AdminGame(Game):
    chat: list[ChatLine]
    events: list[GameEvent]


class AdminRoom(Room):
    visibility: Literal["public", "private"]


class AdminRooms(TypedDict):
    rooms: list[AdminRoom]


class Migrations(TypedDict):
    dialect: Literal["sqlite", "postgres"]
    applied: list[str]
    pending: list[str]


class Upgraded(TypedDict):
    applied: list[str]
    backup: str | None
    pending: list[str]


# --- what the sockets send (``/ws``, ``/ws/game/:id``, ``/ws/admin``) ----------------------------


class ErrorFrame(TypedDict):
    event: Literal["error"]
    message: str


class GameOverviewFrame(TypedDict):
    event: Literal["game:overview"]
    game: Game
    puzzle: NotRequired[Puzzle]  # a player's first overview once the game runs


class GameFinishedFrame(TypedDict):
    event: Literal["game:finished"]
    game: Game


class GameNonexistentFrame(TypedDict):
    event: Literal["game:nonexistent"]
    message: str


class ChatFrame(TypedDict):
    event: Literal["message:send"]
    chatMessage: ChatLine


class LanguageFrame(TypedDict):
    event: Literal["language:change"]
    language: str
    username: str


class RoomsOverviewFrame(TypedDict):
    event: Literal["rooms:overview"]
    rooms: list[RoomListing]


class RoomOverviewFrame(TypedDict):
    event: Literal["room:overview"]
    room: Room


class RoomChatFrame(TypedDict):
    event: Literal["room:chat-message"]
    username: str
    message: str
    createdAt: Timestamp


class GameStartFrame(TypedDict):
    event: Literal["game:start"]
    gameUrl: str
    startTime: Timestamp | str | None


class NotEnoughPuzzlesFrame(TypedDict):
    event: Literal["rooms:not-enough"]
    message: str


class FeedOpenFrame(TypedDict):
    event: Literal["feed:open"]
    username: str


class StaffFrame(TypedDict, total=False):
    """The staff feed's news: ``event`` names it (room:created, player:joined, player:left,
    room:closed, rooms:changed, game:started, game:changed, chat:message, game:finished,
    user:banned, puzzle:decided, report:decided, user:unbanned, ...), the rest are its ids."""

    event: str
    room: str
    game: str
    userId: str
    change: str


GameFrame = GameOverviewFrame | GameFinishedFrame | ChatFrame | LanguageFrame | ErrorFrame
LobbyFrame = RoomsOverviewFrame | RoomOverviewFrame | RoomChatFrame | GameStartFrame
