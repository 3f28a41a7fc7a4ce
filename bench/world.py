"""Shared by the sync benchmarks and chaos: both emulators in-process, a generated school,
a configuration with two Edusign accounts split by the learner family "Site".

The Edusign emulator enforces the real rate limits (480 requests and 24 heavy ones per
key in any 60 s window) multiplied by ``rate_scale``; the client's own budget uses the
same scale (config ``rate_scale``), so every wall-time figure is printed with it.
"""

from __future__ import annotations

import math
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ACCOUNTS = ("nord", "sud")
RESULTS = Path(__file__).parent / "results"
HP_USER = "ws-bench"


def config_text(
    hp_url: str,
    es_url: str,
    base_id: str,
    state: Path,
    *,
    rate_scale: float,
    since: str,
    api: str = "v3",
) -> str:
    """Two accounts split by Site (as in the demo), tutors and exemptions on."""
    accounts = []
    for name, rubric in (("nord", "Nord"), ("sud", "Sud")):
        accounts.append(f"""\
[[accounts]]
name = "{name}"
url = "{es_url}"
api = "{api}"
api_key = "env:HPSYNC_BENCH_KEY_{name.upper()}"
learners = [{{ family = "Site", rubric = "{rubric}" }}]
tag_families = ["Type de contrat"]
tutors = true
exemptions = true
room = "code"
trainerless = {{ fictitious_trainer = "planning@lycee-demo.test" }}
rate_scale = {rate_scale}
[accounts.attendance]
final = "locked"
since = {since}
""")
    return f"""\
state_url = "sqlite:///{state}"
timezone = "Europe/Paris"

[hyperplanning]
url = "{hp_url}"
user = "{HP_USER}"
password = "env:HPSYNC_BENCH_HP_PASSWORD"
base_id = "{base_id}"

""" + "\n".join(accounts)


@dataclass
class World:
    """Running emulators, their keys, and the configuration pointing at them."""

    school: dict[str, Any]
    hp: Any
    es: Any
    keys: dict[str, str]
    config: Path
    rate_scale: float

    def es_stats(self) -> dict[str, Any]:
        """The Edusign emulator's stats (per key fingerprint)."""
        stats: dict[str, Any] = httpx.get(f"{self.es.url}/_emulator/stats", timeout=30).json()
        return stats

    def es_reset(self) -> None:
        httpx.post(f"{self.es.url}/_emulator/stats/reset", timeout=30).raise_for_status()

    def hp_stats(self) -> dict[str, int]:
        """SOAP calls per operation on the Hyperplanning emulator."""
        return dict(self.hp.stats)


def key_stats(stats: dict[str, Any]) -> list[dict[str, Any]]:
    return list(stats.get("keys", {}).values())


def write_calls(stats: dict[str, Any]) -> int:
    """Non-GET API requests over every key (test controls are not counted)."""
    total = 0
    for key in key_stats(stats):
        for route, n in key.get("by_route", {}).items():
            method = route.split(" ", 1)[0].upper()
            if method != "GET" and "_emulator" not in route:
                total += int(n)
    return total


def read_calls(stats: dict[str, Any]) -> int:
    total = 0
    for key in key_stats(stats):
        for route, n in key.get("by_route", {}).items():
            if route.split(" ", 1)[0].upper() == "GET":
                total += int(n)
    return total


def heavy_calls(stats: dict[str, Any]) -> int:
    return sum(int(k.get("heavy", 0)) for k in key_stats(stats))


@contextmanager
def world(
    tmp: Path,
    size: str,
    *,
    seed: int = 7,
    rate_scale: float = 1.0,
    since: str = "2026-08-01",
    api: str = "v3",
) -> Iterator[World]:
    """Generate a school of ``size`` and serve it; two Edusign schools; a config file."""
    from hpsync.emulators.edusign import start_emulator as start_edusign
    from hpsync.emulators.generator import generate_school
    from hpsync.emulators.hyperplanning import start_emulator as start_hyperplanning

    tmp.mkdir(parents=True, exist_ok=True)
    school = generate_school(size, seed, year=2026)
    password = secrets.token_hex(8)
    keys = {name: secrets.token_hex(12) for name in ACCOUNTS}
    os.environ["HPSYNC_BENCH_HP_PASSWORD"] = password
    for name, key in keys.items():
        os.environ[f"HPSYNC_BENCH_KEY_{name.upper()}"] = key
    with ExitStack() as stack:
        hp = stack.enter_context(
            start_hyperplanning(school, user=HP_USER, password=password, root="/hpsw/2026-2027")
        )
        es = stack.enter_context(
            start_edusign(
                schools=list(keys.items()),
                db_path=tmp / "edusign.db",
                test_controls=True,
                rate_scale=rate_scale,
            )
        )
        config = tmp / "hpsync.toml"
        config.write_text(
            config_text(
                hp.url,
                es.url,
                school["base"]["id"],
                tmp / "state.db",
                rate_scale=rate_scale,
                since=since,
                api=api,
            ),
            encoding="utf-8",
        )
        yield World(school, hp, es, keys, config, rate_scale)


class Clock:
    """Wall time and this process's CPU time (user + system, threads included)."""

    def __init__(self) -> None:
        self.wall0 = time.monotonic()
        self.cpu0 = _cpu()

    @property
    def wall(self) -> float:
        return time.monotonic() - self.wall0

    @property
    def cpu(self) -> float:
        return _cpu() - self.cpu0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


WRITE_ACTIONS = ("create", "update", "remove")
BATCHED = ("learner", "trainer", "session")


def minimum_writes(plans: list[dict[str, Any]]) -> tuple[int, dict[str, int]]:
    """Fewest write calls that can carry these plans (``hpsync sync --json`` bodies):
    ceil(n/1000) per kind for the v3 batch upserts (learners, trainers, sessions), one
    call per group, tutor and removal. Also returns the planned writes per kind."""
    total = 0
    planned: Counter[str] = Counter()
    for plan in plans:
        total += minimum_heavy(plan)
        by_kind: Counter[str] = Counter()
        removals = 0
        for item in plan["items"]:
            if item["action"] == "remove":
                removals += 1
            elif item["action"] in WRITE_ACTIONS:
                by_kind[item["kind"]] += 1
            else:
                continue
            planned[item["kind"]] += 1
        total += sum(n for k, n in by_kind.items() if k not in BATCHED) + removals
    return total, dict(planned)


def minimum_heavy(plan: dict[str, Any]) -> int:
    """The v3 batch upserts (heavy calls) one plan needs at least: ceil(n/1000) per kind."""
    by_kind: Counter[str] = Counter(
        item["kind"]
        for item in plan["items"]
        if item["action"] in ("create", "update") and item["kind"] in BATCHED
    )
    return sum(math.ceil(n / 1000) for n in by_kind.values())


#: peak resident memory (MiB) of the latest ``run_cli`` child, as it reported it
LAST_PEAK_MIB: list[float] = [0.0]


def run_cli(
    args: list[str], *, timeout: float, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``hpsync ARGS`` as a subprocess: (result, wall seconds, CPU seconds of the child);
    the child's own peak memory goes to ``LAST_PEAK_MIB``. ``env`` adds to this process's
    environment for that child only (e.g. hpsync's clock)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    with tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        done = _run_measured(args, peak.name, timeout, {**os.environ, **(env or {})})
        LAST_PEAK_MIB[0] = float(peak.read().strip() or 0)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return done, wall, cpu


def _run_measured(
    args: list[str], peak_file: str, timeout: float, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.peak", peak_file, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
