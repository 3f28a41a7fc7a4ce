"""Pydantic's validation errors → one message per problem, located in TOML terms.

Users write TOML, not Python: ``accounts[1].room: expected "name", "code" or
{fixed = "..."}`` says where and what, where pydantic would say "Value error, …" with
its own wording. The rejected input is never quoted, so no secret can be echoed.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from hpsync.config.models import Config

_CODES = {
    "SECRET_INLINE": "a secret must be a reference env:NAME or file:PATH, never the value itself",
    "BAD_SECRET_REF": "expected env:NAME (letters, digits and _) or file:PATH",
    "NOT_HTTP_URL": "must be an http(s) URL",
    "URL_CREDENTIALS": "must not contain a user or password; use the user and password keys",
    "URL_QUERY": "must not contain a query (?…) or a fragment (#…)",
    "BAD_ZONE": 'unknown time zone; use an IANA name such as "Europe/Paris"',
    "BAD_EMAIL": "must be an e-mail address",
    "BAD_STATE_URL": 'expected "sqlite:///PATH" or "postgresql+psycopg://USER@HOST/DB"',
    "STATE_PASSWORD": "must not contain a password; give it with PGPASSWORD or ~/.pgpass",
    "BAD_ROOM": 'expected "name", "code" or {fixed = "..."}',
    "BAD_TRAINERLESS": 'expected "skip" or {fictitious_trainer = "e-mail"}',
    "BAD_FICTITIOUS_EMAIL": "fictitious_trainer must be a valid e-mail address",
    "BAD_FINAL": 'expected "locked" or {hours_after_end = N} with N >= 0',
    "BAD_ACCOUNT_NAME": "use lowercase letters, digits, '-' and '_' only",
    "BAD_BASE_ID": "must be non-empty and contain no ':'",
    "BAD_QUIET_HOURS": 'expected "HH:MM-HH:MM", e.g. "22:00-06:00"',
    "SMTP_AUTH": "user and password go together: give both or neither",
}

_TYPES = {
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "string_type": 'expected a string in quotes, e.g. "..."',
    "list_type": "expected an array, e.g. [ ... ]",
    "model_type": "expected a table, e.g. { key = ... }",
    "model_attributes_type": "expected a table, e.g. { key = ... }",
    "dict_type": "expected a table, e.g. { key = ... }",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "does not have the expected form (see docs/config.md)",
    "missing": "required key is missing",
}


def location(loc: tuple[Any, ...]) -> str:
    """``('accounts', 1, 'room')`` → ``accounts[1].room``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose keys are valid at a location (for typo suggestions)."""
    model: type[BaseModel] | None = Config
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        model = _inner_model(field.annotation)
    return model


def _unknown_key(loc: tuple[Any, ...]) -> str:
    model = _model_at(loc[:-1])
    valid = sorted(model.model_fields) if model else []
    close = difflib.get_close_matches(str(loc[-1]), valid, n=1)
    if close:
        return f'unknown key; did you mean "{close[0]}"?'
    return "unknown key" + (f"; valid keys: {', '.join(valid)}" if valid else "")


def _from_code(loc: tuple[Any, ...], code: str) -> list[tuple[tuple[Any, ...], str]]:
    kind, _, detail = code.partition(":")
    if kind == "DUPLICATE_ACCOUNT":
        out = []
        for item in detail.split("|"):
            index, _, name = item.partition(":")
            out.append((("accounts", int(index), "name"), f'duplicate account name "{name}"'))
        return out
    if kind == "DUPLICATE_BASE_ID":
        index, _, base_id = detail.partition(":")
        where = (*loc, "previous", int(index), "base_id")
        return [(where, f'base id "{base_id}" is already used by another base')]
    return [(loc, _CODES.get(code, "invalid value"))]


def messages_of(error: ErrorDetails) -> list[tuple[tuple[Any, ...], str]]:
    """The located message(s) for one pydantic error."""
    loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return [(loc, _unknown_key(loc))]
    if kind == "value_error":
        return _from_code(loc, str(ctx.get("error", "")))
    if kind == "too_short":
        return [
            (
                loc,
                "at least one account is required" if loc == ("accounts",) else "must not be empty",
            )
        ]
    if kind == "literal_error":
        return [(loc, "expected " + str(ctx.get("expected", "")).replace("'", '"'))]
    bounds = {
        "greater_than": "must be greater than",
        "greater_than_equal": "must be at least",
        "less_than": "must be less than",
        "less_than_equal": "must be at most",
    }
    if kind in bounds:
        limit = next(iter(ctx.values()), "")
        return [(loc, f"{bounds[kind]} {_number(limit)}")]
    if kind.startswith(("date_", "datetime_")):
        return [(loc, "expected a date such as 2025-09-01")]
    return [(loc, _TYPES.get(kind, "invalid value"))]
