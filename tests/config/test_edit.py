"""`year switch --write-config`: the file follows the new base, keeps its comments, and
keeps the old base as a previous one."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from hpsync.config import load_config
from hpsync.config.edit import diff, replace_file, switched_text
from hpsync.config.example import example_config
from hpsync.errors import ConfigError, UsageError

NEW = "https://planning.ecole.example/hpsw/2027-2028"


def test_the_new_base_is_current_and_the_old_one_first_of_the_previous() -> None:
    """url/base_id change; the old base (credentials by reference) heads the previous list;
    every comment of the example survives."""
    before = example_config()
    after = switched_text(before, url=NEW, base_id="ecole-2027")
    hp = tomllib.loads(after)["hyperplanning"]
    assert (hp["url"], hp["base_id"]) == (NEW, "ecole-2027")
    assert [p["base_id"] for p in hp["previous"]] == ["ecole-2026", "ecole-2025"]
    assert hp["previous"][0] == {
        "url": "https://planning.ecole.example/hpsw/2026-2027",
        "user": "ws-hpsync",
        "password": "env:HP_PASSWORD",
        "base_id": "ecole-2026",
        "timeout_seconds": 30,
    }
    comments = [line.split("#", 1)[1] for line in before.splitlines() if "#" in line]
    assert [c for c in comments if c not in after] == []
    changed = [line for line in diff(before, after, "hpsync.toml").splitlines() if line[:1] in "+-"]
    assert any(re.match(r'\+base_id = "ecole-2027"', line) for line in changed)


def test_a_base_without_base_id_keeps_its_default_name_as_previous() -> None:
    """The old base's id was the slug of its URL: that is the id written for it."""
    text = (
        '[hyperplanning]\nurl = "https://hp.test/hpsw/2026-2027"\nuser = "u"\npassword = "env:P"\n'
    )
    hp = tomllib.loads(switched_text(text, url=NEW, base_id="next"))["hyperplanning"]
    assert hp["previous"][0]["base_id"] == "hpsw-2026-2027"


def test_switching_to_the_base_already_followed_is_refused() -> None:
    """Running the edit twice does not list the current base as its own previous."""
    after = switched_text(example_config(), url=NEW, base_id="ecole-2027")
    with pytest.raises(UsageError, match="already follows"):
        switched_text(after, url=NEW, base_id="ecole-2027")


def test_the_file_is_replaced_only_by_a_valid_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A result that would not load is refused and the file is left as it was."""
    for name in ("HP_PASSWORD", "EDUSIGN_KEY_NORD", "EDUSIGN_KEY_SUD", "EDUSIGN_SECRET_NORD"):
        monkeypatch.setenv(name, "x" * 16)
    path = tmp_path / "hpsync.toml"
    path.write_text(example_config())
    replace_file(path, switched_text(example_config(), url=NEW, base_id="ecole-2027"))
    assert load_config(path).hyperplanning.base_id == "ecole-2027"
    good = path.read_text()
    with pytest.raises(ConfigError):
        replace_file(path, good.replace('base_id = "ecole-2027"', 'base_id = "a:b"'))
    assert path.read_text() == good
