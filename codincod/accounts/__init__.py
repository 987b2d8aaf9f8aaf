"""Accounts: users, passwords, sessions (JWT), profiles and preferences."""
