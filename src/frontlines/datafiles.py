"""Reading the package's data files (lexicons, dictionaries, thresholds) and users' own."""

from __future__ import annotations

from typing import IO, Any


def load_yaml(source: str | bytes | IO) -> Any:
    """Parse YAML safely, with libyaml's C loader when the wheel has it (about 10x faster
    than the pure-Python one: the lexicons are read by every worker process)."""
    import yaml

    return yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
