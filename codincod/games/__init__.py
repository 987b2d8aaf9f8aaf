"""Multiplayer games: waiting rooms, players, chat and per-mode scoring."""
