"""Read hpsync.toml: every problem at once, each with its location and a fix."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hpsync.config.models import Config, SecretRef
from hpsync.errors import ConfigError, UsageError

_MESSAGES = {
    "SECRET_INLINE": "a secret must be a reference env:NAME or file:PATH, never the value itself",
    "NOT_HTTP_URL": "must be an http(s) URL",
    "BAD_ZONE": 'unknown time zone; use an IANA name such as "Europe/Paris"',
    "BAD_ROOM": 'expected "name", "code" or {fixed = "..."}',
    "BAD_TRAINERLESS": 'expected "skip" or {fictitious_trainer = "e-mail"}',
    "BAD_FICTITIOUS_EMAIL": "fictitious_trainer must be a valid e-mail address",
    "BAD_FINAL": 'expected "locked" or {hours_after_end = N} with N >= 0',
    "BAD_ACCOUNT_NAME": "use lowercase letters, digits, '-' and '_' only",
    "BAD_BASE_ID": "must be non-empty and contain no ':'",
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


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose keys are valid at a location (for typo suggestions)."""
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


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    for meta in getattr(annotation, "__metadata__", ()) or ():
        del meta
    origin = getattr(annotation, "__origin__", None)
    if origin is not None:
        return _inner_model(origin)
    return None


def _message(error: Any) -> tuple[tuple[Any, ...], str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    msg = str(error.get("msg", ""))
    if kind == "extra_forbidden":
        parent, key = loc[:-1], str(loc[-1])
        model = _model_at(tuple(p for p in parent))
        valid = sorted(model.model_fields) if model else []
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f'; did you mean "{close[0]}"?' if close else f"; valid keys: {', '.join(valid)}"
        return loc, "unknown key" + hint
    if kind == "missing":
        return loc, "required key is missing"
    if loc == ("accounts",) and kind == "too_short":
        return loc, "at least one account is required"
    if kind == "value_error":
        code = msg.removeprefix("Value error, ")
        if code.startswith("DUPLICATE_ACCOUNT:"):
            return ("accounts",), f'duplicate account name "{code.split(":", 1)[1]}"'
        return loc, _MESSAGES.get(code, code)
    if kind == "literal_error":
        return loc, "expected " + msg.removeprefix("Input should be ")
    return loc, msg[0].lower() + msg[1:] if msg else kind


def problems_of(data: dict[str, Any]) -> tuple[Config | None, list[str]]:
    """Validate parsed TOML: the model, or every problem as ``location: message``."""
    try:
        return Config.model_validate(data), []
    except ValidationError as exc:
        out: list[str] = []
        for error in exc.errors():
            loc, text = _message(error)
            # a union of models reports the same place several times: keep the first
            line = f"{location(loc)}: {text}"
            if line not in out:
                out.append(line)
        return None, out


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot read configuration {path} ({exc.strerror})",
            hint="check the path, or run `hpsync config example > hpsync.toml`",
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"TOML syntax error: {exc}"], path=str(path)) from None


def _anchor_sqlite(data: dict[str, Any], folder: Path) -> None:
    """Relative SQLite paths are relative to the configuration file's folder."""
    url = data.get("state_url", "sqlite:///hpsync-state.db")
    if isinstance(url, str) and url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url.removeprefix("sqlite:///")
        if relative and not Path(relative).is_absolute():
            data["state_url"] = f"sqlite:///{(folder / relative).resolve()}"
    elif "state_url" not in data:
        data["state_url"] = url


def load_config(path: Path) -> Config:
    """The validated configuration, or ConfigError listing every problem."""
    path = Path(path)
    data = _parse(path)
    _anchor_sqlite(data, path.parent)
    config, problems = problems_of(data)
    if config is None:
        raise ConfigError(problems, path=str(path))
    return config


def secret_problems(config: Config) -> list[str]:
    """Every secret reference that does not resolve, with its location."""
    refs: list[tuple[str, SecretRef | None]] = [
        ("hyperplanning.password", config.hyperplanning.password)
    ]
    refs += [
        (f"hyperplanning.previous[{i}].password", p.password)
        for i, p in enumerate(config.hyperplanning.previous)
    ]
    for i, account in enumerate(config.accounts):
        refs.append((f"accounts[{i}].api_key", account.api_key))
        refs.append((f"accounts[{i}].webhook_secret", account.webhook_secret))
    if config.dashboard:
        refs.append(("dashboard.token", config.dashboard.token))
    if config.smtp:
        refs.append(("smtp.password", config.smtp.password))
    out: list[str] = []
    for where, ref in refs:
        if ref is None:
            continue
        try:
            ref.resolve(where)
        except UsageError as exc:
            out.append(f"{where}: {exc.message}")
    return out


def check_config(path: Path) -> list[str]:
    """All problems of a configuration file, secrets included; empty when valid."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        return exc.problems
    return secret_problems(config)
