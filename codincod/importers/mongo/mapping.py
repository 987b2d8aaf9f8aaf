"""One pure mapper per collection: a document of CodinCod's mongoose models in, the rows it
becomes out (parents first), or why it is skipped, plus what had to be repaired. Nothing
here reads or writes a database; ``Known`` says what else the dump holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from codincod.comments.models import VOTE_TYPES
from codincod.games.modes import MODES
from codincod.importers.mongo.known import EPOCH, Known, assign_usernames, derived_id, hex_id
from codincod.moderation.models import BAN_TYPES, PROBLEM_TYPES, REPORT_STATUSES
from codincod.puzzles.models import DIFFICULTIES, VISIBILITIES
from codincod.submissions.models import RESULTS

Row = dict[str, Any]


@dataclass
class Mapped:
    rows: list[tuple[str, Row]] = field(default_factory=list)  # (table, row), parents first
    skip: str | None = None  # why the document is not imported
    repairs: list[str] = field(default_factory=list)

    def add(self, table: str, row: Row) -> Mapped:
        self.rows.append((table, row))
        return self


def skipped(reason: str) -> Mapped:
    return Mapped(skip=reason)


def when(value: Any, default: datetime | None = None) -> datetime | None:
    """A BSON date as an aware UTC time, kept to the millisecond."""
    if isinstance(value, datetime):
        if value.tzinfo is UTC and not value.microsecond % 1000:
            return value  # as the dump reader gives BSON dates: nothing to do
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(microsecond=moment.microsecond // 1000 * 1000)
    return default


def times(doc: dict[str, Any], now: datetime) -> tuple[datetime, datetime]:
    created = when(doc.get("createdAt")) or when(_id_time(doc.get("_id"))) or now
    return created, when(doc.get("updatedAt"), created) or created


def _id_time(value: Any) -> datetime | None:
    generation = getattr(value, "generation_time", None)
    return generation if isinstance(generation, datetime) else None


def part(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    """An embedded document (``{}`` when absent or not a document)."""
    value = doc.get(key)
    return dict(value) if isinstance(value, Mapping) else {}


def text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


def number(value: Any, default: float = 0.0) -> float:
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else default
    )


def ids_in(values: Any, keep: Callable[[Any], str | None]) -> list[str]:
    """The references of an array that point at something, once each, in order."""
    found: list[str] = []
    for value in values if isinstance(values, list) else []:
        target = keep(value)
        if target is not None and target not in found:
            found.append(target)
    return found


# --- the first pass: what the dump holds ---------------------------------------------------------


class Index:
    """What the mappers learn from the dump before and while they map it. The collections
    in ``AHEAD`` are read whole before any mapping (a name, a vote or a report is judged
    against all the others); the rest are seen just before each of their documents is mapped,
    which is all that what comes after them needs."""

    AHEAD = ("users", "preferences", "uservotes", "reports", "usermetrics")

    def __init__(self, known: Known) -> None:
        self.known = known
        self._users: list[tuple[datetime, str, str]] = []
        self._votes: dict[tuple[str, str], tuple[datetime, str, str]] = {}
        # what must be unique, by key: the earliest document (createdAt, then id) keeps it
        self._first: dict[tuple[str, ...], tuple[datetime, str]] = {}

    def see(self, collection: str, doc: Any) -> None:
        own = hex_id(doc.get("_id"))
        if own is None:
            return
        self.known.present.setdefault(collection, set()).add(own)
        look = getattr(self, f"_see_{collection}", None)
        if look is not None:
            look(own, doc)

    def _unique(self, key: tuple[str, ...], own: str, doc: Any, why: str) -> None:
        """Only the earliest document with ``key`` is imported; the others are skipped."""
        order = (when(doc.get("createdAt")) or EPOCH, own)
        earlier = self._first.get(key)
        if earlier is None or order < earlier:
            if earlier is not None:
                self.known.duplicates[earlier[1]] = why
            self._first[key] = order
        else:
            self.known.duplicates[own] = why

    def _see_users(self, own: str, doc: Any) -> None:
        email = text(doc.get("email")).strip().lower()
        self._unique(("email", email), own, doc, "a later account with the same email")
        created = when(doc.get("createdAt")) or EPOCH
        self._users.append((created, own, text(doc.get("username"))))
        ban = hex_id(doc.get("currentBan"))
        if ban:
            self.known.current_ban[own] = ban

    def _see_programminglanguages(self, own: str, doc: Any) -> None:
        key = (text(doc.get("language")).strip(), text(doc.get("version")).strip())
        self.known.language_ids.setdefault(key, own)

    def _see_puzzles(self, own: str, doc: Any) -> None:
        self.known.puzzle_author[own] = hex_id(doc.get("author")) or ""
        solution = doc.get("solution")
        if isinstance(solution, Mapping) and "programmingLanguage" not in solution:
            self.known.language(solution.get("language"), solution.get("languageVersion"))
        for child in doc.get("comments") or []:
            if (child_id := hex_id(child)) is not None:
                self.known.listed_under.setdefault(child_id, own)

    def _see_comments(self, own: str, doc: Any) -> None:
        self.known.comment_author[own] = hex_id(doc.get("author")) or ""
        if (parent := hex_id(doc.get("parentId"))) is not None:
            self.known.comment_parent[own] = parent
        for child in doc.get("comments") or []:
            if (child_id := hex_id(child)) is not None:
                self.known.listed_under[child_id] = own  # a reply list outranks a puzzle's

    def _see_preferences(self, own: str, doc: Any) -> None:
        owner = hex_id(doc.get("owner")) or ""
        self._unique(("preferences", owner), own, doc, "a later preferences of the same user")

    def _see_usermetrics(self, own: str, doc: Any) -> None:
        user = hex_id(doc.get("userId")) or ""
        self._unique(("metrics", user), own, doc, "later metrics of the same user")

    def _see_submissions(self, own: str, doc: Any) -> None:
        outcome = doc.get("result")
        rate = number(outcome.get("successRate")) if isinstance(outcome, dict | Mapping) else 0.0
        made = when(doc.get("createdAt")) or EPOCH
        self.known.submissions[own] = (hex_id(doc.get("user")) or "", made, rate)
        if "programmingLanguage" not in doc:
            self.known.language(doc.get("language"), doc.get("languageVersion"))

    def _see_games(self, own: str, doc: Any) -> None:
        options = doc.get("options")
        listed = options.get("allowedLanguages") if isinstance(options, Mapping) else None
        for value in listed if isinstance(listed, list) else []:
            if isinstance(value, Mapping):
                self.known.language(value.get("language"), value.get("version"))

    def _see_chatmessages(self, own: str, doc: Any) -> None:
        self.known.chat_user[own] = hex_id(doc.get("userId")) or ""

    def _see_uservotes(self, own: str, doc: Any) -> None:
        pair = (hex_id(doc.get("author")) or "", hex_id(doc.get("votedOn")) or "")
        if doc.get("type") not in VOTE_TYPES:
            return
        order = (when(doc.get("createdAt")) or EPOCH, own, str(doc.get("type")))
        if pair not in self._votes or order < self._votes[pair]:
            self._votes[pair] = order

    def _see_reports(self, own: str, doc: Any) -> None:
        if doc.get("status", "pending") != "pending":
            return
        key = (
            "report",
            hex_id(doc.get("reportedBy")) or "",
            text(doc.get("problemType")),
            hex_id(doc.get("problematicIdentifier")) or "",
        )
        self._unique(key, own, doc, "a later pending report of the same thing by the same user")

    def finish(self) -> Known:
        assign_usernames(self._users, self.known)
        self.known.votes = {pair: (own, kind) for pair, (_, own, kind) in self._votes.items()}
        self._users, self._votes, self._first = [], {}, {}
        return self.known


# --- the second pass: rows -----------------------------------------------------------------------


def map_users(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    email, password = text(doc.get("email")).strip().lower(), text(doc.get("password"))
    if not email or not password:
        return skipped("no email or no password")
    result = Mapped()
    if own in known.duplicates:
        return skipped(known.duplicates[own])
    role = doc.get("role")
    if not isinstance(role, str):
        roles = doc.get("roles")
        role = roles[0] if isinstance(roles, list) and roles else "user"
        result.repairs.append(f"role taken from the legacy roles array: {role}")
    if own in known.renamed:
        result.repairs.append(
            f"username {known.renamed[own]!r} renamed to {known.user_names[own]!r}"
        )
    created, updated = times(doc, known.now)
    profile = part(doc, "profile")
    socials = profile.get("socials")
    return result.add(
        "users",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "username": known.user_names[own],
            "email": email,
            "password_hash": password,
            "role": "moderator" if role in ("moderator", "admin") else "user",
            "is_admin": role == "admin",
            "profile_picture": profile.get("picture"),
            "profile_bio": profile.get("bio"),
            "profile_location": profile.get("location"),
            "profile_socials": [s for s in socials if isinstance(s, str)]
            if isinstance(socials, list)
            else [],
            "report_count": int(number(doc.get("reportCount"))),
            "ban_count": int(number(doc.get("banCount"))),
        },
    )


def map_programminglanguages(doc: dict[str, Any], known: Known) -> Mapped:
    language, version = text(doc.get("language")).strip(), text(doc.get("version")).strip()
    if not language or not version:
        return skipped("no language name or version")
    own = hex_id(doc["_id"]) or ""
    if known.language_ids.get((language, version)) != own:
        return skipped(f"a second {language} {version} (names and versions are unique)")
    created, updated = times(doc, known.now)
    aliases = doc.get("aliases")
    return Mapped().add(
        "programming_languages",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "language": language,
            "version": version,
            "aliases": [a for a in aliases if isinstance(a, str)]
            if isinstance(aliases, list)
            else [],
            "runtime": doc.get("runtime") if isinstance(doc.get("runtime"), str) else None,
        },
    )


def invented_languages(known: Known) -> Iterable[Row]:
    """The languages legacy references named that the dump lacks (CodinCod's own migration
    created them the same way)."""
    for (language, version), own in sorted(known.invented_languages.items()):
        yield {
            "id": own,
            "created_at": EPOCH,
            "updated_at": EPOCH,
            "language": language,
            "version": version,
            "aliases": [],
            "runtime": None,
        }


def map_preferences(doc: dict[str, Any], known: Known) -> Mapped:
    owner = known.has("users", doc.get("owner"))
    if owner is None:
        return skipped("its owner is not in the dump")
    own = hex_id(doc["_id"]) or ""
    if own in known.duplicates:
        return skipped(known.duplicates[own])
    created, updated = times(doc, known.now)
    editor = doc.get("editor")
    if isinstance(editor, dict):
        editor = {k: v for k, v in editor.items() if k != "_id"}
    return Mapped().add(
        "preferences",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "owner_id": owner,
            "preferred_language": doc.get("preferredLanguage")
            if isinstance(doc.get("preferredLanguage"), str)
            else None,
            "theme": doc.get("theme") if isinstance(doc.get("theme"), str) else None,
            "blocked_users": ids_in(doc.get("blockedUsers"), lambda v: known.has("users", v)),
            "editor": editor if isinstance(editor, dict) else None,
        },
    )


def _solution_language(solution: dict[str, Any], known: Known, result: Mapped) -> str | None:
    stored = solution.get("programmingLanguage")
    if stored is not None:
        found = known.has("programminglanguages", stored)
        if found is None:
            result.repairs.append("solution language not in the dump: left empty")
        return found
    if "language" in solution:
        found = known.language(solution.get("language"), solution.get("languageVersion"))
        result.repairs.append("legacy solution language converted to a reference")
        return found
    return None


def map_puzzles(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    author = known.has("users", doc.get("author"))
    if author is None:
        return skipped("its author is not in the dump")
    result = Mapped()
    difficulty, visibility = doc.get("difficulty"), doc.get("visibility")
    if difficulty not in DIFFICULTIES:
        result.repairs.append(f"difficulty {difficulty!r} is not known: intermediate")
        difficulty = "intermediate"
    if visibility not in VISIBILITIES:
        result.repairs.append(f"visibility {visibility!r} is not known: draft")
        visibility = "draft"
    solution = part(doc, "solution")
    created, updated = times(doc, known.now)
    tags = doc.get("tags")
    result.add(
        "puzzles",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "title": text(doc.get("title")),
            "statement": doc.get("statement") if isinstance(doc.get("statement"), str) else None,
            "constraints": doc.get("constraints")
            if isinstance(doc.get("constraints"), str)
            else None,
            "author_id": author,
            "difficulty": difficulty,
            "visibility": visibility,
            "tags": [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
            "moderation_feedback": doc.get("moderationFeedback")
            if isinstance(doc.get("moderationFeedback"), str)
            else None,
            "solution_code": text(solution.get("code")),
            "solution_language_id": _solution_language(solution, known, result),
        },
    )
    for position, case in enumerate(doc.get("validators") or []):
        if not isinstance(case, dict):
            continue
        case_created, case_updated = times(case, created)
        result.add(
            "validators",
            {
                "id": hex_id(case.get("_id")) or derived_id(own, "validator", str(position)),
                "created_at": case_created,
                "updated_at": case_updated,
                "puzzle_id": own,
                "position": position,
                "input": text(case.get("input")),
                "output": text(case.get("output")),
            },
        )
    return result


def map_userbans(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    user, by = known.has("users", doc.get("userId")), known.has("users", doc.get("bannedBy"))
    if user is None or by is None:
        return skipped("the banned user or the moderator is not in the dump")
    ban_type = doc.get("banType")
    if ban_type not in BAN_TYPES:
        return skipped(f"ban type {ban_type!r} is not known")
    created, updated = times(doc, known.now)
    start, end = when(doc.get("startDate"), created), when(doc.get("endDate"))
    # In force after the import exactly when it is the user's current ban, active, and either
    # permanent or not yet over (one active ban per user).
    in_force = (
        known.current_ban.get(user) == own
        and doc.get("isActive", True) is True
        and (ban_type == "permanent" or (end is not None and end > known.now))
    )
    return Mapped().add(
        "user_bans",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "user_id": user,
            "banned_by_id": by,
            "ban_type": ban_type,
            "reason": text(doc.get("reason")),
            "start_date": start,
            "end_date": end,
            "is_active": in_force,
        },
    )


def map_submissions(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    puzzle, user = known.has("puzzles", doc.get("puzzle")), known.has("users", doc.get("user"))
    if puzzle is None or user is None:
        return skipped("its puzzle or its user is not in the dump")
    result = Mapped()
    if "programmingLanguage" in doc:
        language = known.has("programminglanguages", doc.get("programmingLanguage"))
    else:
        language = known.language(doc.get("language"), doc.get("languageVersion"))
        result.repairs.append("legacy language converted to a reference")
    if language is None:
        return skipped("its programming language is not in the dump")
    outcome = part(doc, "result")
    verdict = outcome.get("result")
    code = text(doc.get("code"))
    created, _ = times(doc, known.now)
    return result.add(
        "submissions",
        {
            "id": own,
            "created_at": created,
            "puzzle_id": puzzle,
            "user_id": user,
            "programming_language_id": language,
            "code": code,
            "code_length": len(code),
            "result": verdict if verdict in RESULTS else "unknown",
            "success_rate": number(outcome.get("successRate")),
            "passed": int(number(outcome.get("passed"))),
            "failed": int(number(outcome.get("failed"))),
            "total": int(number(outcome.get("total"))),
        },
    )


def map_comments(doc: dict[str, Any], known: Known) -> Mapped:
    """A comment's row, but for where it hangs: ``settle_comments`` says that once every
    comment has been seen (a reply may come before its parent)."""
    own = hex_id(doc["_id"]) or ""
    author = known.has("users", doc.get("author"))
    if author is None:
        return skipped("its author is not in the dump")
    created, updated = times(doc, known.now)
    return Mapped().add(
        "comments",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "author_id": author,
            "puzzle_id": None,  # settled
            "parent_id": None,  # settled
            "text": text(doc.get("text")),
            "comment_type": text(doc.get("commentType")),  # settled
            "upvote": 0,  # settled: the votes that will be imported
            "downvote": 0,
        },
    )


def _place_comment(own: str, mapped: Mapped, known: Known) -> Mapped:
    """Where a comment hangs: under a comment (a reply, whatever its stored type said) or
    directly under a puzzle, and the puzzle its thread belongs to."""
    row = mapped.rows[0][1]
    puzzle = known.puzzle_of_comment(own)
    if puzzle is None:
        return skipped("the puzzle it hangs under is not in the dump")
    parent = known.comment_parent.get(own) or known.listed_under.get(own)
    parent = parent if parent in known.present.get("comments", ()) else None
    kind = "comment-comment" if parent else "puzzle-comment"
    if row["comment_type"] != kind:
        mapped.repairs.append(f"commentType {row['comment_type'] or None!r} made {kind!r}")
    row.update(puzzle_id=puzzle, parent_id=parent, comment_type=kind)
    return mapped


def settle_comments(pending: list[tuple[str, Mapped]], known: Known) -> list[tuple[str, Mapped]]:
    """The comments of the dump, once all are mapped: a reply whose parent is not imported
    is skipped too (and its own replies after it), and each comment's totals are the votes
    that will be imported for it. Parents come before their replies in the result."""
    placed = [(own, _place_comment(own, m, known) if not m.skip else m) for own, m in pending]
    waiting = {own: mapped for own, mapped in placed if not mapped.skip}
    settled = [(own, mapped) for own, mapped in placed if mapped.skip]
    progress = True
    while waiting and progress:
        progress = False
        for own, mapped in list(waiting.items()):
            parent = mapped.rows[0][1]["parent_id"]
            if parent is None or parent in known.kept.get("comments", ()):
                known.keep("comments", own)
            elif parent in waiting:
                continue
            else:
                mapped = skipped("the comment it replies to is not imported")
            settled.append((own, mapped))
            del waiting[own]
            progress = True
    settled += [(own, skipped("its replies form a cycle")) for own in waiting]
    _count_votes(settled, known)
    return settled


def _count_votes(settled: list[tuple[str, Mapped]], known: Known) -> None:
    totals: dict[str, dict[str, int]] = {}
    for (user, comment), (_, kind) in known.votes.items():
        if known.has("users", user) and known.has("comments", comment):
            counted = totals.setdefault(comment, {"upvote": 0, "downvote": 0})
            counted[kind] += 1
    for own, mapped in settled:
        if not mapped.skip:
            mapped.rows[0][1].update(totals.get(own, {}))


def map_uservotes(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    user, comment = known.has("users", doc.get("author")), known.has("comments", doc.get("votedOn"))
    if user is None or comment is None:
        return skipped("its author or the comment it votes on is not in the dump")
    if doc.get("type") not in VOTE_TYPES:
        return skipped(f"vote type {doc.get('type')!r} is not known")
    if known.votes.get((user, comment), ("",))[0] != own:
        return skipped("a later vote of the same user on the same comment")
    created, _ = times(doc, known.now)
    return Mapped().add(
        "comment_votes",
        {
            "id": own,
            "created_at": created,
            "comment_id": comment,
            "user_id": user,
            "type": doc["type"],
        },
    )


def _allowed_languages(values: Any, known: Known, result: Mapped) -> list[str]:
    found: list[str] = []
    legacy = False
    for value in values if isinstance(values, list) else []:
        if isinstance(value, dict):
            language = known.language(value.get("language"), value.get("version"))
            legacy = True
        else:
            language = known.has("programminglanguages", value)
        if language is not None and language not in found:
            found.append(language)
    if legacy:
        result.repairs.append("legacy allowed languages converted to references")
    return found


def map_games(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    owner, puzzle = known.has("users", doc.get("owner")), known.has("puzzles", doc.get("puzzle"))
    if owner is None or puzzle is None:
        return skipped("its owner or its puzzle is not in the dump")
    result = Mapped()
    options = part(doc, "options")
    created, _ = times(doc, known.now)
    start = when(doc.get("startTime"), created) or created
    end = when(doc.get("endTime"), start) or start
    finished = end <= known.now
    mode = options.get("mode") if options.get("mode") in MODES else "fastest"
    result.add(
        "games",
        {
            "id": own,
            "created_at": created,
            "owner_id": owner,
            "puzzle_id": puzzle,
            "mode": mode,
            "visibility": "private" if options.get("visibility") == "private" else "public",
            "max_duration_seconds": int(number(options.get("maxGameDurationInSeconds"), 900)),
            "allowed_languages": _allowed_languages(options.get("allowedLanguages"), known, result),
            "rated": options.get("rated", True) is not False,
            "status": "finished" if finished else "in_progress",
            "start_time": start,
            "end_time": end,
            # Node already counted a finished game in the ratings it stored.
            "ratings_applied": finished,
        },
    )
    players = ids_in(doc.get("players"), lambda v: known.has("users", v))
    _moment(result, own, "start", owner, start, {})
    for position, user in enumerate(players):
        result.add(
            "game_players",
            {
                "id": derived_id(own, "player", user),
                "game_id": own,
                "user_id": user,
                "position": position,
                "joined_at": start,
            },
        )
        _moment(result, own, "join", user, start, {}, user)
    _hand_ins(doc, own, known, result)
    if finished:
        _moment(result, own, "finish", owner, end, {})
    return result


def _hand_ins(doc: dict[str, Any], game: str, known: Known, result: Mapped) -> None:
    handed: set[str] = set()
    for submission in ids_in(doc.get("playerSubmissions"), lambda v: known.has("submissions", v)):
        user, made, rate = known.submissions[submission]
        if user in handed or known.has("users", user) is None:
            continue
        handed.add(user)
        result.add(
            "game_submissions",
            {
                "id": derived_id(game, "hand-in", submission),
                "created_at": made,
                "game_id": game,
                "user_id": user,
                "submission_id": submission,
            },
        )
        _moment(result, game, "submission", user, made, {"successRate": rate}, submission)


def _moment(
    result: Mapped, game: str, kind: str, user: str, at: datetime, data: Row, *key: str
) -> None:
    """A kept game event, so an imported game replays like one played here."""
    result.add(
        "game_events",
        {
            "id": derived_id(game, "event", kind, *key),
            "created_at": at,
            "game_id": game,
            "kind": kind,
            "user_id": user,
            "data": data,
        },
    )


def map_chatmessages(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    game, user = known.has("games", doc.get("gameId")), known.has("users", doc.get("userId"))
    if game is None or user is None:
        return skipped("its game or its user is not in the dump")
    created, updated = times(doc, known.now)
    result = Mapped().add(
        "chat_messages",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "game_id": game,
            "user_id": user,
            "username": text(doc.get("username")) or known.user_names.get(user, ""),
            "message": text(doc.get("message")),
            "is_deleted": doc.get("isDeleted") is True,
        },
    )
    _moment(result, game, "chat", user, created, {"message": own}, own)
    return result


def _reported_user(problem: str, target: str, known: Known) -> str | None:
    owner = {
        "user": target,
        "puzzle": known.puzzle_author.get(target),
        "comment": known.comment_author.get(target),
        "game_chat": known.chat_user.get(target),
    }.get(problem)
    return known.has("users", owner)


def map_reports(doc: dict[str, Any], known: Known) -> Mapped:
    own = hex_id(doc["_id"]) or ""
    by = known.has("users", doc.get("reportedBy"))
    target = hex_id(doc.get("problematicIdentifier"))
    problem, status = doc.get("problemType"), doc.get("status", "pending")
    if by is None or target is None:
        return skipped("its reporter is not in the dump, or it names nothing")
    if problem not in PROBLEM_TYPES or status not in REPORT_STATUSES:
        return skipped(f"problem type {problem!r} or status {status!r} is not known")
    if own in known.duplicates:
        return skipped(known.duplicates[own])
    created, updated = times(doc, known.now)
    return Mapped().add(
        "reports",
        {
            "id": own,
            "created_at": created,
            "updated_at": updated,
            "problem_type": problem,
            "target_id": target,
            "reported_by_id": by,
            "explanation": text(doc.get("explanation")),
            "status": status,
            "resolved_by_id": known.has("users", doc.get("resolvedBy")),
            "reported_user_id": _reported_user(str(problem), target, known),
        },
    )


def map_usermetrics(doc: dict[str, Any], known: Known) -> Mapped:
    user = known.has("users", doc.get("userId"))
    if user is None:
        return skipped("its user is not in the dump")
    if (hex_id(doc["_id"]) or "") in known.duplicates:
        return skipped(known.duplicates[hex_id(doc["_id"]) or ""])
    result = Mapped()
    _, updated = times(doc, known.now)
    for mode in MODES:
        stats = doc.get(mode)
        if not isinstance(stats, dict):
            continue
        glicko = part(stats, "glickoRating")
        rank = stats.get("rank")
        result.add(
            "user_mode_metrics",
            {
                "id": derived_id(user, "metrics", mode),
                "user_id": user,
                "mode": mode,
                "games_played": int(number(stats.get("gamesPlayed"))),
                "games_won": int(number(stats.get("gamesWon"))),
                "best_score": number(stats.get("bestScore")),
                "average_score": number(stats.get("averageScore")),
                "total_score": number(stats.get("totalScore")),
                "rating": number(glicko.get("rating"), 1500.0),
                "rd": number(glicko.get("rd"), 350.0),
                "volatility": number(glicko.get("volatility"), 0.06),
                "rating_updated_at": when(glicko.get("lastUpdated"), updated),
                "rank": int(rank)
                if isinstance(rank, int | float) and not isinstance(rank, bool)
                else None,
                "last_game_date": when(stats.get("lastGameDate")),
                "updated_at": updated,
            },
        )
    return result


MAPPERS: dict[str, Callable[[dict[str, Any], Known], Mapped]] = {
    "programminglanguages": map_programminglanguages,
    "users": map_users,
    "preferences": map_preferences,
    "puzzles": map_puzzles,
    "userbans": map_userbans,
    "submissions": map_submissions,
    "comments": map_comments,
    "uservotes": map_uservotes,
    "games": map_games,
    "chatmessages": map_chatmessages,
    "reports": map_reports,
    "usermetrics": map_usermetrics,
}
COLLECTIONS = tuple(MAPPERS)  # the writing order: what a row points at is written before it
READ_ONLY = ("migrationtrackers",)  # read and counted, not imported
