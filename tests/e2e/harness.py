"""Both emulators, a generated school and a configuration file, for end-to-end tests."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from hpsync import clock
from hpsync.edusign import EdusignClient
from hpsync.emulators.edusign import start_emulator as start_edusign
from hpsync.emulators.generator import generate_school
from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning
from hpsync.secrets import Secret

from .clock_helpers import timeline

ACCOUNTS = ("nord", "sud")


@dataclass
class World:
    """Running emulators and the configuration that points at them."""

    school: dict[str, Any]
    hp_url: str
    es_url: str
    keys: dict[str, str]
    config: Path
    hp: Any
    es: Any

    def client(self, account: str) -> EdusignClient:
        return EdusignClient(self.es_url, Secret(self.keys[account]), rate_scale=50)

    def edusign_state(self, account: str) -> dict[str, list[tuple[str, ...]]]:
        """What the account holds, as comparable tuples (ids left out)."""
        client = self.client(account)
        try:
            first = date.fromisoformat(self.school["base"]["first_day"])
            students = client.list_students(include_archived=True)
            sapi = {s.id: s.api_id for s in students}
            profs = client.list_professors(include_archived=True)
            papi = {p.id: p.api_id for p in profs}
            courses = client.list_courses(first, first + timedelta(days=366))
            return {
                "students": sorted(
                    (s.api_id, s.email, str(s.hidden), ",".join(sorted(s.tags))) for s in students
                ),
                "professors": sorted((p.api_id, p.email, str(p.hidden)) for p in profs),
                "groups": sorted(
                    (g.api_id, g.name, ",".join(sorted(sapi.get(x, x) for x in g.students)))
                    for g in client.list_groups()
                ),
                "courses": sorted(
                    (
                        c.api_id,
                        c.name,
                        str(c.start),
                        str(c.end),
                        c.classroom,
                        ",".join(papi.get(p, p) for p in c.professor_ids),
                        ",".join(sorted(sapi.get(r.student_id, r.student_id) for r in c.students)),
                    )
                    for c in courses
                ),
            }
        finally:
            client.close()

    def write_calls(self) -> int:
        """Write requests (POST/PATCH/PUT/DELETE) the Edusign emulator received."""
        stats = httpx.get(f"{self.es_url}/_emulator/stats", timeout=10).json()
        return count_writes(stats)


def count_writes(stats: Any) -> int:
    """Sum the non-GET requests in the emulator's stats, whatever its nesting."""
    total = 0
    if isinstance(stats, dict):
        for key, value in stats.items():
            if isinstance(value, int) and isinstance(key, str):
                method = key.split(" ", 1)[0].upper()
                if method in {"POST", "PATCH", "PUT", "DELETE"} and "_emulator" not in key:
                    total += value
            else:
                total += count_writes(value)
    elif isinstance(stats, list):
        for value in stats:
            total += count_writes(value)
    return total


def duplicates(state: dict[str, list[tuple[str, ...]]]) -> Counter[str]:
    """External ids held twice by live records."""
    seen: Counter[str] = Counter()
    for kind, rows in state.items():
        for row in rows:
            if kind in ("students", "professors") and row[2] == "True":
                continue
            if row[0]:
                seen[f"{kind}:{row[0]}"] += 1
    return Counter({k: n for k, n in seen.items() if n > 1})


def config_text(
    world_dir: Path, hp_url: str, es_url: str, base_id: str, *, rate_scale: float
) -> str:
    return f"""\
state_url = "sqlite:///{world_dir / "state.db"}"
timezone = "Europe/Paris"

[hyperplanning]
url = "{hp_url}"
user = "ws"
password = "env:HPSYNC_E2E_HP"
base_id = "{base_id}"

[[accounts]]
name = "nord"
url = "{es_url}"
api_key = "env:HPSYNC_E2E_KEY_NORD"
learners = [{{ family = "Site", rubric = "Nord" }}]
tag_families = ["Type de contrat"]
tutors = false
room = "code"
trainerless = {{ fictitious_trainer = "planning@lycee-demo.test" }}
rate_scale = {rate_scale}
[accounts.guards]
max_removal_share = 0.5

[[accounts]]
name = "sud"
url = "{es_url}"
api_key = "env:HPSYNC_E2E_KEY_SUD"
learners = [{{ family = "Site", rubric = "Sud" }}]
courses.exclude = [{{ family = "Modalité", rubric = "Autonomie" }}]
rate_scale = {rate_scale}
[accounts.guards]
max_removal_share = 0.5
"""


@contextmanager
def world(tmp: Path, size: str = "S", seed: int = 3, rate_scale: float = 50.0) -> Iterator[World]:
    """Generate a school and serve it; two Edusign schools; a config file pointing at both."""
    school = generate_school(size, seed, year=2026)
    password = secrets.token_hex(8)
    keys = {name: secrets.token_hex(12) for name in ACCOUNTS}
    os.environ["HPSYNC_E2E_HP"] = password
    for name, key in keys.items():
        os.environ[f"HPSYNC_E2E_KEY_{name.upper()}"] = key
    with ExitStack() as stack:
        hp = stack.enter_context(
            start_hyperplanning(school, user="ws", password=password, root="/hpsw/2026-2027")
        )
        es = stack.enter_context(
            start_edusign(
                schools=list(keys.items()), db_path=tmp / "edusign.db", rate_scale=rate_scale
            )
        )
        config = tmp / "hpsync.toml"
        config.write_text(
            config_text(tmp, hp.url, es.url, school["base"]["id"], rate_scale=rate_scale)
        )
        yield World(school, hp.url, es.url, keys, config, hp, es)


def clock_env(at: datetime) -> dict[str, str]:
    """This process's environment with hpsync's clock on the timeline of ``at``."""
    return {**os.environ, clock.ENV: timeline(at)}


def hpsync(
    w: World | None, at: datetime | None, *args: str, timeout: float = 300, ok: bool = False
) -> subprocess.CompletedProcess[str]:
    """The ``hpsync`` command as an operator types it, in a process of its own: ``-c`` the
    world's configuration when ``w`` is given (else ``args`` name theirs), its clock on
    the timeline of ``at`` when given (else this process's); ``ok``: it must exit 0."""
    command = [sys.executable, "-m", "hpsync", *args]
    if w is not None:
        command += ["-c", str(w.config)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=None if at is None else clock_env(at),
    )
    if ok:
        assert done.returncode == 0, done.stderr[-2000:]
    return done
