"""Comments on puzzles, threaded replies and votes."""
