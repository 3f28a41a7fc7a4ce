"""Read hpsync.toml: every problem at once, each with its location and a fix."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hpsync.config.fields import SecretRef
from hpsync.config.messages import location, messages_of
from hpsync.config.models import Config, duplicate_names
from hpsync.errors import ConfigError, UsageError

MIN_DASHBOARD_TOKEN = 12  # the same floor as `hpsync serve`


def _raw_problems(data: dict[str, Any]) -> list[str]:
    """Checks across records, made on the raw data so they show with every other problem."""
    accounts = data.get("accounts")
    if not isinstance(accounts, list):
        return []
    names = [a.get("name") if isinstance(a, dict) else None for a in accounts]
    return [
        f'accounts[{index}].name: duplicate account name "{name}"'
        for index, name in duplicate_names(names)
    ]


def problems_of(
    data: dict[str, Any], folder: Path | None = None
) -> tuple[Config | None, list[str]]:
    """Validate parsed TOML: the model, or every problem as ``location: message``."""
    out = _raw_problems(data)
    try:
        config = Config.model_validate(data, context={"folder": folder})
    except ValidationError as exc:
        for error in exc.errors():
            for loc, text in messages_of(error):
                line = f"{location(loc)}: {text}"
                if line not in out:  # the same place can fail once per union member
                    out.append(line)
        return None, out
    return (None, out) if out else (config, [])


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(
            [f"cannot read the configuration file ({reason})"], path=str(path)
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "<what> (at line L, column C)" and never quotes a value
        raise ConfigError([f"TOML syntax error: {exc}"], path=str(path)) from None


def load_config(path: Path) -> Config:
    """The validated configuration, or ConfigError listing every problem."""
    path = Path(path)
    data = _parse(path)
    config, problems = problems_of(data, path.parent.resolve())
    if config is None:
        raise ConfigError(problems, path=str(path))
    return config


def secret_refs(config: Config) -> list[tuple[str, SecretRef]]:
    """Every secret reference of a configuration with its location."""
    hp = config.hyperplanning
    refs: list[tuple[str, SecretRef | None]] = [("hyperplanning.password", hp.password)]
    refs += [
        (f"hyperplanning.previous[{i}].password", p.password) for i, p in enumerate(hp.previous)
    ]
    for i, account in enumerate(config.accounts):
        refs.append((f"accounts[{i}].api_key", account.api_key))
        refs.append((f"accounts[{i}].webhook_secret", account.webhook_secret))
    if config.dashboard:
        refs.append(("dashboard.token", config.dashboard.token))
    if config.smtp:
        refs.append(("smtp.password", config.smtp.password))
    return [(where, ref) for where, ref in refs if ref is not None]


def secret_problems(config: Config) -> list[str]:
    """Every secret reference that does not resolve to a usable value, with its location."""
    out: list[str] = []
    for where, ref in secret_refs(config):
        try:
            value = ref.resolve(where).reveal()
        except UsageError as exc:
            out.append(f"{where}: {exc.message}")
            continue
        if not value:
            out.append(f"{where}: {ref} is empty")
        elif where == "dashboard.token" and len(value) < MIN_DASHBOARD_TOKEN:
            out.append(f"{where}: must be at least {MIN_DASHBOARD_TOKEN} characters long")
    return out


def check_config(path: Path) -> list[str]:
    """All problems of a configuration file, secrets included; empty when valid."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        return exc.problems
    return secret_problems(config)
