"""Complete, runnable examples that the course notebooks call (training on real data)."""
