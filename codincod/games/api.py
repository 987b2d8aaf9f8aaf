"""The games context's one door: every verb its callers use, whoever they are (routes, sockets,
the console's API, timers). ``server/`` imports this module and ``lifecycle`` (the rules),
nothing else of ``codincod.games`` (an import contract keeps it so).

Rooms:    host, join, join_by_invite, leave, room_chat, start, lobby, room
Games:    join_late, chat, change_language, hand_in, view, view_submission, finish, finish_due
Sockets:  greeting, refresh, catch_up, join_pressed, hears_talk, room_list, room_news,
          missed_in_lobby, on_joining, record_presence, record_leaves; what the bus brings:
          decode, talk_in, changes_game, changes_room_list, staff_news
Presence: touch, drop_if_gone, sweep_absent
Figures:  live_counts
"""

from __future__ import annotations

from codincod.games.codeview import view_submission
from codincod.games.ending import finish, finish_due, recalculate
from codincod.games.events import GAMES, LOBBY, decode
from codincod.games.models import Game, GameEvent
from codincod.games.modes import MODES, check_mode
from codincod.games.play import (
    ENDED_BY_PAGE,
    ENDED_BY_SERVER,
    LOST,
    GameView,
    RankedHandIn,
    change_language,
    chat,
    chat_line,
    join_late,
    record_leaves,
    record_presence,
)
from codincod.games.play import load as view
from codincod.games.rooms import (
    Joined,
    NoPuzzles,
    RoomOptions,
    RoomView,
    Timing,
    drop_if_gone,
    host,
    join,
    join_by_invite,
    leave,
    live_counts,
    lobby,
    start,
    sweep_absent,
    touch,
)
from codincod.games.rooms import chat as room_chat
from codincod.games.rooms import view as room
from codincod.games.service import HandedIn, HandIn, hand_in
from codincod.games.telling import (
    ChatLine,
    Finished,
    GameStarting,
    LanguageChosen,
    Listener,
    LobbyMessage,
    Message,
    Overview,
    Refused,
    RoomChatLine,
    RoomList,
    RoomOverview,
    catch_up,
    changes_game,
    changes_room_list,
    greeting,
    hears_talk,
    join_pressed,
    missed_in_lobby,
    on_joining,
    refresh,
    room_list,
    room_news,
    staff_news,
    talk_in,
)

__all__ = [
    "ENDED_BY_PAGE",
    "ENDED_BY_SERVER",
    "GAMES",
    "LOBBY",
    "LOST",
    "MODES",
    "ChatLine",
    "Finished",
    "Game",
    "GameEvent",
    "GameStarting",
    "GameView",
    "HandIn",
    "HandedIn",
    "Joined",
    "LanguageChosen",
    "Listener",
    "LobbyMessage",
    "Message",
    "NoPuzzles",
    "Overview",
    "RankedHandIn",
    "Refused",
    "RoomChatLine",
    "RoomList",
    "RoomOptions",
    "RoomOverview",
    "RoomView",
    "Timing",
    "catch_up",
    "change_language",
    "changes_game",
    "changes_room_list",
    "chat",
    "chat_line",
    "check_mode",
    "decode",
    "drop_if_gone",
    "finish",
    "finish_due",
    "greeting",
    "hand_in",
    "hears_talk",
    "host",
    "join",
    "join_by_invite",
    "join_late",
    "join_pressed",
    "leave",
    "live_counts",
    "lobby",
    "missed_in_lobby",
    "on_joining",
    "recalculate",
    "record_leaves",
    "record_presence",
    "refresh",
    "room",
    "room_chat",
    "room_list",
    "room_news",
    "staff_news",
    "start",
    "sweep_absent",
    "talk_in",
    "touch",
    "view",
    "view_submission",
]
