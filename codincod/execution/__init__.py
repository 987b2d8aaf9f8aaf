"""Code execution: programming languages and the executors (Piston, embedded runner)."""
