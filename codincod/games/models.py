from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from codincod.modelbase import Entity, created_at_field, id_field
from codincod.timeutil import utcnow

if TYPE_CHECKING:
    from codincod.accounts.models import User
    from codincod.puzzles.models import Puzzle
    from codincod.submissions.models import Submission


GAME_VISIBILITIES = ("public", "private")
GAME_STATUSES = ("waiting", "in_progress", "finished")


class Game(Model):
    id = id_field()
    created_at = created_at_field()
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="owned_games", on_delete=fields.CASCADE
    )
    owner_id: str
    puzzle: fields.ForeignKeyRelation[Puzzle] = fields.ForeignKeyField(
        "models.Puzzle", related_name="games", on_delete=fields.CASCADE
    )
    puzzle_id: str
    mode = fields.CharField(max_length=16, default="fastest")
    visibility = fields.CharField(max_length=8, default="public")
    max_duration_seconds = fields.IntField(default=900)
    allowed_languages: fields.Field[list[str]] = fields.JSONField(default=list)
    rated = fields.BooleanField(default=True)
    status = fields.CharField(max_length=16, default="in_progress")
    start_time = fields.DatetimeField()
    end_time = fields.DatetimeField()
    ratings_applied = fields.BooleanField(default=False)

    class Meta:
        table = "games"
        indexes = (("status", "end_time"),)


class GamePlayer(Model):
    id = id_field()
    game: fields.ForeignKeyRelation[Game] = fields.ForeignKeyField(
        "models.Game", related_name="players", on_delete=fields.CASCADE
    )
    game_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="game_seats", on_delete=fields.CASCADE
    )
    user_id: str
    position = fields.IntField(default=0)
    joined_at = created_at_field()

    class Meta:
        table = "game_players"
        unique_together = (("game_id", "user_id"),)


class GameSubmission(Model):
    """A submission a player handed in to a game: at most one per player and game."""

    id = id_field()
    created_at = created_at_field()
    game: fields.ForeignKeyRelation[Game] = fields.ForeignKeyField(
        "models.Game", related_name="submissions", on_delete=fields.CASCADE
    )
    game_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="game_submissions", on_delete=fields.CASCADE
    )
    user_id: str
    submission: fields.ForeignKeyRelation[Submission] = fields.ForeignKeyField(
        "models.Submission", related_name="game_entries", on_delete=fields.CASCADE
    )
    submission_id: str

    class Meta:
        table = "game_submissions"
        unique_together = (("game_id", "user_id"),)


class ChatMessage(Entity):
    game: fields.ForeignKeyRelation[Game] = fields.ForeignKeyField(
        "models.Game", related_name="chat", on_delete=fields.CASCADE
    )
    game_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="chat_messages", on_delete=fields.CASCADE
    )
    user_id: str
    username = fields.CharField(max_length=20)
    message = fields.CharField(max_length=500)
    is_deleted = fields.BooleanField(default=False)

    class Meta:
        table = "chat_messages"
        indexes = (("game_id", "created_at"),)


ROOM_STATES = ("open", "started", "closed")
EVENT_KINDS = ("join", "leave", "language", "chat", "submission", "start", "finish")


class WaitingRoom(Entity):
    """A room players gather in before a game; its host is the member there longest
    (``codincod.games.lifecycle``). Options stay as hosted until the game starts."""

    state = fields.CharField(max_length=8, default="open")
    visibility = fields.CharField(max_length=8, default="public")
    mode = fields.CharField(max_length=16, default="fastest")
    max_duration_seconds = fields.IntField(null=True)  # None: the default, bounded at start
    allowed_languages: fields.Field[list[str]] = fields.JSONField(default=list)
    rated = fields.BooleanField(default=True)
    invite_code = fields.CharField(max_length=6, null=True, unique=True)
    game: fields.ForeignKeyNullableRelation[Game] = fields.ForeignKeyField(
        "models.Game", related_name="rooms", null=True, on_delete=fields.SET_NULL
    )
    game_id: str | None

    class Meta:
        table = "waiting_rooms"
        indexes = (("state", "visibility"),)


class RoomMember(Model):
    id = id_field()
    room: fields.ForeignKeyRelation[WaitingRoom] = fields.ForeignKeyField(
        "models.WaitingRoom", related_name="members", on_delete=fields.CASCADE
    )
    room_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="room_seats", on_delete=fields.CASCADE
    )
    user_id: str
    joined_at = created_at_field()
    # Last time one of the member's lobby sockets was known to be open (any process); a
    # member whose sockets all went away and who did not come back is dropped from the room.
    seen_at = fields.DatetimeField(default=utcnow)

    class Meta:
        table = "room_members"
        unique_together = (("room_id", "user_id"),)
        indexes = (("user_id",),)


class RoomMessage(Model):
    """A waiting room's chat, kept so a member who reconnects sees what was said."""

    id = id_field()
    created_at = created_at_field()
    room: fields.ForeignKeyRelation[WaitingRoom] = fields.ForeignKeyField(
        "models.WaitingRoom", related_name="messages", on_delete=fields.CASCADE
    )
    room_id: str
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="room_messages", on_delete=fields.CASCADE
    )
    user_id: str
    username = fields.CharField(max_length=20)
    message = fields.CharField(max_length=500)

    class Meta:
        table = "room_messages"
        indexes = (("room_id", "created_at"),)


class GameEvent(Model):
    """Something that happened in a game, kept so a finished game can be replayed: joins,
    leaves, language changes, chat, hand-ins, the start and the finish."""

    id = id_field()
    created_at = created_at_field()
    game: fields.ForeignKeyRelation[Game] = fields.ForeignKeyField(
        "models.Game", related_name="events", on_delete=fields.CASCADE
    )
    game_id: str
    kind = fields.CharField(max_length=16)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="game_events", null=True, on_delete=fields.SET_NULL
    )
    user_id: str | None
    data: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "game_events"
        indexes = (("game_id", "created_at"),)
