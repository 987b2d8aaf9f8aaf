"""Submissions: a player's code judged against every validator of a puzzle."""
