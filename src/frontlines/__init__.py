"""frontlines."""
