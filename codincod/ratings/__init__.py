"""Glicko-2 ratings and leaderboards, per game mode."""
