"""What the domain tells a socket (``codincod.games.api`` messages), as the frontend's frames."""

from __future__ import annotations

from typing import cast

from codincod.games import api as games
from server import shapes
from server.wire import game_dto, puzzle_page_dto, room_dto, rooms_dto


def game_frame(message: games.Message) -> shapes.GameFrame:
    match message:
        case games.Overview(view=view, puzzle=puzzle):
            body: shapes.GameOverviewFrame = {"event": "game:overview", "game": game_dto(view)}
            if puzzle is not None:  # a player's first overview once the game runs
                body["puzzle"] = puzzle_page_dto(puzzle)
            return body
        case games.Finished(view=view):
            return {"event": "game:finished", "game": game_dto(view)}
        case games.ChatLine(line=line):
            return {"event": "message:send", "chatMessage": cast(shapes.ChatLine, line)}
        case games.LanguageChosen(username=username, language=language):
            return {"event": "language:change", "language": language, "username": username}
        case games.Refused(message=text):
            return {"event": "error", "message": text}
    raise TypeError(f"no frame for {message!r}")


def lobby_frame(message: games.LobbyMessage) -> shapes.LobbyFrame:
    match message:
        case games.RoomList(rooms=rooms):
            return {"event": "rooms:overview", "rooms": rooms_dto(rooms)}
        case games.RoomOverview(room=room):
            return {"event": "room:overview", "room": room_dto(room)}
        case games.RoomChatLine(line=line):
            return {
                "event": "room:chat-message",
                "username": line["username"],
                "message": line["message"],
                "createdAt": line["createdAt"],
            }
        case games.GameStarting(game_url=url, start_time=start):
            return {"event": "game:start", "gameUrl": url, "startTime": start}
    raise TypeError(f"no frame for {message!r}")
