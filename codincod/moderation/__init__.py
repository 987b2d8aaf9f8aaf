"""Moderation: the review queue, reports, bans and their escalation."""
