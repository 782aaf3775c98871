"""Reading the package's data files (lexicons, dictionaries, thresholds) and users' own.

Users' files are checked against the keys their reader knows (``check``): a misspelled key
is an error naming the file, the key and the closest known key, not an entry silently
ignored. Broken YAML or TOML is a one-line error with the file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from typing import IO, Any

from .errors import DataFileSyntax, DataFileValue, UnknownDataKey


def load_yaml(source: str | bytes | IO) -> Any:
    """Parse YAML safely, with libyaml's C loader when the wheel has it (about 10x faster
    than the pure-Python one: the lexicons are read by every worker process)."""
    import yaml

    return yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _read_text(path: str | os.PathLike) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise DataFileSyntax(f"{path}: not UTF-8 text (byte {exc.start})", hint="save the file as UTF-8") from exc
    except OSError as exc:
        raise DataFileSyntax(f"cannot read {path}: {exc.strerror or exc}", hint="check the path") from exc


def read_yaml_file(path: str | os.PathLike) -> Any:
    """A YAML data file; broken YAML is a DataFileSyntax error with the file, line and column."""
    import yaml

    text = _read_text(path)
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        at = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataFileSyntax(f"{at}: not valid YAML: {problem}") from None


_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def read_toml_file(path: str | os.PathLike) -> dict[str, Any]:
    """A TOML data file; broken TOML is a DataFileSyntax error with the file, line and column."""
    import tomllib

    text = _read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = _TOML_AT.search(msg)
        at = f"{path}:{m.group(1)}:{m.group(2)}" if m else str(path)
        raise DataFileSyntax(f"{at}: not valid TOML: {_TOML_AT.sub('', msg)}") from None


# -- schemas ------------------------------------------------------------------------------
# A schema is a Keys (a mapping with known keys), MapOf (any keys, one kind of value),
# ListOf, OneOf (a closed set of values) or a tuple of Python types for a scalar.
SCALAR = (str, int, float, bool)
DATE = (dt.date,)


@dataclass(frozen=True)
class Keys:
    fields: dict[str, Any]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class MapOf:
    value: Any


@dataclass(frozen=True)
class ListOf:
    item: Any


@dataclass(frozen=True)
class OneOf:
    values: tuple[Any, ...] = field(default_factory=tuple)


def closest(word: str, known: Any) -> str | None:
    """The known word nearest to ``word`` (case-insensitive), or None when none is near."""
    known = [str(k) for k in known]
    by_lower = {k.lower(): k for k in known}
    hit = difflib.get_close_matches(str(word).lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[hit[0]] if hit else None


def _type_name(types: tuple[type, ...]) -> str:
    if types == DATE:
        return "a date (YYYY-MM-DD)"
    if types == SCALAR:
        return "a plain value"
    names = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    return " or ".join(names.get(t, t.__name__) for t in types)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def check(data: Any, schema: Any, *, file: str | os.PathLike, where: str = "") -> None:
    """Raise UnknownDataKey / DataFileValue when ``data`` (a parsed data file) strays from
    ``schema``; ``where`` is the path inside the file, for the message."""
    at = f" in {where}" if where else ""
    if isinstance(schema, Keys):
        if not isinstance(data, dict):
            raise DataFileValue(f"{file}: expected a mapping of keys{at}, got {_describe(data)}")
        for key in data:
            if key not in schema.fields:
                near = closest(key, schema.fields)
                hint = f"did you mean {near!r}?" if near else "known keys: " + ", ".join(schema.fields)
                raise UnknownDataKey(f"{file}: unknown key {key!r}{at}", hint=hint)
        for key in schema.required:
            if key not in data:
                raise DataFileValue(f"{file}: {where or 'the file'} has no {key!r}", hint=f"each entry needs {', '.join(schema.required)}")
        for key, value in data.items():
            if value is not None:
                check(value, schema.fields[key], file=file, where=f"{where}.{key}" if where else str(key))
    elif isinstance(schema, MapOf):
        if not isinstance(data, dict):
            raise DataFileValue(f"{file}: expected a mapping{at}, got {_describe(data)}")
        for key, value in data.items():
            if not _scalar_ok(value, schema.value):  # (the common case skips the formatting)
                check(value, schema.value, file=file, where=f"{where}[{key!r}]")
    elif isinstance(schema, ListOf):
        if not isinstance(data, list):
            raise DataFileValue(f"{file}: expected a list{at}, got {_describe(data)}")
        for i, item in enumerate(data):
            if _scalar_ok(item, schema.item):
                continue
            name = item.get("name") if isinstance(item, dict) else None
            check(item, schema.item, file=file, where=f"{where}[{i}]" + (f" ({name!r})" if name else ""))
    elif isinstance(schema, OneOf):
        if data not in schema.values:
            near = closest(data, schema.values) if isinstance(data, str) else None
            hint = (f"did you mean {near!r}? " if near else "") + "known: " + ", ".join(map(str, schema.values))
            raise DataFileValue(f"{file}: unknown value {data!r}{at}", hint=hint)
    elif not _scalar_ok(data, schema):
        raise DataFileValue(f"{file}: expected {_type_name(schema)}{at}, got {_describe(data)}")


def _scalar_ok(value: Any, schema: Any) -> bool:
    """``value`` fits a scalar schema (a tuple of types; a bool is no number)."""
    return type(schema) is tuple and isinstance(value, schema) and (bool in schema or not isinstance(value, bool))
