"""Puzzles: statements, validators (test cases), reference solutions and their life cycle."""
