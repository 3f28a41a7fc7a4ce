"""Edits of a configuration file that keep its comments and layout (tomlkit).

Used by ``year switch --write-config``: the new base becomes ``[hyperplanning]`` and the
old one moves to the front of ``[[hyperplanning.previous]]`` so that its pending
attendance is still written back. The edit is checked (the result must load) before the
file is replaced, and the replacement is atomic.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table

from hpsync.config.fields import default_base_id
from hpsync.errors import ConfigError, UsageError

_BASE_KEYS = ("url", "user", "password", "base_id", "timeout_seconds", "operations")


def switched_text(text: str, *, url: str, base_id: str) -> str:
    """The configuration ``text`` with ``url``/``base_id`` as the current base and the
    former current base first among the previous ones."""
    doc = tomlkit.parse(text)
    hp = doc.get("hyperplanning")
    if not isinstance(hp, Table):
        raise UsageError("the configuration has no [hyperplanning] table", hint="see docs/year.md")
    plain = hp.unwrap()
    old_url = str(plain.get("url", ""))
    old: dict[str, Any] = {k: plain[k] for k in _BASE_KEYS if k in plain}
    old["base_id"] = str(hp.get("base_id") or default_base_id(old_url))
    if old["base_id"] == base_id:
        raise UsageError(
            f"the configuration already follows base {base_id!r}", hint="nothing to change"
        )
    hp["url"] = url
    hp["base_id"] = base_id
    entry = tomlkit.table()
    for key in _BASE_KEYS:
        if key in old and old[key] != {}:
            entry[key] = old[key]
    entry.add(tomlkit.nl())
    previous = hp.get("previous")
    if isinstance(previous, AoT):
        for index in reversed(range(len(previous))):
            if str(previous[index].get("base_id", "")) in (base_id, old["base_id"]):
                del previous[index]
        previous.insert(0, entry)
    else:
        table = tomlkit.aot()
        table.append(entry)
        hp["previous"] = table
    return tomlkit.dumps(doc)


def diff(before: str, after: str, name: str) -> str:
    """A unified diff of an edit, to print when the file is not written."""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{name} (now)",
            tofile=f"{name} (after the switch)",
        )
    )


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, after checking that it loads."""
    import tomllib

    from hpsync.config.loader import problems_of

    config, problems = problems_of(tomllib.loads(text), path.parent.resolve())
    if config is None:
        raise ConfigError(problems, path=str(path))
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
